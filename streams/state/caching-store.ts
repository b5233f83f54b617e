/**
 * What the caching layers of key-value and window stores share: the named cache they write
 * into, its write-through run as the task's work, the flush listener and the lifecycle (a flush
 * writes the cache through before flushing the store; a close drops what is cached).
 */
import type { FlushListenerOptions } from './cache-flush.js';
import type { CacheFlushEntry, NamedCache, RecordCache } from './record-cache.js';
import type { StateStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { ForwardingStore } from './store-lifecycle.js';
import { toLatin1 } from './store-keys.js';

/**
 * Base of a caching layer over the byte store `S`, whose flushes a listener of type `L` hears.
 * A subclass keys its entries and writes a flushed batch to the store (`writeThrough`).
 *
 * @example
 * ```ts
 * class CachingThing extends CachingStore<ThingStore, ThingListener> {
 *   protected writeThrough(dirty: readonly CacheFlushEntry[]): void { ... }
 * }
 * ```
 */
export abstract class CachingStore<S extends StateStore, L> extends ForwardingStore<S> {
  protected readonly cache: NamedCache;
  protected listener: L | undefined;
  protected options: FlushListenerOptions = {};

  constructor(
    inner: S,
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

  /**
   * Hears every entry the cache writes to the store; with `sendOldValues` each write reads the
   * value it replaces first, and `recordContext` is kept with each update.
   */
  setFlushListener(listener: L | undefined, options: FlushListenerOptions = {}): void {
    this.listener = listener;
    this.options = options;
  }

  /** Writes the cached updates through (to the changelog and the store), then flushes the store. */
  override flush(): void {
    this.cache.flush();
    this.inner.flush();
  }

  /** Drops the cached updates unwritten: a commit flushed them before an orderly close. */
  override close(): void {
    this.cache.close();
    this.inner.close();
  }

  /** Caches an update of `cacheKey` (null deletes) with the context of the record making it. */
  protected cachePut(cacheKey: string, value: Buffer | null): void {
    if (!this.isOpen)
      throw new StateStoreError(`store ${this.name} is closed`, { store: this.name });
    this.cache.put(
      cacheKey,
      value === null ? null : toLatin1(value),
      this.options.recordContext?.(),
    );
  }

  /** Writes a flushed batch to the store, in the order the entries were last updated. */
  protected abstract writeThrough(dirty: readonly CacheFlushEntry[]): void;
}
