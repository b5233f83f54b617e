/**
 * The caching layer of a window store: as {@link CachingKeyValueStore}, keyed by
 * `[key][windowStart][0]` (the changelog key). Point reads (`fetch`, the aggregations' hot
 * path) see the cache; a range read (`fetchRange`, `fetchAll`) writes the cache through first
 * and reads the store, which keeps the windowed scans simple at the cost of shorter
 * de-duplication for stores read by range (sliding windows).
 */
import type { CachedRecordContext } from './cache-flush.js';
import { CachingStore } from './caching-store.js';
import type { KeyValue } from './key-value.js';
import type { CacheFlushEntry } from './record-cache.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
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
  extends CachingStore<WindowStore<Buffer, Buffer>, WindowCacheFlushListener>
  implements WindowStore<Buffer, Buffer>
{
  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.cachePut(toLatin1(windowKeyBytes(key, windowStartMs, 0)), value);
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

  protected writeThrough(dirty: readonly CacheFlushEntry[]): void {
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
