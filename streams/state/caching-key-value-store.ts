/**
 * The caching layer of a key-value store: sits over the changelogging layer, so writes wait in
 * the app's {@link RecordCache} and reach the changelog and the byte store once per key per
 * flush (every commit) or eviction, instead of once per update. Reads see the cache first: a
 * cached value, or a cached deletion that hides the store's older value; ranges merge the
 * cached entries into the store's.
 */
import type { CachedRecordContext } from './cache-flush.js';
import { CachingStore } from './caching-store.js';
import type { KeyValue } from './key-value.js';
import type { CacheFlushEntry } from './record-cache.js';
import type { KeyValueStore } from './state-store.js';
import { fromLatin1, toLatin1 } from './store-keys.js';

/**
 * What a flushed entry replaced: the store's value before the write (null when absent, or when
 * old values were not asked for) and the context of the entry's last update.
 *
 * @example
 * ```ts
 * const p: CacheFlushPrevious = { oldValue: null, context: undefined };
 * ```
 */
export interface CacheFlushPrevious {
  readonly oldValue: Buffer | null;
  readonly context: CachedRecordContext | undefined;
}

/**
 * Called with each entry a flush (or eviction) writes to the store, in the order the entries
 * were last updated: where a downstream forward of the de-duplicated updates hooks in.
 *
 * @example
 * ```ts
 * cached.setFlushListener((key, value) => forwarded.push([key, value]));
 * ```
 */
export type CacheFlushListener = (
  key: Buffer,
  value: Buffer | null,
  previous: CacheFlushPrevious,
) => void;

/**
 * A key-value byte store whose writes are cached between flushes.
 *
 * @example
 * ```ts
 * const cached = new CachingKeyValueStore(new ChangeLoggingKeyValueStore(bytes, writer), cache, '0_0/counts');
 * cached.put(Buffer.from('a'), Buffer.from([1]));
 * cached.put(Buffer.from('a'), Buffer.from([2]));
 * cached.flush(); // one changelog record: a → 2
 * ```
 */
export class CachingKeyValueStore
  extends CachingStore<KeyValueStore<Buffer, Buffer>, CacheFlushListener>
  implements KeyValueStore<Buffer, Buffer>
{
  get(key: Buffer): Buffer | undefined {
    const cached = this.cache.get(toLatin1(key));
    if (cached !== undefined) return cached.value === null ? undefined : fromLatin1(cached.value);
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer | null): void {
    this.cachePut(toLatin1(key), value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  delete(key: Buffer): Buffer | undefined {
    const old = this.get(key);
    this.put(key, null);
    return old;
  }

  *range(
    from: Buffer | undefined,
    to: Buffer | undefined,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    const cached = this.cache.range(
      from === undefined ? undefined : toLatin1(from),
      to === undefined ? undefined : toLatin1(to),
    );
    const stored = this.inner.range(from, to);
    let c = 0;
    let s = stored.next();
    for (;;) {
      const mine = cached[c];
      if (s.done === true) {
        if (mine === undefined) return;
        c++;
        if (mine[1] !== null) yield [fromLatin1(mine[0]), fromLatin1(mine[1])];
        continue;
      }
      const theirs = toLatin1(s.value[0]);
      if (mine === undefined || theirs < mine[0]) {
        yield s.value;
        s = stored.next();
        continue;
      }
      // The cache holds this key (newer than the store's) or one before it.
      if (theirs === mine[0]) s = stored.next();
      c++;
      if (mine[1] !== null) yield [fromLatin1(mine[0]), fromLatin1(mine[1])];
    }
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.range(undefined, undefined);
  }

  /** The store's count plus the cached keys (it may count a key twice: approximate). */
  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.cache.size;
  }

  protected writeThrough(dirty: readonly CacheFlushEntry[]): void {
    const listener = this.listener;
    const readOld = this.options.sendOldValues === true;
    for (const { key, value, context } of dirty) {
      const k = fromLatin1(key);
      const v = value === null ? null : fromLatin1(value);
      const oldValue = listener !== undefined && readOld ? (this.inner.get(k) ?? null) : null;
      this.inner.put(k, v);
      listener?.(k, v, { oldValue, context });
    }
  }
}
