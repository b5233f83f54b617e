/**
 * The persistent window byte store. Entries are keyed time first, `[windowStart][key]`, with
 * the start as 8 bytes that sort in numeric order: dropping expired windows is then a delete of
 * the table's head, `fetchAll` one ordered scan, and stream time after a restart the last key's
 * start. The cost is `fetchRange(key, …)`, which scans every key's windows in the time range;
 * the aggregations' hot path uses the point read `fetch(key, start)` instead.
 *
 * Duplicates (stream–stream join buffers) are kept by `LmdbDuplicatesWindowBytesStore`,
 * keyed key first: a join reads a key's values for every record.
 */
import { checkWindowSpec, type WindowStoreSpec } from './in-memory-window-store.js';
import type { KeyValue } from './key-value.js';
import type { OrderedBytesDb } from './ordered-bytes-db.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { PersistentStore } from './persistent-store.js';
import { readOrderedTime, TIME_BYTES, writeOrderedTime } from './ordered-time.js';

function entryKey(windowStartMs: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(TIME_BYTES + key.length);
  writeOrderedTime(out, windowStartMs, 0);
  key.copy(out, TIME_BYTES);
  return out;
}

function timeKey(ms: number): Buffer {
  const out = Buffer.allocUnsafe(TIME_BYTES);
  writeOrderedTime(out, ms, 0);
  return out;
}

/**
 * A window store of bytes on disk.
 *
 * @example
 * ```ts
 * const store = new LmdbWindowBytesStore('clicks', { windowSizeMs: 60_000, retentionMs: 3_600_000, retainDuplicates: false }, db);
 * store.put(Buffer.from('u1'), Buffer.from([1]), 0);
 * ```
 */
export class LmdbWindowBytesStore extends PersistentStore implements WindowStore<Buffer, Buffer> {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  private streamTimeMs: number;
  /** No retained window starts before this (so expiry has nothing to do below it). */
  private oldestStartMs: number;

  constructor(name: string, spec: WindowStoreSpec, db: OrderedBytesDb, maxPendingWrites?: number) {
    super(name, db, maxPendingWrites);
    checkWindowSpec(name, spec);
    if (spec.retainDuplicates)
      throw new StateStoreError(
        `window store ${name}: this store does not retain duplicates; LmdbDuplicatesWindowBytesStore does`,
        { store: name },
      );
    this.windowSizeMs = spec.windowSizeMs;
    this.retentionMs = spec.retentionMs;
    const [first] = this.table.range(undefined, undefined, { limit: 1 });
    const [last] = this.table.range(undefined, undefined, { reverse: true, limit: 1 });
    this.oldestStartMs =
      first === undefined ? Number.MAX_SAFE_INTEGER : readOrderedTime(first[0], 0);
    this.streamTimeMs = last === undefined ? -1 : readOrderedTime(last[0], 0);
  }

  /** The largest window start put so far (-1 before the first put). */
  get observedStreamTimeMs(): number {
    return this.streamTimeMs;
  }

  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.assertOpen();
    if (windowStartMs > this.streamTimeMs) {
      this.streamTimeMs = windowStartMs;
      this.expire();
    }
    if (this.expired(windowStartMs)) return;
    this.table.put(entryKey(windowStartMs, key), value);
    if (value !== null && windowStartMs < this.oldestStartMs) this.oldestStartMs = windowStartMs;
  }

  fetch(key: Buffer, windowStartMs: number): Buffer | undefined {
    this.assertOpen();
    return this.table.get(entryKey(windowStartMs, key));
  }

  *fetchRange(key: Buffer, fromMs: number, toMs: number): IterableIterator<WindowValue<Buffer>> {
    this.assertOpen();
    for (const [[k, start], v] of this.scan(fromMs, toMs)) if (k.equals(key)) yield [start, v];
  }

  *fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    this.assertOpen();
    for (const [[key, startMs], v] of this.scan(fromMs, toMs))
      yield [{ key, window: { startMs, endMs: startMs + this.windowSizeMs } }, v];
  }

  all(): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  protected override afterWipe(): void {
    this.streamTimeMs = -1;
    this.oldestStartMs = Number.MAX_SAFE_INTEGER;
  }

  /** Entries with a start in `[fromMs, toMs]`, as ([key, start], value); a snapshot. */
  private scan(fromMs: number, toMs: number): [[Buffer, number], Buffer][] {
    const out: [[Buffer, number], Buffer][] = [];
    for (const [k, v] of this.table.range(timeKey(fromMs), timeKey(toMs + 1)))
      out.push([[k.subarray(TIME_BYTES), readOrderedTime(k, 0)], v]);
    return out;
  }

  private expired(windowStartMs: number): boolean {
    return windowStartMs <= this.streamTimeMs - this.retentionMs;
  }

  /** Deletes the windows past retention: the head of the table, up to the cutoff. */
  private expire(): void {
    const cutoff = this.streamTimeMs - this.retentionMs;
    if (this.oldestStartMs > cutoff) return;
    // Keys first, deletes after: a delete may write the buffer out, which must not happen
    // while the engine's iterator is open.
    const dead = [...this.table.range(undefined, timeKey(cutoff + 1))].map(([k]) => k);
    for (const k of dead) this.table.put(k, null);
    this.oldestStartMs = cutoff + 1;
  }
}
