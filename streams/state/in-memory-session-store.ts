/**
 * The in-memory session byte store: per key, its sessions sorted by (end, start), which is the
 * order Kafka's session key schema gives and the one `findSessions` scans in. Stream time is the
 * largest session end put; sessions ending at or before `streamTime - retention` are expired by
 * a sweep that runs once stream time moved a quarter of the retention (so the cost of sweeping
 * every key is spread over many puts).
 */
import type { KeyValue } from './key-value.js';
import type { SessionKey, SessionStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { StoreLifecycle } from './store-lifecycle.js';
import { fromLatin1, toLatin1 } from './store-keys.js';

interface Session {
  readonly startMs: number;
  readonly endMs: number;
  value: string;
}

function before(a: Session, endMs: number, startMs: number): boolean {
  return a.endMs < endMs || (a.endMs === endMs && a.startMs < startMs);
}

/**
 * A session store of bytes in memory.
 *
 * @example
 * ```ts
 * const store = new InMemorySessionBytesStore('sessions', 3_600_000);
 * store.put({ key: Buffer.from('u'), startMs: 0, endMs: 10 }, Buffer.from([2]));
 * [...store.findSessions(Buffer.from('u'), 5, 20)].length; // 1
 * ```
 */
export class InMemorySessionBytesStore
  extends StoreLifecycle
  implements SessionStore<Buffer, Buffer>
{
  readonly persistent = false;
  private readonly sessions = new Map<string, Session[]>();
  private streamTimeMs = -1;
  private lastSweepMs = -1;

  constructor(
    name: string,
    readonly retentionMs: number,
  ) {
    super(name);
    if (!Number.isSafeInteger(retentionMs) || retentionMs < 1)
      throw new StateStoreError(`session store ${name}: retention must be a positive integer`, {
        store: name,
      });
  }

  put(session: SessionKey<Buffer>, value: Buffer | null): void {
    this.assertOpen();
    if (session.endMs < session.startMs)
      throw new StateStoreError(
        `session store ${this.name}: session end ${session.endMs} before its start ${session.startMs}`,
        { store: this.name },
      );
    if (session.endMs > this.streamTimeMs) this.advance(session.endMs);
    if (value === null) {
      this.remove(session);
      return;
    }
    if (this.expired(session.endMs)) return;
    const k = toLatin1(session.key);
    const list = this.sessions.get(k) ?? [];
    const i = this.indexOf(list, session.endMs, session.startMs);
    const at = list[i];
    if (at?.endMs === session.endMs && at.startMs === session.startMs) at.value = toLatin1(value);
    else
      list.splice(i, 0, { startMs: session.startMs, endMs: session.endMs, value: toLatin1(value) });
    this.sessions.set(k, list);
  }

  remove(session: SessionKey<Buffer>): void {
    this.assertOpen();
    const k = toLatin1(session.key);
    const list = this.sessions.get(k);
    if (list === undefined) return;
    const i = this.indexOf(list, session.endMs, session.startMs);
    const at = list[i];
    if (at?.endMs !== session.endMs || at.startMs !== session.startMs) return;
    list.splice(i, 1);
    if (list.length === 0) this.sessions.delete(k);
  }

  fetchSession(key: Buffer, startMs: number, endMs: number): Buffer | undefined {
    this.assertOpen();
    const list = this.sessions.get(toLatin1(key)) ?? [];
    const at = list[this.indexOf(list, endMs, startMs)];
    return at?.endMs === endMs && at.startMs === startMs ? fromLatin1(at.value) : undefined;
  }

  fetch(key: Buffer): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  *findSessions(
    key: Buffer,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    this.assertOpen();
    const list = [...(this.sessions.get(toLatin1(key)) ?? [])];
    for (
      let i = this.indexOf(list, earliestSessionEndMs, Number.MIN_SAFE_INTEGER);
      i < list.length;
      i++
    ) {
      const s = list[i];
      if (s === undefined) return;
      if (s.startMs <= latestSessionStartMs)
        yield [{ key, startMs: s.startMs, endMs: s.endMs }, fromLatin1(s.value)];
    }
  }

  /** Every session of every key, keys in byte order (for queries and tests). */
  *all(): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    this.assertOpen();
    for (const k of [...this.sessions.keys()].sort()) yield* this.fetch(fromLatin1(k));
  }

  override close(): void {
    super.close();
    this.sessions.clear();
  }

  private expired(endMs: number): boolean {
    return endMs <= this.streamTimeMs - this.retentionMs;
  }

  /** First index whose session is not before (end, start). */
  private indexOf(list: readonly Session[], endMs: number, startMs: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = list[mid];
      if (m !== undefined && before(m, endMs, startMs)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private advance(endMs: number): void {
    this.streamTimeMs = endMs;
    if (endMs - this.lastSweepMs < Math.max(1, this.retentionMs / 4)) return;
    this.lastSweepMs = endMs;
    for (const [k, list] of this.sessions) {
      let n = 0;
      while (n < list.length && this.expired(list[n]?.endMs ?? Infinity)) n++;
      if (n === list.length) this.sessions.delete(k);
      else if (n > 0) list.splice(0, n);
    }
  }
}
