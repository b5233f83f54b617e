import * as fs from 'node:fs';

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
 * tail in a crash is rebuilt by recovery, which rescans every segment past the recovery point.
 */
export class OffsetIndex {
  private relOffsets: Int32Array;
  private positions: Int32Array;
  private count = 0;
  private persisted = 0;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    readonly maxEntries: number,
  ) {
    this.relOffsets = new Int32Array(64);
    this.positions = new Int32Array(64);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The last indexed offset, or the base offset when empty. */
  get lastOffset(): number {
    return this.count === 0
      ? this.baseOffset
      : this.baseOffset + (this.relOffsets[this.count - 1] ?? 0);
  }

  /**
   * Loads entries from the file. Returns false when the file is missing or not a valid index for a
   * log of `logBytes` bytes (entries must be increasing and point inside the log), in which case
   * the caller rebuilds it.
   */
  load(logBytes: number): boolean {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path);
    } catch {
      return false;
    }
    if (data.length % OFFSET_INDEX_ENTRY_BYTES !== 0) return false;
    const n = data.length / OFFSET_INDEX_ENTRY_BYTES;
    this.clear();
    let lastRel = -1;
    let lastPos = -1;
    for (let i = 0; i < n; i++) {
      const rel = data.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES);
      const pos = data.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES + 4);
      if (rel <= lastRel || pos <= lastPos || pos >= logBytes) {
        this.clear();
        return false;
      }
      this.push(rel, pos);
      lastRel = rel;
      lastPos = pos;
    }
    this.persisted = this.count;
    return true;
  }

  private push(rel: number, pos: number): void {
    if (this.count === this.relOffsets.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.relOffsets = grow(this.relOffsets);
      this.positions = grow(this.positions);
    }
    this.relOffsets[this.count] = rel;
    this.positions[this.count] = pos;
    this.count++;
  }

  /** Adds an entry; offsets and positions must increase. */
  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (this.count > 0 && rel <= (this.relOffsets[this.count - 1] ?? -1)) return;
    this.push(rel, position);
  }

  /** The entry with the largest offset ≤ `offset`, or the segment start. */
  lookup(offset: number): OffsetPosition {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.relOffsets[mid] ?? 0) <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return { offset: this.baseOffset, position: 0 };
    return {
      offset: this.baseOffset + (this.relOffsets[found] ?? 0),
      position: this.positions[found] ?? 0,
    };
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    while (this.count > 0 && (this.relOffsets[this.count - 1] ?? 0) >= rel) this.count--;
    if (this.persisted > this.count) {
      this.persisted = this.count;
      this.rewrite();
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.count = 0;
    this.persisted = 0;
  }

  /** Writes entries not yet on disk to the `.index` file. */
  flush(): void {
    if (this.persisted === this.count) return;
    const n = this.count - this.persisted;
    const buf = Buffer.allocUnsafe(n * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = 0; i < n; i++) {
      buf.writeInt32BE(this.relOffsets[this.persisted + i] ?? 0, i * OFFSET_INDEX_ENTRY_BYTES);
      buf.writeInt32BE(this.positions[this.persisted + i] ?? 0, i * OFFSET_INDEX_ENTRY_BYTES + 4);
    }
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    this.persisted = this.count;
  }

  /** Rewrites the whole file from memory (after truncation or a rebuild). */
  rewrite(): void {
    this.persisted = 0;
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.flush();
  }
}
