import * as fs from 'node:fs';

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
export class TimeIndex {
  private timestamps: Float64Array;
  private relOffsets: Int32Array;
  private count = 0;
  private persisted = 0;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
  ) {
    this.timestamps = new Float64Array(64);
    this.relOffsets = new Int32Array(64);
  }

  get entries(): number {
    return this.count;
  }

  /** The largest indexed timestamp, or -1 when empty. */
  get lastTimestamp(): number {
    return this.count === 0 ? -1 : (this.timestamps[this.count - 1] ?? -1);
  }

  /** Loads entries; false when missing or invalid for the given offset bound (caller rebuilds). */
  load(endOffset: number): boolean {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path);
    } catch {
      return false;
    }
    if (data.length % TIME_INDEX_ENTRY_BYTES !== 0) return false;
    this.clear();
    let lastTs = -Infinity;
    let lastRel = -1;
    for (let at = 0; at < data.length; at += TIME_INDEX_ENTRY_BYTES) {
      const ts = Number(data.readBigInt64BE(at));
      const rel = data.readInt32BE(at + 8);
      if (ts <= lastTs || rel < lastRel || this.baseOffset + rel >= endOffset) {
        this.clear();
        return false;
      }
      this.push(ts, rel);
      lastTs = ts;
      lastRel = rel;
    }
    this.persisted = this.count;
    return true;
  }

  private push(timestamp: number, rel: number): void {
    if (this.count === this.timestamps.length) {
      const ts = new Float64Array(this.count * 2);
      ts.set(this.timestamps);
      this.timestamps = ts;
      const rs = new Int32Array(this.count * 2);
      rs.set(this.relOffsets);
      this.relOffsets = rs;
    }
    this.timestamps[this.count] = timestamp;
    this.relOffsets[this.count] = rel;
    this.count++;
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
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.timestamps[mid] ?? 0) < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return { timestamp: -1, offset: this.baseOffset };
    return {
      timestamp: this.timestamps[found] ?? -1,
      offset: this.baseOffset + (this.relOffsets[found] ?? 0),
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

  clear(): void {
    this.count = 0;
    this.persisted = 0;
  }

  /** Writes entries not yet on disk to the `.timeindex` file. */
  flush(): void {
    if (this.persisted === this.count) return;
    const n = this.count - this.persisted;
    const buf = Buffer.allocUnsafe(n * TIME_INDEX_ENTRY_BYTES);
    for (let i = 0; i < n; i++) {
      buf.writeBigInt64BE(
        BigInt(this.timestamps[this.persisted + i] ?? 0),
        i * TIME_INDEX_ENTRY_BYTES,
      );
      buf.writeInt32BE(this.relOffsets[this.persisted + i] ?? 0, i * TIME_INDEX_ENTRY_BYTES + 8);
    }
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    this.persisted = this.count;
  }

  rewrite(): void {
    this.persisted = 0;
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.flush();
  }
}
