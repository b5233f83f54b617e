/**
 * The caching layer of a session store (Kafka Streams' CachingSessionStore): as the key-value
 * and window caching layers, keyed by the changelog key `[key][end][start]`. Reads merge the
 * cached sessions (newer) into the store's, a cached removal hiding the stored session, so the
 * session aggregation's `findSessions` on every record sees its own uncommitted merges.
 *
 * A flush writes each session's latest value through (to the changelog and the store) and tells
 * the listener. A removed session the store never had (created and merged away between two
 * flushes) is neither written nor reported, as in Kafka: nothing downstream or in the
 * changelog ever knew it. The removal of a session the store had is reported (its old value
 * read from the store), so a session merged into a bigger one is retracted downstream.
 *
 * The cache wiring, flush listener and lifecycle come from {@link CachingStore}, the base the
 * key-value and window caching layers share.
 */
import type { CachedRecordContext } from './cache-flush.js';
import { CachingStore } from './caching-store.js';
import type { KeyValue } from './key-value.js';
import type { CacheFlushEntry } from './record-cache.js';
import type { SessionKey, SessionStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { fromLatin1, parseSessionKey, sessionKeyBytes, toLatin1 } from './store-keys.js';

/**
 * Called with each session a flush (or eviction) writes to the store, in the order they were
 * last updated; `value` null is a removal. `oldValue` is the store's value before: always read
 * for a removal, for other writes only with `sendOldValues` (else null).
 *
 * @example
 * ```ts
 * cached.setFlushListener((session, value) => forwarded.push([session, value]));
 * ```
 */
export type SessionCacheFlushListener = (
  session: SessionKey<Buffer>,
  value: Buffer | null,
  previous: { readonly oldValue: Buffer | null; readonly context: CachedRecordContext | undefined },
) => void;

const MIN_TIME = Buffer.alloc(16, 0x00);
const MAX_TIME = Buffer.alloc(16, 0xff);

/** Orders sessions as the stores do: by end, then start. */
function bySessionTime(a: SessionKey<Buffer>, b: SessionKey<Buffer>): number {
  return a.endMs - b.endMs || a.startMs - b.startMs;
}

/**
 * A session byte store whose writes are cached between flushes.
 *
 * @example
 * ```ts
 * const cached = new CachingSessionStore(logged, cache, '0_0/sessions');
 * cached.put({ key: Buffer.from('u1'), startMs: 0, endMs: 10 }, Buffer.from([1]));
 * cached.fetchSession(Buffer.from('u1'), 0, 10); // <Buffer 01>, from the cache
 * ```
 */
export class CachingSessionStore
  extends CachingStore<SessionStore<Buffer, Buffer>, SessionCacheFlushListener>
  implements SessionStore<Buffer, Buffer>
{
  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(session: SessionKey<Buffer>, value: Buffer | null): void {
    this.cachePut(toLatin1(sessionKeyBytes(session.key, session.startMs, session.endMs)), value);
  }

  remove(session: SessionKey<Buffer>): void {
    this.put(session, null);
  }

  fetchSession(key: Buffer, startMs: number, endMs: number): Buffer | undefined {
    const cached = this.cache.get(toLatin1(sessionKeyBytes(key, startMs, endMs)));
    if (cached !== undefined) return cached.value === null ? undefined : fromLatin1(cached.value);
    return this.inner.fetchSession(key, startMs, endMs);
  }

  fetch(key: Buffer): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  /** The store's sessions with the cached ones laid over them, ascending by end then start. */
  *findSessions(
    key: Buffer,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    const merged = new Map<string, [SessionKey<Buffer>, Buffer | null]>();
    for (const [s, v] of this.inner.findSessions(key, earliestSessionEndMs, latestSessionStartMs))
      merged.set(`${s.endMs}:${s.startMs}`, [s, v]);
    // Every cached session of the key (longer keys sharing its prefix are skipped by length).
    const cached = this.cache.range(
      toLatin1(Buffer.concat([key, MIN_TIME])),
      toLatin1(Buffer.concat([key, MAX_TIME])),
    );
    for (const [k, v] of cached) {
      if (k.length !== key.length + 16) continue;
      const s = parseSessionKey(fromLatin1(k), this.name);
      if (s.endMs < earliestSessionEndMs || s.startMs > latestSessionStartMs) continue;
      const session = { key, startMs: s.startMs, endMs: s.endMs };
      merged.set(`${s.endMs}:${s.startMs}`, [session, v === null ? null : fromLatin1(v)]);
    }
    const sessions = [...merged.values()].sort(([a], [b]) => bySessionTime(a, b));
    for (const [s, v] of sessions) if (v !== null) yield [s, v];
  }

  /** Every session of every key (for queries and tests): the cache is written through first. */
  all(): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    this.cache.flush();
    const inner = this.inner as Partial<{
      all(): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>>;
    }>;
    if (inner.all === undefined)
      throw new StateStoreError(`session store ${this.name} cannot list its sessions`, {
        store: this.name,
      });
    return inner.all();
  }

  protected writeThrough(dirty: readonly CacheFlushEntry[]): void {
    const listener = this.listener;
    const readOld = this.options.sendOldValues === true;
    for (const { key, value, context } of dirty) {
      const s = parseSessionKey(fromLatin1(key), this.name);
      const session = { key: s.key, startMs: s.startMs, endMs: s.endMs };
      const v = value === null ? null : fromLatin1(value);
      const oldValue =
        v === null || (listener !== undefined && readOld)
          ? (this.inner.fetchSession(s.key, s.startMs, s.endMs) ?? null)
          : null;
      // Removed before it ever reached the store: nothing to write, nothing to retract.
      if (v === null && oldValue === null) continue;
      this.inner.put(session, v);
      listener?.(session, v, { oldValue, context });
    }
  }
}
