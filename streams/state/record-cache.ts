/**
 * The record cache (Kafka Streams' `statestore.cache.max.bytes`): one bounded cache per app
 * instance, shared by the cached stores of all its tasks, each store holding a named part of
 * it. A cached store's writes stay here until a flush (every commit) or an eviction, so a key
 * updated many times between two commits reaches its changelog (and store) once, with its
 * latest value.
 *
 * Entries are kept in one least-recently-used list across all named caches. When a put makes
 * the cache exceed its bytes, the least recently used entries leave; a dirty one first flushes
 * its whole named cache (every dirty entry of that store, in the order they were dirtied), so a
 * store's changes leave the cache in batches and in order.
 */

import type { CachedRecordContext } from './cache-flush.js';

/** Rough bytes of an entry beyond its key and value (objects, map slot, list links). */
export const CACHE_ENTRY_OVERHEAD_BYTES = 96;

/** Kafka's default `statestore.cache.max.bytes`: 10 MiB. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A dirty entry as a flush hands it to its store: latin1 key, latin1 value or null (deleted).
 *
 * @example
 * ```ts
 * const e: CacheFlushEntry = { key: 'a', value: null };
 * ```
 */
export interface CacheFlushEntry {
  readonly key: string;
  readonly value: string | null;
  /** The context of the record that made the last update, when the store keeps one. */
  readonly context?: CachedRecordContext | undefined;
}

class Entry {
  prev: Entry | undefined;
  next: Entry | undefined;
  constructor(
    readonly owner: NamedCache,
    readonly key: string,
    public value: string | null,
    public bytes: number,
    public context: CachedRecordContext | undefined,
  ) {}
}

/**
 * Counters of a record cache.
 *
 * @example
 * ```ts
 * const { hits, misses, evictions, flushed } = cache.stats;
 * ```
 */
export interface RecordCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Entries evicted because the cache was full. */
  readonly evictions: number;
  /** Dirty entries written to their stores (by flushes and evictions). */
  readonly flushed: number;
  readonly bytes: number;
  readonly entries: number;
}

/**
 * The bounded, LRU record cache of an app instance.
 *
 * @example
 * ```ts
 * const cache = new RecordCache(10 * 1024 * 1024);
 * const counts = cache.namedCache('0_0/counts', (dirty) => { for (const e of dirty) write(e); });
 * counts.put('a', '\u0001');
 * counts.flush(); // write() sees { key: 'a', value: '\u0001' }
 * ```
 */
export class RecordCache {
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private sizeBytes = 0;
  private entryCount = 0;
  private counts = { hits: 0, misses: 0, evictions: 0, flushed: 0 };

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new RangeError(`record cache size must be a non-negative integer, got ${maxBytes}`);
  }

  get stats(): RecordCacheStats {
    return { ...this.counts, bytes: this.sizeBytes, entries: this.entryCount };
  }

  /**
   * A named part of the cache for one store of one task; `flush` writes its dirty entries to
   * the store (in the order they were dirtied).
   */
  namedCache(name: string, flush: (dirty: readonly CacheFlushEntry[]) => void): NamedCache {
    return new NamedCache(this, name, flush);
  }

  /** @internal Marks `e` most recently used. */
  touch(e: Entry): void {
    if (this.tail === e) return;
    this.unlink(e);
    this.append(e);
  }

  /** @internal A new entry: appended as most recently used, then the cache is trimmed. */
  added(e: Entry): void {
    this.append(e);
    this.entryCount++;
    this.resized(e.bytes);
  }

  /** @internal An entry changed size. */
  resized(deltaBytes: number): void {
    this.sizeBytes += deltaBytes;
    this.trim();
  }

  /** @internal An entry left (flushed tombstone, eviction, closed named cache). */
  removed(e: Entry): void {
    this.unlink(e);
    this.entryCount--;
    this.sizeBytes -= e.bytes;
  }

  /** @internal */
  count(what: 'hits' | 'misses' | 'flushed', n = 1): void {
    this.counts[what] += n;
  }

  private trim(): void {
    while (this.sizeBytes > this.maxBytes) {
      const eldest = this.head;
      if (eldest === undefined) return;
      this.counts.evictions++;
      eldest.owner.evict(eldest);
    }
  }

  private append(e: Entry): void {
    e.prev = this.tail;
    e.next = undefined;
    if (this.tail === undefined) this.head = e;
    else this.tail.next = e;
    this.tail = e;
  }

  private unlink(e: Entry): void {
    if (e.prev === undefined) this.head = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) this.tail = e.prev;
    else e.next.prev = e.prev;
    e.prev = undefined;
    e.next = undefined;
  }
}

/**
 * One store's part of a {@link RecordCache}: keys and values as latin1 strings (one char per
 * byte), a null value meaning deleted (a cached tombstone hides the store's older value).
 *
 * @example
 * ```ts
 * const named = cache.namedCache('0_0/counts', flushToStore);
 * named.get('a'); // undefined: not cached, read the store
 * ```
 */
export class NamedCache {
  private readonly entries = new Map<string, Entry>();
  /** Dirty keys, in the order they were last dirtied. */
  private readonly dirty = new Set<string>();
  private flushing = false;

  constructor(
    private readonly cache: RecordCache,
    readonly name: string,
    private readonly flushTo: (dirty: readonly CacheFlushEntry[]) => void,
  ) {}

  /** The cached entry of `key` (value null: deleted), undefined when not cached. */
  get(key: string): { readonly value: string | null } | undefined {
    const e = this.entries.get(key);
    if (e === undefined) {
      this.cache.count('misses');
      return undefined;
    }
    this.cache.count('hits');
    this.cache.touch(e);
    return e;
  }

  /**
   * Caches `value` for `key` as dirty (to be written at the next flush), with the context of the
   * record that made the update (handed back at the flush).
   */
  put(key: string, value: string | null, context?: CachedRecordContext): void {
    const bytes = key.length + (value?.length ?? 0) + CACHE_ENTRY_OVERHEAD_BYTES;
    this.dirty.delete(key);
    this.dirty.add(key);
    const e = this.entries.get(key);
    if (e === undefined) {
      const created = new Entry(this, key, value, bytes, context);
      this.entries.set(key, created);
      this.cache.added(created);
      return;
    }
    const delta = bytes - e.bytes;
    e.value = value;
    e.bytes = bytes;
    e.context = context;
    this.cache.touch(e);
    this.cache.resized(delta);
  }

  /** The cached entries with `from` ≤ key ≤ `to` (open when undefined), ascending by key. */
  range(from: string | undefined, to: string | undefined): [string, string | null][] {
    const out: [string, string | null][] = [];
    for (const [k, e] of this.entries)
      if ((from === undefined || k >= from) && (to === undefined || k <= to))
        out.push([k, e.value]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Writes every dirty entry to the store; cached deletions then leave the cache. */
  flush(): void {
    if (this.dirty.size === 0 || this.flushing) return;
    const batch: CacheFlushEntry[] = [];
    for (const key of this.dirty) {
      const e = this.entries.get(key);
      if (e !== undefined) batch.push({ key, value: e.value, context: e.context });
    }
    this.dirty.clear();
    this.flushing = true;
    try {
      this.flushTo(batch);
    } finally {
      this.flushing = false;
    }
    this.cache.count('flushed', batch.length);
    for (const { key, value } of batch) if (value === null) this.drop(key);
  }

  /** @internal The cache evicts `e`: flush first if it is dirty, then drop it. */
  evict(e: Entry): void {
    if (this.dirty.has(e.key)) this.flush();
    this.drop(e.key);
  }

  /** Drops every entry without writing anything (the task closes; a commit flushed before). */
  close(): void {
    for (const e of this.entries.values()) this.cache.removed(e);
    this.entries.clear();
    this.dirty.clear();
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.dirty.delete(key);
    this.cache.removed(e);
  }
}
