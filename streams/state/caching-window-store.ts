/**
 * The caching layer of a window store: as {@link CachingKeyValueStore}, keyed by
 * `[key][windowStart][0]` (the changelog key). Point reads (`fetch`, the aggregations' hot
 * path) see the cache; a range read (`fetchRange`, `fetchAll`) writes the cache through first
 * and reads the store, which keeps the windowed scans simple at the cost of shorter
 * de-duplication for stores read by range (sliding windows).
 */
import type { KeyValue } from './key-value.js';
import type { CacheFlushEntry, NamedCache, RecordCache } from './record-cache.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { ForwardingStore } from './store-lifecycle.js';
import { fromLatin1, parseWindowKey, toLatin1, windowKeyBytes } from './store-keys.js';

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

  constructor(inner: WindowStore<Buffer, Buffer>, cache: RecordCache, cacheName: string) {
    super(inner);
    this.cache = cache.namedCache(cacheName, (dirty) => {
      this.writeThrough(dirty);
    });
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
    for (const { key, value } of dirty) {
      const k = parseWindowKey(fromLatin1(key), this.name);
      this.inner.put(k.key, value === null ? null : fromLatin1(value), k.windowStartMs);
    }
  }
}
