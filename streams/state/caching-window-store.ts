/**
 * The caching layer of a window store: as {@link CachingKeyValueStore}, keyed by
 * `[key][windowStart][0]` (the changelog key). Point reads (`fetch`, the aggregations' hot
 * path) see the cache; a range read (`fetchRange`, `fetchAll`) writes the cache through first
 * and reads the store, which keeps the windowed scans simple at the cost of shorter
 * de-duplication for stores read by range (sliding windows).
 */
import type { CachedRecordContext, FlushListenerOptions } from './cache-flush.js';
import type { KeyValue } from './key-value.js';
import type { CacheFlushEntry, NamedCache, RecordCache } from './record-cache.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { ForwardingStore } from './store-lifecycle.js';
import { fromLatin1, parseWindowKey, toLatin1, windowKeyBytes } from './store-keys.js';

/**
 * Called with each window a flush (or eviction) writes to the store, in the order they were
 * last updated; `oldValue` is the store's value before (null without `sendOldValues`).
 *
 * @example
 * ```ts
 * cached.setFlushListener((key, start, value) => forwarded.push([key, start, value]));
 * ```
 */
export type WindowCacheFlushListener = (
  key: Buffer,
  windowStartMs: number,
  value: Buffer | null,
  previous: { readonly oldValue: Buffer | null; readonly context: CachedRecordContext | undefined },
) => void;

/**
 * A window byte store whose writes are cached between flushes (not for stores that retain
 * duplicates: every put there is a new entry).
 *
 * @example
 * ```ts
 * const cached = new CachingWindowStore(logged, cache, '0_0/clicks');
 * cached.put(Buffer.from('u1'), Buffer.from([1]), 0);
 * cached.fetch(Buffer.from('u1'), 0); // <Buffer 01>, from the cache
 * ```
 */
export class CachingWindowStore
  extends ForwardingStore<WindowStore<Buffer, Buffer>>
  implements WindowStore<Buffer, Buffer>
{
  private readonly cache: NamedCache;
  private listener: WindowCacheFlushListener | undefined;
  private options: FlushListenerOptions = {};

  constructor(
    inner: WindowStore<Buffer, Buffer>,
    cache: RecordCache,
    cacheName: string,
    /** Runs each write-through as its task's work (see `StoreContext.cacheFlushScope`). */
    scope?: (flush: () => void) => void,
  ) {
    super(inner);
    this.cache = cache.namedCache(cacheName, (dirty) => {
      if (scope === undefined) this.writeThrough(dirty);
      else
        scope(() => {
          this.writeThrough(dirty);
        });
    });
  }

  /** Hears every window the cache writes to the store (see {@link FlushListenerOptions}). */
  setFlushListener(
    listener: WindowCacheFlushListener | undefined,
    options: FlushListenerOptions = {},
  ): void {
    this.listener = listener;
    this.options = options;
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    if (!this.isOpen)
      throw new StateStoreError(`store ${this.name} is closed`, { store: this.name });
    this.cache.put(
      toLatin1(windowKeyBytes(key, windowStartMs, 0)),
      value === null ? null : toLatin1(value),
      this.options.recordContext?.(),
    );
  }

  fetch(key: Buffer, windowStartMs: number): Buffer | undefined {
    const cached = this.cache.get(toLatin1(windowKeyBytes(key, windowStartMs, 0)));
    if (cached !== undefined) return cached.value === null ? undefined : fromLatin1(cached.value);
    return this.inner.fetch(key, windowStartMs);
  }

  fetchRange(key: Buffer, fromMs: number, toMs: number): IterableIterator<WindowValue<Buffer>> {
    this.cache.flush();
    return this.inner.fetchRange(key, fromMs, toMs);
  }

  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    this.cache.flush();
    return this.inner.fetchAll(fromMs, toMs);
  }

  all(): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    this.cache.flush();
    return this.inner.all();
  }

  override flush(): void {
    this.cache.flush();
    this.inner.flush();
  }

  /** Drops the cached updates unwritten: a commit flushed them before an orderly close. */
  override close(): void {
    this.cache.close();
    this.inner.close();
  }

  private writeThrough(dirty: readonly CacheFlushEntry[]): void {
    const listener = this.listener;
    const readOld = this.options.sendOldValues === true;
    for (const { key, value, context } of dirty) {
      const k = parseWindowKey(fromLatin1(key), this.name);
      const v = value === null ? null : fromLatin1(value);
      const oldValue =
        listener !== undefined && readOld
          ? (this.inner.fetch(k.key, k.windowStartMs) ?? null)
          : null;
      this.inner.put(k.key, v, k.windowStartMs);
      listener?.(k.key, k.windowStartMs, v, { oldValue, context });
    }
  }
}
