/**
 * The persistent window byte store that retains duplicates (Kafka's `retainDuplicates`: the
 * buffers of stream–stream joins). Every put is a new entry, keyed `[key][start][seq]` (start
 * as an ordered time, seq a 4-byte counter), as Kafka's RocksDB store appends a sequence number:
 * a key's values are one contiguous scan in (start, insertion) order, which is the join's hot
 * read (`fetchRange(key, …)` for every record). Keys of other lengths that share the scanned
 * prefix are skipped by length.
 *
 * The counter survives restarts: opening the store scans it for the largest sequence number
 * (a join buffer holds only its window's records, so the scan is bounded). The changelog layer
 * logs each entry under the store's own number (`lastDuplicateSeq`), and restoring a changelog
 * record puts it back under that number (`putDuplicate`), so replaying the changelog past a
 * checkpoint rewrites entries instead of adding them twice.
 *
 * Expiry sweeps the table once stream time moved a quarter of the retention, as the session
 * store does; reads skip the expired entries a sweep has not deleted yet.
 *
 * New entries wait in memory, by key, until a flush (or until `maxPendingWrites` of them wait):
 * a join reads the other side's buffer for every record, and a read of the table writes its
 * buffer out in a transaction first, which per record would cost ten times the join itself.
 */
import type { DuplicateSequencer } from './duplicate-sequencer.js';
import { checkWindowSpec, type WindowStoreSpec } from './in-memory-window-store.js';
import type { KeyValue } from './key-value.js';
import type { OrderedBytesDb } from './ordered-bytes-db.js';
import { readOrderedTime, TIME_BYTES, writeOrderedTime } from './ordered-time.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
import { toLatin1 } from './store-keys.js';
import { PersistentStore } from './persistent-store.js';
import { DEFAULT_MAX_PENDING_WRITES } from './persistent-table.js';

const SEQ_BYTES = 4;
const SUFFIX = TIME_BYTES + SEQ_BYTES;
/** Sequence numbers are unsigned 32-bit: their big-endian bytes sort in numeric order. */
const SEQ_LIMIT = 2 ** 32;

function entryKey(key: Buffer, startMs: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SUFFIX);
  key.copy(out, 0);
  writeOrderedTime(out, startMs, key.length);
  out.writeUInt32BE(seq, key.length + TIME_BYTES);
  return out;
}

interface Entry {
  readonly key: Buffer;
  readonly startMs: number;
  readonly seq: number;
  readonly value: Buffer;
}

function parse(entry: Buffer): Omit<Entry, 'value'> {
  const keyLength = entry.length - SUFFIX;
  return {
    key: entry.subarray(0, keyLength),
    startMs: readOrderedTime(entry, keyLength),
    seq: entry.readUInt32BE(keyLength + TIME_BYTES),
  };
}

/**
 * A window store of bytes on disk keeping every value put for a key and window.
 *
 * @example
 * ```ts
 * const store = new LmdbDuplicatesWindowBytesStore('buf', { windowSizeMs: 10, retentionMs: 100, retainDuplicates: true }, db);
 * store.put(Buffer.from('k'), Buffer.from([1]), 5);
 * store.put(Buffer.from('k'), Buffer.from([2]), 5);
 * [...store.fetchRange(Buffer.from('k'), 0, 10)]; // [[5, <01>], [5, <02>]]
 * ```
 */
export class LmdbDuplicatesWindowBytesStore
  extends PersistentStore
  implements WindowStore<Buffer, Buffer>, DuplicateSequencer
{
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  private streamTimeMs = -1;
  private lastSweepMs = -1;
  private nextSeq = 0;
  private lastSeq = -1;
  /** Entries put since they were last handed to the table, by key (latin1). */
  private recent = new Map<string, Entry[]>();
  private recentCount = 0;
  private readonly maxRecent: number;

  constructor(name: string, spec: WindowStoreSpec, db: OrderedBytesDb, maxPendingWrites?: number) {
    super(name, db, maxPendingWrites);
    checkWindowSpec(name, spec);
    this.maxRecent = maxPendingWrites ?? DEFAULT_MAX_PENDING_WRITES;
    this.windowSizeMs = spec.windowSizeMs;
    this.retentionMs = spec.retentionMs;
    for (const [k] of this.table.range(undefined, undefined)) {
      if (k.length < SUFFIX) continue;
      const e = parse(k);
      this.streamTimeMs = Math.max(this.streamTimeMs, e.startMs);
      this.nextSeq = Math.max(this.nextSeq, e.seq + 1);
    }
    this.nextSeq %= SEQ_LIMIT;
  }

  /** The largest window start put (-1 before the first put). */
  get observedStreamTimeMs(): number {
    return this.streamTimeMs;
  }

  get lastDuplicateSeq(): number {
    return this.lastSeq;
  }

  /** Adds `value` after the key's earlier values; a null value is ignored, as in Kafka. */
  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.assertOpen();
    if (value === null) return;
    const seq = this.nextSeq;
    this.nextSeq = (seq + 1) % SEQ_LIMIT;
    this.lastSeq = seq;
    if (!this.live(windowStartMs)) return;
    const k = toLatin1(key);
    const list = this.recent.get(k);
    // Copies: the caller may reuse its buffers (the table keeps copies too).
    const entry = { key: Buffer.from(key), startMs: windowStartMs, seq, value: Buffer.from(value) };
    if (list === undefined) this.recent.set(k, [entry]);
    else list.push(entry);
    if (++this.recentCount >= this.maxRecent) this.writeRecent();
  }

  putDuplicate(key: Buffer, value: Buffer, windowStartMs: number, seq: number): void {
    this.assertOpen();
    const n = seq >>> 0;
    if (n >= this.nextSeq) this.nextSeq = (n + 1) % SEQ_LIMIT;
    // Straight to the table: a replayed record rewrites its entry there.
    if (this.live(windowStartMs)) this.table.put(entryKey(key, windowStartMs, n), value);
  }

  /** The first value put for `key` in the window starting at `windowStartMs`. */
  fetch(key: Buffer, windowStartMs: number): Buffer | undefined {
    const [first] = this.fetchRange(key, windowStartMs, windowStartMs);
    return first?.[1];
  }

  *fetchRange(key: Buffer, fromMs: number, toMs: number): IterableIterator<WindowValue<Buffer>> {
    this.assertOpen();
    if (toMs < fromMs) return;
    const lowest = Math.max(fromMs, this.oldestLiveStartMs());
    const found: Entry[] = [];
    for (const [k, value] of this.table.range(entryKey(key, lowest, 0), entryKey(key, toMs + 1, 0)))
      if (k.length === key.length + SUFFIX) found.push({ ...parse(k), value });
    const recent = this.recent.get(toLatin1(key)) ?? [];
    for (const e of recent) if (e.startMs >= lowest && e.startMs <= toMs) found.push(e);
    if (recent.length > 0) found.sort((a, b) => a.startMs - b.startMs || a.seq - b.seq);
    yield* found.map((e): WindowValue<Buffer> => [e.startMs, e.value]);
  }

  /** Ordered by window start, then key bytes, then insertion, as the in-memory store answers. */
  *fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    this.assertOpen();
    this.writeRecent();
    const lowest = Math.max(fromMs, this.oldestLiveStartMs());
    const found: Entry[] = [];
    for (const [k, value] of this.table.range(undefined, undefined)) {
      if (k.length < SUFFIX) continue;
      const e = parse(k);
      if (e.startMs >= lowest && e.startMs <= toMs) found.push({ ...e, value });
    }
    found.sort((a, b) => a.startMs - b.startMs || Buffer.compare(a.key, b.key) || a.seq - b.seq);
    for (const e of found)
      yield [
        { key: e.key, window: { startMs: e.startMs, endMs: e.startMs + this.windowSizeMs } },
        e.value,
      ];
  }

  all(): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  override flush(): void {
    this.assertOpen();
    this.writeRecent();
    super.flush();
  }

  override close(): void {
    if (this.isOpen) this.writeRecent();
    super.close();
  }

  protected override afterWipe(): void {
    this.recent.clear();
    this.recentCount = 0;
    this.streamTimeMs = -1;
    this.lastSweepMs = -1;
    this.nextSeq = 0;
    this.lastSeq = -1;
  }

  /** Advances stream time to `windowStartMs`; whether its window is within retention. */
  private live(windowStartMs: number): boolean {
    if (windowStartMs > this.streamTimeMs) this.advance(windowStartMs);
    return windowStartMs >= this.oldestLiveStartMs();
  }

  /** Hands the entries waiting in memory to the table. */
  private writeRecent(): void {
    if (this.recentCount === 0) return;
    for (const list of this.recent.values())
      for (const e of list) this.table.put(entryKey(e.key, e.startMs, e.seq), e.value);
    this.recent.clear();
    this.recentCount = 0;
  }

  /** Windows starting before this are past retention (as in the in-memory store). */
  private oldestLiveStartMs(): number {
    return this.streamTimeMs - this.retentionMs + 1;
  }

  private advance(startMs: number): void {
    this.streamTimeMs = startMs;
    if (startMs - this.lastSweepMs < Math.max(1, this.retentionMs / 4)) return;
    this.lastSweepMs = startMs;
    const oldest = this.oldestLiveStartMs();
    const dead: Buffer[] = [];
    for (const [k] of this.table.range(undefined, undefined))
      if (k.length >= SUFFIX && parse(k).startMs < oldest) dead.push(k);
    for (const k of dead) this.table.put(k, null);
    for (const [k, list] of this.recent) {
      const kept = list.filter((e) => e.startMs >= oldest);
      this.recentCount -= list.length - kept.length;
      if (kept.length === 0) this.recent.delete(k);
      else this.recent.set(k, kept);
    }
  }
}
