/**
 * What a flush of the record cache tells the stores' users: for each key written through, its
 * new value, the value the store held before (the last flushed one) and the context of the
 * record that made the last update. The DSL's aggregations and tables forward these instead of
 * every update, so a key updated many times between two commits goes downstream once.
 */

/**
 * The context a cached update keeps until its flush: the record that made it, so the record
 * forwarded at the flush carries that record's timestamp, headers and position.
 *
 * @example
 * ```ts
 * const c: CachedRecordContext = { timestamp: 1_700_000_000_000, headers: {} };
 * ```
 */
export interface CachedRecordContext {
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer | string | null>>;
  readonly source?: { readonly topic: string; readonly partition: number; readonly offset: number };
}

/**
 * How a caching store reports its flushes.
 *
 * @example
 * ```ts
 * const options: FlushListenerOptions = { sendOldValues: true, recordContext: () => current };
 * ```
 */
export interface FlushListenerOptions {
  /**
   * Read each flushed key's previous value from the store before writing it (a table's old
   * value, which a downstream re-aggregation subtracts). Default false: old values are null.
   */
  readonly sendOldValues?: boolean;
  /** The context of the update being made, read at each put; kept with the cached entry. */
  readonly recordContext?: () => CachedRecordContext | undefined;
}

/**
 * One key written through by a flush, typed by the store's serdes.
 *
 * @example
 * ```ts
 * const u: FlushedUpdate<string, number> = { key: 'a', newValue: 3, oldValue: 1, context: undefined };
 * ```
 */
export interface FlushedUpdate<K, V> {
  readonly key: K;
  /** Null: the key was deleted. */
  readonly newValue: V | null;
  /** Null: absent before, or old values not asked for. */
  readonly oldValue: V | null;
  readonly context: CachedRecordContext | undefined;
}

/**
 * Hears the updates a typed store's caching layer writes through.
 *
 * @example
 * ```ts
 * const listener: FlushedUpdateListener<string, number> = (u) => forward(u.key, u.newValue);
 * ```
 */
export type FlushedUpdateListener<K, V> = (update: FlushedUpdate<K, V>) => void;

/**
 * A typed store that can report its cache flushes. `setFlushListener` returns false (and
 * registers nothing) when the store is not cached: its writes go through at once, so its user
 * forwards each update itself.
 *
 * @example
 * ```ts
 * const cached = isFlushReporting(store) && store.setFlushListener((u) => forward(u), { sendOldValues: true });
 * ```
 */
export interface FlushReporting<K, V> {
  setFlushListener(listener: FlushedUpdateListener<K, V>, options?: FlushListenerOptions): boolean;
}

/** Whether `store` can report its cache flushes (the typed key-value and window stores can). */
export function isFlushReporting<K, V>(store: object): store is FlushReporting<K, V> {
  return 'setFlushListener' in store && typeof store.setFlushListener === 'function';
}
