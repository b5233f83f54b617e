/**
 * The persistent session byte store. Entries are keyed `[key][end][start]` (ends as ordered
 * times), so a key's sessions are one contiguous scan in (end, start) order, the order
 * `findSessions` answers in. Keys of other lengths that share the scanned prefix are skipped
 * by length. Expiry sweeps the whole table once stream time (the largest session end put since
 * the store opened) moved a quarter of the retention, as the in-memory store does.
 */
import type { KeyValue } from './key-value.js';
import type { OrderedBytesDb } from './ordered-bytes-db.js';
import { readOrderedTime, TIME_BYTES, writeOrderedTime } from './ordered-time.js';
import type { SessionKey, SessionStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { PersistentStore } from './persistent-store.js';

const SUFFIX = 2 * TIME_BYTES;

function entryKey(key: Buffer, endMs: number, startMs: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SUFFIX);
  key.copy(out, 0);
  writeOrderedTime(out, endMs, key.length);
  writeOrderedTime(out, startMs, key.length + TIME_BYTES);
  return out;
}

function parse(entry: Buffer): SessionKey<Buffer> {
  const keyLength = entry.length - SUFFIX;
  return {
    key: entry.subarray(0, keyLength),
    endMs: readOrderedTime(entry, keyLength),
    startMs: readOrderedTime(entry, keyLength + TIME_BYTES),
  };
}

/**
 * A session store of bytes on disk.
 *
 * @example
 * ```ts
 * const store = new LmdbSessionBytesStore('sessions', 3_600_000, db);
 * store.put({ key: Buffer.from('u'), startMs: 0, endMs: 10 }, Buffer.from([2]));
 * ```
 */
export class LmdbSessionBytesStore extends PersistentStore implements SessionStore<Buffer, Buffer> {
  private streamTimeMs = -1;
  private lastSweepMs = -1;

  constructor(
    name: string,
    readonly retentionMs: number,
    db: OrderedBytesDb,
    maxPendingWrites?: number,
  ) {
    super(name, db, maxPendingWrites);
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
    if (value !== null && this.expired(session.endMs)) return;
    this.table.put(entryKey(session.key, session.endMs, session.startMs), value);
  }

  remove(session: SessionKey<Buffer>): void {
    this.assertOpen();
    this.table.put(entryKey(session.key, session.endMs, session.startMs), null);
  }

  fetchSession(key: Buffer, startMs: number, endMs: number): Buffer | undefined {
    this.assertOpen();
    return this.table.get(entryKey(key, endMs, startMs));
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
    const from = entryKey(key, earliestSessionEndMs, Number.MIN_SAFE_INTEGER);
    const to = entryKey(key, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const found: KeyValue<SessionKey<Buffer>, Buffer>[] = [];
    for (const [k, v] of this.table.range(from, to)) {
      if (k.length !== key.length + SUFFIX) continue;
      const s = parse(k);
      if (s.startMs <= latestSessionStartMs) found.push([{ ...s, key }, v]);
    }
    yield* found;
  }

  /** Every session of every key, keys in byte order (for queries and tests). */
  *all(): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    this.assertOpen();
    const found = [...this.table.range(undefined, undefined)].map(
      ([k, v]) => [parse(k), v] as const,
    );
    yield* found;
  }

  protected override afterWipe(): void {
    this.streamTimeMs = -1;
    this.lastSweepMs = -1;
  }

  private expired(endMs: number): boolean {
    return endMs <= this.streamTimeMs - this.retentionMs;
  }

  private advance(endMs: number): void {
    this.streamTimeMs = endMs;
    if (endMs - this.lastSweepMs < Math.max(1, this.retentionMs / 4)) return;
    this.lastSweepMs = endMs;
    const dead: Buffer[] = [];
    for (const [k] of this.table.range(undefined, undefined))
      if (k.length >= SUFFIX && this.expired(parse(k).endMs)) dead.push(k);
    for (const k of dead) this.table.put(k, null);
  }
}
