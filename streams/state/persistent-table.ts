/**
 * The write path shared by the persistent stores: puts collect in a buffer in memory (keyed by
 * the latin1 string of the key, as the in-memory stores key theirs) and reach the engine in one
 * transaction per flush, or once the buffer holds `maxPendingWrites` keys, because a
 * transaction per put costs far more than the put. Point reads look in the buffer first; a range
 * read writes the buffer out first, so the engine's ordered scan sees everything.
 *
 * Only {@link PersistentTable.flush} is durable: a crash loses what was written since, which
 * the changelog still holds past the checkpoint (see task-checkpoint.ts in the runtime).
 */
import type { OrderedBytesDb } from './ordered-bytes-db.js';
import { fromLatin1, toLatin1 } from './store-keys.js';

/** Keys buffered before a write-out without a flush. */
export const DEFAULT_MAX_PENDING_WRITES = 10_000;

/**
 * A buffered table of bytes over an {@link OrderedBytesDb}.
 *
 * @example
 * ```ts
 * const table = new PersistentTable(openLmdbBytesDb(dir, 'counts'));
 * table.put(Buffer.from('a'), Buffer.from([1]));
 * table.flush(); // on disk now
 * ```
 */
export class PersistentTable {
  private pending = new Map<string, string | null>();
  /** Written to the engine without waiting for the disk since the last durable write. */
  private unsynced = false;

  constructor(
    private readonly db: OrderedBytesDb,
    private readonly maxPendingWrites = DEFAULT_MAX_PENDING_WRITES,
  ) {}

  get(key: Buffer): Buffer | undefined {
    const p = this.pending.get(toLatin1(key));
    if (p !== undefined) return p === null ? undefined : fromLatin1(p);
    return this.db.get(key);
  }

  put(key: Buffer, value: Buffer | null): void {
    this.pending.set(toLatin1(key), value === null ? null : toLatin1(value));
    if (this.pending.size >= this.maxPendingWrites) this.writeOut(false);
  }

  /** Entries with `from` ≤ key < `to`, ascending (or descending with `reverse`). */
  range(
    from: Buffer | undefined,
    to: Buffer | undefined,
    options?: { readonly reverse?: boolean; readonly limit?: number },
  ): IterableIterator<readonly [Buffer, Buffer]> {
    this.writeOut(false);
    return this.db.range(from, to, options);
  }

  count(): number {
    this.writeOut(false);
    return this.db.count();
  }

  /** Writes the buffer out and waits for the disk. */
  flush(): void {
    this.writeOut(true);
  }

  /** Forgets everything, buffered and on disk. */
  clear(): void {
    this.pending.clear();
    this.db.clear();
  }

  close(): void {
    this.writeOut(true);
    this.db.close();
  }

  private writeOut(durable: boolean): void {
    if (this.pending.size === 0) {
      if (durable && this.unsynced) this.db.write([], true);
      this.unsynced &&= !durable;
      return;
    }
    const pending = this.pending;
    this.pending = new Map();
    const batch = function* () {
      for (const [k, v] of pending)
        yield [fromLatin1(k), v === null ? null : fromLatin1(v)] as const;
    };
    this.db.write(batch(), durable);
    this.unsynced = !durable;
  }
}
