/**
 * The store interfaces processors and interactive queries use. As in Kafka Streams, a store a
 * processor sees is a stack of wrappers: a typed layer (serdes) over a changelogging layer (every
 * change to `<application.id>-<store>-changelog`) over a byte store keyed by serialized key bytes.
 * So every ordering below ("ordered by key") is the order of the serialized keys' bytes, not of
 * the typed keys: a range over string keys is lexicographic by UTF-8 bytes.
 */
import type { KeyValue } from './key-value.js';

/**
 * What every store has: a name (unique in the topology; its changelog topic derives from it),
 * whether it keeps its data on disk, and a lifecycle the task drives.
 *
 * @example
 * ```ts
 * const store: StateStore = ctx.getStateStore('counts');
 * console.log(store.name, store.persistent);
 * ```
 */
export interface StateStore {
  readonly name: string;
  /** True when the data survives a restart locally (only the changelog tail is then restored). */
  readonly persistent: boolean;
  /** Whether the store can be used (false after {@link StateStore.close}). */
  readonly isOpen: boolean;
  /** Makes buffered writes durable locally (a persistent store writes its checkpoint). */
  flush(): void;
  /** Releases the store; any later use throws a StateStoreError. */
  close(): void;
}

/**
 * The read side of a key-value store (what an interactive query gets).
 *
 * @example
 * ```ts
 * const counts: ReadOnlyKeyValueStore<string, number> = app.store('counts');
 * for (const [word, n] of counts.range('a', 'b')) console.log(word, n);
 * ```
 */
export interface ReadOnlyKeyValueStore<K, V> {
  /** The value of `key`, undefined when absent. */
  get(key: K): V | undefined;
  /**
   * Entries whose serialized key is between those of `from` and `to`, both inclusive (either
   * bound may be undefined: open), ascending by serialized key bytes.
   */
  range(from: K | undefined, to: K | undefined): IterableIterator<KeyValue<K, V>>;
  /** Every entry, ascending by serialized key bytes. */
  all(): IterableIterator<KeyValue<K, V>>;
  /** The number of entries (exact for in-memory stores). */
  approximateNumEntries(): number;
}

/**
 * A key-value store: the state of count, reduce, aggregate and KTables.
 *
 * @example
 * ```ts
 * const counts = ctx.getStateStore<KeyValueStore<string, number>>('counts');
 * counts.put(word, (counts.get(word) ?? 0) + 1);
 * counts.put('stale', null); // deletes (a tombstone in the changelog)
 * ```
 */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  /** Sets `key` to `value`; `null` deletes it. */
  put(key: K, value: V | null): void;
  /** Puts `value` unless `key` has a value; returns the value it had (undefined if none). */
  putIfAbsent(key: K, value: V): V | undefined;
  /** Puts every entry in order. */
  putAll(entries: Iterable<KeyValue<K, V | null>>): void;
  /** Deletes `key`; returns the value it had. */
  delete(key: K): V | undefined;
}

/**
 * A time window `[startMs, endMs)`; for sessions both ends are inclusive event times.
 *
 * @example
 * ```ts
 * const w: TimeWindow = { startMs: 60_000, endMs: 120_000 };
 * ```
 */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A key in a window: the key type of windowed KTables and window-store iterators.
 *
 * @example
 * ```ts
 * const k: Windowed<string> = { key: 'user-1', window: { startMs: 0, endMs: 60_000 } };
 * ```
 */
export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}

/**
 * A value in one window of a key, as {@link ReadOnlyWindowStore.fetchRange} yields it.
 *
 * @example
 * ```ts
 * for (const [startMs, count] of store.fetchRange('user-1', 0, 3_600_000)) console.log(startMs, count);
 * ```
 */
export type WindowValue<V> = readonly [windowStartMs: number, value: V];

/**
 * The read side of a window store.
 *
 * @example
 * ```ts
 * const store: ReadOnlyWindowStore<string, number> = app.windowStore('clicks-per-minute');
 * console.log(store.fetch('user-1', 60_000));
 * ```
 */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `windowStartMs`. */
  fetch(key: K, windowStartMs: number): V | undefined;
  /**
   * The windows of `key` starting in `[fromMs, toMs]`, ascending by start (with duplicates
   * retained, every value of a window in insertion order).
   */
  fetchRange(key: K, fromMs: number, toMs: number): IterableIterator<WindowValue<V>>;
  /** Every key's windows starting in `[fromMs, toMs]`, ascending by start, then key bytes. */
  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>>;
  /** Every retained window, as {@link ReadOnlyWindowStore.fetchAll}. */
  all(): IterableIterator<KeyValue<Windowed<K>, V>>;
}

/**
 * A window store: values per (key, window start), kept for `retentionMs` of stream time (the
 * largest window start put so far), in segments dropped whole once they are past retention.
 *
 * @example
 * ```ts
 * const store = ctx.getStateStore<WindowStore<string, number>>('clicks-per-minute');
 * const start = ts - (ts % 60_000);
 * store.put(user, (store.fetch(user, start) ?? 0) + 1, start);
 * ```
 */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  /** The size of its windows (the `endMs` of a window is start + size). */
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  /**
   * Sets the value of `key` in the window starting at `windowStartMs`; `null` deletes it. A put
   * of a window already past retention is dropped. With duplicates retained, every put adds a
   * value and `null` is ignored.
   */
  put(key: K, value: V | null, windowStartMs: number): void;
}

/**
 * A session of a key: its first and last event time, both inclusive.
 *
 * @example
 * ```ts
 * const s: SessionKey<string> = { key: 'user-1', startMs: 1_000, endMs: 4_000 };
 * ```
 */
export interface SessionKey<K> {
  readonly key: K;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The read side of a session store.
 *
 * @example
 * ```ts
 * for (const [session, count] of store.fetch('user-1')) console.log(session.startMs, session.endMs, count);
 * ```
 */
export interface ReadOnlySessionStore<K, V> {
  /** The value of exactly this session. */
  fetchSession(key: K, startMs: number, endMs: number): V | undefined;
  /** Every session of `key`, ascending by end then start. */
  fetch(key: K): IterableIterator<KeyValue<SessionKey<K>, V>>;
  /**
   * The sessions of `key` that end at or after `earliestSessionEndMs` and start at or before
   * `latestSessionStartMs` (those a new event may merge with), ascending by end then start.
   */
  findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<K>, V>>;
}

/**
 * A session store: values per session, kept for `retentionMs` of stream time (the largest
 * session end put so far) after a session ends.
 *
 * @example
 * ```ts
 * const store = ctx.getStateStore<SessionStore<string, number>>('sessions');
 * store.remove({ key: 'u', startMs: 0, endMs: 10 });
 * store.put({ key: 'u', startMs: 0, endMs: 25 }, 3);
 * ```
 */
export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  readonly retentionMs: number;
  /** Sets the session's value; `null` removes it. */
  put(session: SessionKey<K>, value: V | null): void;
  /** Removes the session. */
  remove(session: SessionKey<K>): void;
}
