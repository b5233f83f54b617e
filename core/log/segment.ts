import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
} from '../protocol/records/batch-header.js';
import type { BatchHeader } from '../protocol/records/batch-header.js';
import { StorageError } from '../util/errors.js';
import type { BatchLocation } from './batch-location.js';
import { readAt, readSyncAt, writeFully, fsyncAsync } from './file-io.js';
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from './offset-index.js';
import { scanBatches } from './segment-scan.js';
import { TimeIndex } from './time-index.js';

/** The header fields the log needs, read from the first 43 bytes of a batch. */
const HEADER_PREFIX_BYTES = MAX_TIMESTAMP_OFFSET + 8;
/** How much of a segment a header scan reads per system call. */
const SCAN_CHUNK_BYTES = 64 * 1024;
/**
 * The first read of a header scan. The offset index usually points at the very batch wanted, so
 * a lookup needs one header; later reads double up to SCAN_CHUNK_BYTES for long scans.
 */
const FIRST_SCAN_CHUNK_BYTES = 512;

/** `<20-digit base offset>` — Kafka's segment file name stem. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

/**
 * One `<base offset>.log` file with its `.index` and `.timeindex`. Appends go to the end with
 * positioned writes; reads are positioned too, so appends and reads never share a file cursor.
 * The segment trusts what it is given: the partition log validates batches before appending and
 * runs recovery on segments that may be torn.
 */
export class Segment {
  readonly logPath: string;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private fd: number;
  private sizeBytes: number;
  private loaded = false;
  private next: number;
  private maxTimestampMs = -1;
  private firstBatchMaxTimestampMs = -1;
  private bytesSinceIndexEntry = 0;
  private refs = 0;
  private deleted = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly indexIntervalBytes: number,
    maxIndexEntries: number,
    fd: number,
  ) {
    const stem = path.join(dir, segmentFileStem(baseOffset));
    this.logPath = `${stem}.log`;
    this.offsetIndex = new OffsetIndex(`${stem}.index`, baseOffset, maxIndexEntries);
    this.timeIndex = new TimeIndex(`${stem}.timeindex`, baseOffset);
    this.fd = fd;
    this.sizeBytes = fs.fstatSync(fd).size;
    this.next = baseOffset;
  }

  /** Creates an empty segment (truncating leftovers with the same name). */
  static create(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    segmentIndexBytes: number,
  ): Segment {
    const stem = path.join(dir, segmentFileStem(baseOffset));
    const fd = fs.openSync(`${stem}.log`, 'w+');
    // Empty index files say "nothing indexed yet"; a missing one means "rebuild me".
    fs.writeFileSync(`${stem}.index`, Buffer.alloc(0));
    fs.writeFileSync(`${stem}.timeindex`, Buffer.alloc(0));
    const segment = new Segment(
      dir,
      baseOffset,
      indexIntervalBytes,
      segmentIndexBytes / OFFSET_INDEX_ENTRY_BYTES,
      fd,
    );
    segment.loaded = true;
    return segment;
  }

  /** Opens an existing segment; its indexes load on first use. */
  static open(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    segmentIndexBytes: number,
  ): Segment {
    const fd = fs.openSync(path.join(dir, `${segmentFileStem(baseOffset)}.log`), 'r+');
    return new Segment(
      dir,
      baseOffset,
      indexIntervalBytes,
      segmentIndexBytes / OFFSET_INDEX_ENTRY_BYTES,
      fd,
    );
  }

  /** Bytes in the `.log` file. */
  get size(): number {
    return this.sizeBytes;
  }

  /** One past the last offset stored here (the base offset when empty). */
  get nextOffset(): number {
    this.ensureLoaded();
    return this.next;
  }

  /** The largest record timestamp in the segment, or -1 when empty. */
  get maxTimestamp(): number {
    this.ensureLoaded();
    return this.maxTimestampMs;
  }

  /** The first batch's max timestamp: what `segment.ms` rolling is measured from, as in Kafka. */
  get rollingBaseTimestamp(): number {
    this.ensureLoaded();
    return this.firstBatchMaxTimestampMs;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** Whether the offset index has no room left, which forces a roll. */
  get indexFull(): boolean {
    return this.offsetIndex.isFull;
  }

  private ensureOpen(): void {
    if (this.deleted) throw new StorageError(`segment ${this.logPath} was deleted`);
  }

  /**
   * Loads the indexes, rebuilding them by a scan when missing or invalid, and finds the segment's
   * next offset and max timestamp from its tail.
   */
  private ensureLoaded(): void {
    if (this.loaded) return;
    this.ensureOpen();
    this.loaded = true;
    if (!this.offsetIndex.load(this.sizeBytes) || !this.timeIndex.load(Number.MAX_SAFE_INTEGER)) {
      this.rebuildIndexes(false);
      return;
    }
    // The indexes may lag the log (they are written on flush): walk from the last entry to the end.
    const from = this.offsetIndex.lookup(Number.MAX_SAFE_INTEGER).position;
    const first = this.headerAt(0);
    this.firstBatchMaxTimestampMs = first?.maxTimestamp ?? -1;
    this.maxTimestampMs = this.timeIndex.lastTimestamp;
    for (const batch of this.batchesFrom(from)) this.noteBatch(batch, false);
  }

  private noteBatch(batch: BatchLocation, index: boolean): void {
    if (index && this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(batch.baseOffset, batch.position);
      this.bytesSinceIndexEntry = 0;
    }
    if (batch.maxTimestamp > this.maxTimestampMs) {
      this.maxTimestampMs = batch.maxTimestamp;
      this.timeIndex.maybeAppend(batch.maxTimestamp, batch.baseOffset);
    }
    if (batch.position === 0) this.firstBatchMaxTimestampMs = batch.maxTimestamp;
    this.bytesSinceIndexEntry += batch.size;
    this.next = batch.lastOffset + 1;
  }

  /**
   * Scans the whole file, verifying every batch (length, magic, CRC, increasing offsets) when
   * `verify` is set, and rebuilds both indexes. A torn or corrupt tail is cut off. Returns the
   * bytes removed.
   */
  rebuildIndexes(verify: boolean): number {
    this.ensureOpen();
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.next = this.baseOffset;
    this.maxTimestampMs = -1;
    this.firstBatchMaxTimestampMs = -1;
    this.bytesSinceIndexEntry = 0;
    this.loaded = true;
    const validBytes = scanBatches(this.fd, this.sizeBytes, this.baseOffset, verify, (batch) => {
      this.noteBatch(batch, true);
    });
    const removed = this.sizeBytes - validBytes;
    if (removed > 0) {
      fs.ftruncateSync(this.fd, validBytes);
      this.sizeBytes = validBytes;
    }
    this.offsetIndex.rewrite();
    this.timeIndex.rewrite();
    return removed;
  }

  /** Appends one batch whose offsets are already stamped into its header. */
  append(batch: Buffer, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    this.ensureLoaded();
    this.ensureOpen();
    const position = this.sizeBytes;
    writeFully(this.fd, batch, position);
    this.sizeBytes += batch.length;
    this.noteBatch({ position, size: batch.length, baseOffset, lastOffset, maxTimestamp }, true);
  }

  /** Reads the header prefix of the batch at `position`, or undefined past the end. */
  private headerAt(position: number): BatchLocation | undefined {
    if (position + HEADER_PREFIX_BYTES > this.sizeBytes) return undefined;
    const buf = readSyncAt(this.fd, HEADER_PREFIX_BYTES, position);
    return this.locationOf(buf, 0, position);
  }

  private locationOf(buf: Buffer, at: number, position: number): BatchLocation {
    const baseOffset = readInt64(buf, at + BASE_OFFSET_OFFSET);
    return {
      position,
      size: LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
      maxTimestamp: readInt64(buf, at + MAX_TIMESTAMP_OFFSET),
    };
  }

  /** Batch locations from `position` to the end, read in chunks of headers. */
  *batchesFrom(position: number): Generator<BatchLocation> {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = position;
    let pos = position;
    let chunkBytes = FIRST_SCAN_CHUNK_BYTES;
    while (pos + HEADER_PREFIX_BYTES <= this.sizeBytes) {
      if (pos + HEADER_PREFIX_BYTES > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = readSyncAt(this.fd, Math.min(chunkBytes, this.sizeBytes - pos), pos);
        chunkBytes = Math.min(chunkBytes * 2, SCAN_CHUNK_BYTES);
      }
      const location = this.locationOf(chunk, pos - chunkStart, pos);
      if (location.size < RECORD_BATCH_OVERHEAD || pos + location.size > this.sizeBytes) return;
      yield location;
      pos += location.size;
    }
  }

  /**
   * Full batch headers (producer id, epoch, sequence...) from `position` to the end, read in chunks
   * like {@link Segment.batchesFrom}: what rebuilding producer state needs, records untouched.
   */
  *headersFrom(position: number): Generator<BatchHeader> {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = position;
    let pos = position;
    while (pos + RECORD_BATCH_OVERHEAD <= this.sizeBytes) {
      if (pos + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = readSyncAt(this.fd, Math.min(SCAN_CHUNK_BYTES, this.sizeBytes - pos), pos);
      }
      const header = readBatchHeader(chunk, pos - chunkStart);
      const size = LOG_OVERHEAD + header.batchLength;
      if (size < RECORD_BATCH_OVERHEAD || pos + size > this.sizeBytes) return;
      yield header;
      pos += size;
    }
  }

  /** The first batch whose last offset is ≥ `offset`, or undefined when the segment ends first. */
  findBatch(offset: number): BatchLocation | undefined {
    this.ensureLoaded();
    const start = this.offsetIndex.lookup(offset).position;
    for (const batch of this.batchesFrom(start)) {
      if (batch.lastOffset >= offset) return batch;
    }
    return undefined;
  }

  /**
   * The first batch whose max timestamp is ≥ `timestampMs`, starting from where the time index
   * says older records end, or undefined when no batch here is that new.
   */
  findBatchByTimestamp(timestampMs: number): BatchLocation | undefined {
    this.ensureLoaded();
    if (this.maxTimestampMs < timestampMs) return undefined;
    const from = this.timeIndex.lookup(timestampMs).offset;
    const start = this.offsetIndex.lookup(from).position;
    for (const batch of this.batchesFrom(start)) {
      if (batch.maxTimestamp >= timestampMs) return batch;
    }
    return undefined;
  }

  /** Reads `length` bytes at `position` on the thread pool. The segment stays open meanwhile. */
  async read(position: number, length: number): Promise<Buffer> {
    this.ensureOpen();
    const end = Math.min(position + length, this.sizeBytes);
    if (end <= position) return Buffer.alloc(0);
    this.refs++;
    try {
      return await readAt(this.fd, end - position, position);
    } finally {
      this.releaseRef();
    }
  }

  /** Reads `length` bytes at `position` synchronously (compaction and tests). */
  readSync(position: number, length: number): Buffer {
    this.ensureOpen();
    const end = Math.min(position + length, this.sizeBytes);
    return end <= position ? Buffer.alloc(0) : readSyncAt(this.fd, end - position, position);
  }

  /**
   * Removes every batch with a last offset ≥ `offset`: the batch holding `offset` goes whole, as in
   * Kafka. Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    this.ensureLoaded();
    const batch = this.findBatch(offset);
    if (batch === undefined) return 0;
    const removed = this.sizeBytes - batch.position;
    fs.ftruncateSync(this.fd, batch.position);
    this.sizeBytes = batch.position;
    this.offsetIndex.truncateTo(batch.baseOffset);
    this.timeIndex.truncateTo(batch.baseOffset);
    // Recompute the tail state from what remains.
    this.next = this.baseOffset;
    this.maxTimestampMs = this.timeIndex.lastTimestamp;
    this.firstBatchMaxTimestampMs = -1;
    this.bytesSinceIndexEntry = 0;
    for (const b of this.batchesFrom(this.offsetIndex.lookup(batch.baseOffset).position))
      this.noteBatch(b, false);
    if (this.sizeBytes > 0) this.firstBatchMaxTimestampMs = this.headerAt(0)?.maxTimestamp ?? -1;
    return removed;
  }

  /** Writes pending index entries; fsyncs the log file on the thread pool. */
  async flush(): Promise<void> {
    if (this.deleted) return;
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.refs++;
    try {
      await fsyncAsync(this.fd);
    } finally {
      this.releaseRef();
    }
  }

  /** Flushes synchronously; used on close. */
  flushSync(): void {
    if (this.deleted) return;
    this.offsetIndex.flush();
    this.timeIndex.flush();
    fs.fsyncSync(this.fd);
  }

  /** Ends an in-flight operation; the last one out of a deleted segment closes its descriptor. */
  private releaseRef(): void {
    this.refs--;
    if (this.deleted && this.refs === 0) this.closeFd();
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  close(): void {
    if (this.deleted) return;
    this.flushSync();
    this.deleted = true;
    if (this.refs === 0) this.closeFd();
  }

  /**
   * Deletes the segment's files. Reads already in flight finish first: the descriptor closes when
   * the last one ends, and unlinked files stay readable through it until then.
   */
  delete(): void {
    const wasDeleted = this.deleted;
    this.deleted = true;
    for (const file of [this.logPath, this.offsetIndex.path, this.timeIndex.path])
      fs.rmSync(file, { force: true });
    if (!wasDeleted && this.refs === 0) this.closeFd();
  }
}
