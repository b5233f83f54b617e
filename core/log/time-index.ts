import { SparseIndex } from './sparse-index.js';

/** Bytes per time-index entry on disk: int64 timestamp, int32 relative offset. */
export const TIME_INDEX_ENTRY_BYTES = 12;

/** One time-index entry: records at or after `offset` have timestamps ≥ `timestamp` or later. */
export interface TimestampOffset {
  readonly timestamp: number;
  readonly offset: number;
}

/**
 * A segment's sparse time index: max timestamp so far → the offset of the batch that reached it.
 * Timestamps only increase, so a binary search finds where to start scanning for a time. Like the
 * offset index it lives in memory and reaches the `.timeindex` file on flush.
 */
export class TimeIndex extends SparseIndex {
  constructor(path: string, baseOffset: number) {
    super(path, baseOffset, TIME_INDEX_ENTRY_BYTES);
  }

  /** The largest indexed timestamp, or -1 when empty. */
  get lastTimestamp(): number {
    return this.count === 0 ? -1 : (this.keys[this.count - 1] ?? -1);
  }

  protected writeEntry(buf: Buffer, at: number, timestamp: number, rel: number): void {
    buf.writeBigInt64BE(BigInt(timestamp), at);
    buf.writeInt32BE(rel, at + 8);
  }

  protected readEntry(buf: Buffer, at: number): readonly [number, number] {
    return [Number(buf.readBigInt64BE(at)), buf.readInt32BE(at + 8)];
  }

  protected relativeOffsetAt(i: number): number {
    return this.values[i] ?? 0;
  }

  /** Loads entries; false when missing or invalid for the given offset bound (caller rebuilds). */
  load(endOffset: number): boolean {
    return this.loadEntries(
      (ts, rel, previous) =>
        this.baseOffset + rel < endOffset &&
        (previous === undefined || (ts > previous[0] && rel >= previous[1])),
    );
  }

  /** Records that the batch starting at `offset` raised the max timestamp to `timestamp`. */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp <= this.lastTimestamp) return;
    this.push(timestamp, offset - this.baseOffset);
  }

  /**
   * The entry to start scanning from for the first record with timestamp ≥ `timestamp`: the last
   * entry whose timestamp is below it (records before that entry's offset are all older), or the
   * segment start.
   */
  lookup(timestamp: number): TimestampOffset {
    const found = this.lastEntryBelow(timestamp, false);
    if (found < 0) return { timestamp: -1, offset: this.baseOffset };
    return {
      timestamp: this.keys[found] ?? -1,
      offset: this.baseOffset + (this.values[found] ?? 0),
    };
  }
}
