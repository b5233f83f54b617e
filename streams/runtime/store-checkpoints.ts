/**
 * Which changelog offset a persistent store's data on disk covers, learnt as the task runs:
 * each changelog write gets a sequence number; a store flush (on commit, before the record
 * collector's flush) marks every write so far as on disk; a write's acknowledged offset counts
 * for the checkpoint only once its write is on disk. So the checkpoint never names an offset
 * whose change a crash could still lose locally.
 */

/**
 * The coverage of one persistent store.
 *
 * @example
 * ```ts
 * const c = new StoreCoverage(restoredFrom);
 * const seq = c.written();
 * c.delivered(seq, 41); // acknowledged at offset 41
 * c.flushed();          // on disk: the checkpoint may say 42
 * c.offset;             // 42
 * ```
 */
export class StoreCoverage {
  private writes = 0;
  private flushedWrites = 0;
  /** The offset after the last acknowledged write not yet known to be on disk. */
  private uncovered = -1;
  private covered: number;

  /** `start`: what the data covered when the task started (its checkpoint), -1 for nothing. */
  constructor(start: number) {
    this.covered = start;
  }

  /** The offset to checkpoint (the next to restore from); -1 when nothing is known. */
  get offset(): number {
    return this.covered;
  }

  /** A change was handed to the changelog; returns its sequence number. */
  written(): number {
    return ++this.writes;
  }

  /** The change with sequence number `seq` was acknowledged at `offset`. */
  delivered(seq: number, offset: number): void {
    if (seq <= this.flushedWrites) this.covered = Math.max(this.covered, offset + 1);
    else this.uncovered = Math.max(this.uncovered, offset + 1);
  }

  /** The store was flushed to disk: every change written so far is on disk. */
  flushed(): void {
    this.flushedWrites = this.writes;
    this.covered = Math.max(this.covered, this.uncovered);
    this.uncovered = -1;
  }

  /** The store was restored up to `offset` (its data is flushed before the next checkpoint). */
  restored(offset: number): void {
    this.uncovered = Math.max(this.uncovered, offset);
  }
}
