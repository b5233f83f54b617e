import { SparseIndex } from './sparse-index.js';

/** Bytes per offset-index entry on disk: int32 relative offset, int32 file position. */
export const OFFSET_INDEX_ENTRY_BYTES = 8;

/** One index entry: the batch holding `offset` starts at `position` or later. */
export interface OffsetPosition {
  readonly offset: number;
  readonly position: number;
}

/**
 * A segment's sparse offset index: relative offset → file position, one entry every
 * `index.interval.bytes` of log. Entries live in memory (a segment of 1 GiB with 4 KiB intervals
 * holds 2 MiB of entries) and reach the `.index` file on flush; an index that lost its unflushed
 * tail only makes lookups scan a little further, and recovery rebuilds it after a crash.
 */
export class OffsetIndex extends SparseIndex {
  constructor(
    path: string,
    baseOffset: number,
    readonly maxEntries: number,
  ) {
    super(path, baseOffset, OFFSET_INDEX_ENTRY_BYTES);
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The last indexed offset, or the base offset when empty. */
  get lastOffset(): number {
    return this.baseOffset + (this.count === 0 ? 0 : (this.keys[this.count - 1] ?? 0));
  }

  protected writeEntry(buf: Buffer, at: number, rel: number, position: number): void {
    buf.writeInt32BE(rel, at);
    buf.writeInt32BE(position, at + 4);
  }

  protected readEntry(buf: Buffer, at: number): readonly [number, number] {
    return [buf.readInt32BE(at), buf.readInt32BE(at + 4)];
  }

  protected relativeOffsetAt(i: number): number {
    return this.keys[i] ?? 0;
  }

  /**
   * Loads entries from the file. Returns false when the file is missing or not a valid index for a
   * log of `logBytes` bytes (entries must be increasing and point inside the log), in which case
   * the caller rebuilds it.
   */
  load(logBytes: number): boolean {
    return this.loadEntries(
      (rel, pos, previous) =>
        pos < logBytes &&
        (previous === undefined ? rel >= 0 && pos >= 0 : rel > previous[0] && pos > previous[1]),
    );
  }

  /** Adds an entry; offsets and positions must increase. */
  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (this.count > 0 && rel <= (this.keys[this.count - 1] ?? -1)) return;
    this.push(rel, position);
  }

  /** The entry with the largest offset ≤ `offset`, or the segment start. */
  lookup(offset: number): OffsetPosition {
    const found = this.lastEntryBelow(offset - this.baseOffset, true);
    if (found < 0) return { offset: this.baseOffset, position: 0 };
    return {
      offset: this.baseOffset + (this.keys[found] ?? 0),
      position: this.values[found] ?? 0,
    };
  }
}
