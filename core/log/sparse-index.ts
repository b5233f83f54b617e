import * as fs from 'node:fs';

/**
 * What the offset index and the time index share: sorted (key, value) entries kept in memory in
 * two growable columns, appended to their file on flush, cut back on truncation. A subclass says
 * how an entry looks on disk and which column holds the relative offset truncation goes by.
 */
export abstract class SparseIndex {
  protected keys = new Float64Array(64);
  protected values = new Int32Array(64);
  protected count = 0;
  private persisted = 0;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    private readonly entryBytes: number,
  ) {}

  get entries(): number {
    return this.count;
  }

  protected abstract writeEntry(buf: Buffer, at: number, key: number, value: number): void;
  protected abstract readEntry(buf: Buffer, at: number): readonly [key: number, value: number];
  /** The relative offset of entry `i`, which truncation compares. */
  protected abstract relativeOffsetAt(i: number): number;

  protected push(key: number, value: number): void {
    if (this.count === this.keys.length) {
      const keys = new Float64Array(this.count * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.count * 2);
      values.set(this.values);
      this.values = values;
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /**
   * Loads entries from the file, keeping them only while `valid(key, value, previous)` holds for
   * each. False when the file is missing, torn or invalid: the caller rebuilds the index.
   */
  protected loadEntries(
    valid: (key: number, value: number, previous: readonly [number, number] | undefined) => boolean,
  ): boolean {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.path);
    } catch {
      return false;
    }
    if (data.length % this.entryBytes !== 0) return false;
    this.clear();
    let previous: readonly [number, number] | undefined;
    for (let at = 0; at < data.length; at += this.entryBytes) {
      const [key, value] = this.readEntry(data, at);
      if (!valid(key, value, previous)) {
        this.clear();
        return false;
      }
      this.push(key, value);
      previous = [key, value];
    }
    this.persisted = this.count;
    return true;
  }

  /** The index of the last entry whose key is below `target` (or equal, when `inclusive`), or -1. */
  protected lastEntryBelow(target: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid] ?? 0;
      if (key < target || (inclusive && key === target)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    while (this.count > 0 && this.relativeOffsetAt(this.count - 1) >= rel) this.count--;
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

  /**
   * Appends entries not yet on disk to the file. No fsync: a lost or short index is only slower
   * to use (lookups start earlier and scan), and an inconsistent one is rebuilt on open.
   */
  flush(): void {
    if (this.persisted === this.count) return;
    const n = this.count - this.persisted;
    const buf = Buffer.allocUnsafe(n * this.entryBytes);
    for (let i = 0; i < n; i++) {
      const e = this.persisted + i;
      this.writeEntry(buf, i * this.entryBytes, this.keys[e] ?? 0, this.values[e] ?? 0);
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
