/**
 * The wire form of one record inside a RecordBatch v2 — the per-record hot path of producers and
 * consumers, so it avoids closures, BigInt and intermediate buffers.
 *
 * ```
 * Record =>
 *   length: varint             bytes after this field
 *   attributes: int8           unused, 0
 *   timestampDelta: varlong    relative to the batch's baseTimestamp
 *   offsetDelta: varint        relative to the batch's baseOffset
 *   keyLength: varint, key     -1 = null
 *   valueLength: varint, value -1 = null (tombstone)
 *   headerCount: varint        signed zigzag, not a uvarint
 *   [keyLength: varint, key: UTF-8; valueLength: varint (-1 = null), value]
 * ```
 */
import { ErrorCode } from '../../util/error-codes.js';
import { CorruptRecordError } from '../../util/errors.js';
import { sizeOfVarint, sizeOfVarlong } from '../../util/varint.js';
import type { ByteReader } from '../byte-reader.js';
import type { ByteWriter } from '../byte-writer.js';
import type { PartitionRecord, Record, RecordHeader, RecordInput } from './record.js';

/** attributes + timestampDelta + offsetDelta + key + value + headerCount, each at least 1 byte. */
const MIN_RECORD_BODY_BYTES = 6;
/** The length varint plus the smallest body. */
const MIN_RECORD_BYTES = 1 + MIN_RECORD_BODY_BYTES;
/** A header needs at least its key length and value length varints. */
const MIN_HEADER_BYTES = 2;

const NO_HEADERS: readonly RecordHeader[] = [];

function sizeOfNullableBytes(bytes: Buffer | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

function writeNullableBytes(w: ByteWriter, bytes: Buffer | null): void {
  if (bytes === null) {
    w.writeVarint(-1);
  } else {
    w.writeVarint(bytes.length);
    w.writeBytes(bytes);
  }
}

/**
 * Appends one record to `w`. The caller computes the deltas against the batch it is building.
 *
 * @example
 * ```ts
 * const w = new ByteWriter();
 * encodeRecord(w, { key: null, value: Buffer.from('v') }, 0, 0);
 * ```
 */
export function encodeRecord(
  w: ByteWriter,
  record: RecordInput,
  offsetDelta: number,
  timestampDelta: number,
): void {
  const headers = record.headers ?? NO_HEADERS;
  let size =
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    sizeOfNullableBytes(record.key) +
    sizeOfNullableBytes(record.value) +
    sizeOfVarint(headers.length);
  for (const header of headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    size += sizeOfVarint(keyBytes) + keyBytes + sizeOfNullableBytes(header.value);
  }
  w.writeVarint(size).writeInt8(0).writeVarlong(timestampDelta).writeVarint(offsetDelta);
  writeNullableBytes(w, record.key);
  writeNullableBytes(w, record.value);
  w.writeVarint(headers.length);
  for (const header of headers) {
    // Measuring twice is cheaper than keeping the lengths: headers are few and keys short.
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    w.writeVarint(keyBytes).writeUtf8(header.key, keyBytes);
    writeNullableBytes(w, header.value);
  }
}

/** Where decoded records sit: the batch fields their deltas are relative to. */
export interface RecordContext {
  readonly baseOffset: number;
  readonly baseTimestamp: number;
  readonly lastOffsetDelta: number;
  /** For LogAppendTime batches, the batch's maxTimestamp, which every record takes; else null. */
  readonly logAppendTime: number | null;
}

function readNullableBytes(r: ByteReader): Buffer | null {
  const length = r.readVarint();
  if (length === -1) return null;
  if (length < 0) throw r.fail(`negative length ${length}`);
  return r.readBytes(length);
}

function skipNullableBytes(r: ByteReader): void {
  const length = r.readVarint();
  if (length === -1) return;
  if (length < 0) throw r.fail(`negative length ${length}`);
  r.skip(length);
}

/** Reads a record's length prefix and returns where the record ends. */
function readRecordEnd(r: ByteReader): number {
  const length = r.readVarint();
  if (length < MIN_RECORD_BODY_BYTES || length > r.remaining) {
    throw r.fail(`record length ${length} with ${r.remaining} bytes left`);
  }
  return r.pos + length;
}

function readHeaderCount(r: ByteReader, end: number): number {
  const count = r.readVarint();
  if (count < 0 || count > (end - r.pos) / MIN_HEADER_BYTES) {
    throw r.fail(`header count ${count} with ${end - r.pos} record bytes left`);
  }
  return count;
}

function readHeaders(r: ByteReader, end: number): RecordHeader[] {
  const count = readHeaderCount(r, end);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = r.readVarint();
    if (keyLength < 0) throw r.fail(`header key length ${keyLength}`);
    const key = r.readUtf8(keyLength);
    headers.push({ key, value: readNullableBytes(r) });
  }
  return headers;
}

function checkEnd(r: ByteReader, end: number): void {
  if (r.pos !== end) throw r.fail(`record fields end at ${r.pos}, its length says ${end}`);
}

function checkRecordCount(r: ByteReader, count: number): void {
  if (count < 0 || count > r.remaining / MIN_RECORD_BYTES) {
    throw r.fail(`${count} records cannot fit in ${r.remaining} bytes`);
  }
}

function badOffsetDelta(delta: number, expected: string): CorruptRecordError {
  return new CorruptRecordError(
    `record offsetDelta ${delta}, expected ${expected}`,
    ErrorCode.INVALID_RECORD,
  );
}

/**
 * Decodes `count` records from `r`, checking each record's length against its fields and that
 * offsetDeltas strictly increase within [0, lastOffsetDelta] (compaction may leave gaps). Throws
 * the reader's DecodeError for malformed bytes and {@link CorruptRecordError} (INVALID_RECORD)
 * for bad offsetDeltas.
 *
 * @example
 * ```ts
 * const r = new ByteReader(recordsBytes, 0, recordsBytes.length, ErrorCode.CORRUPT_MESSAGE);
 * const ctx = { baseOffset: 0, baseTimestamp: 0, lastOffsetDelta: 9, logAppendTime: null };
 * const records = decodeRecords(r, 10, ctx);
 * ```
 */
export function decodeRecords(r: ByteReader, count: number, ctx: RecordContext): Record[] {
  checkRecordCount(r, count);
  const records: Record[] = [];
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    const end = readRecordEnd(r);
    r.skip(1);
    const timestampDelta = r.readVarlong();
    const offsetDelta = r.readVarint();
    if (offsetDelta <= previousDelta || offsetDelta > ctx.lastOffsetDelta) {
      throw badOffsetDelta(offsetDelta, `above ${previousDelta} and ≤ ${ctx.lastOffsetDelta}`);
    }
    previousDelta = offsetDelta;
    const key = readNullableBytes(r);
    const value = readNullableBytes(r);
    const headers = readHeaders(r, end);
    checkEnd(r, end);
    records.push({
      offset: ctx.baseOffset + offsetDelta,
      timestamp: ctx.logAppendTime ?? ctx.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  return records;
}

/** Shared by every record without headers that {@link decodeRecordsInto} hands out. */
const NO_RECORD_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * {@link decodeRecords} for consumers: the same checks, but each record is built once, already
 * carrying its topic and partition, and appended to `out` only when its offset is at least
 * `minOffset` (records a fetch returns from before its fetch offset are dropped). Records without
 * headers share one frozen empty header list.
 *
 * @example
 * ```ts
 * const out: PartitionRecord[] = [];
 * decodeRecordsInto(r, 10, ctx, 'orders', 0, 42, out);
 * ```
 */
export function decodeRecordsInto(
  r: ByteReader,
  count: number,
  ctx: RecordContext,
  topic: string,
  partition: number,
  minOffset: number,
  out: PartitionRecord[],
): void {
  checkRecordCount(r, count);
  const { baseOffset, baseTimestamp, lastOffsetDelta, logAppendTime } = ctx;
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    const end = readRecordEnd(r);
    r.pos++; // attributes: readRecordEnd checked the record's bytes are there
    const timestampDelta = r.readVarlong();
    const offsetDelta = r.readVarint();
    if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
      throw badOffsetDelta(offsetDelta, `above ${previousDelta} and ≤ ${lastOffsetDelta}`);
    }
    previousDelta = offsetDelta;
    const key = readNullableBytes(r);
    const value = readNullableBytes(r);
    const headers =
      r.pos < end && r.buf[r.pos] === 0 ? (r.pos++, NO_RECORD_HEADERS) : readHeaders(r, end);
    checkEnd(r, end);
    const offset = baseOffset + offsetDelta;
    if (offset < minOffset) continue;
    out.push({
      topic,
      partition,
      offset,
      timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
}

/**
 * Walks `count` records without materialising them, as a broker validates a produced batch:
 * every record must parse and carry offsetDelta 0, 1, … in order. Throws like
 * {@link decodeRecords}.
 *
 * @example
 * ```ts
 * checkProducedRecords(new ByteReader(recordsBytes, 0, recordsBytes.length), recordCount);
 * ```
 */
export function checkProducedRecords(r: ByteReader, count: number): void {
  checkRecordCount(r, count);
  for (let i = 0; i < count; i++) {
    const end = readRecordEnd(r);
    r.skip(1);
    r.readVarlong();
    const offsetDelta = r.readVarint();
    if (offsetDelta !== i) throw badOffsetDelta(offsetDelta, String(i));
    skipNullableBytes(r);
    skipNullableBytes(r);
    const headerCount = readHeaderCount(r, end);
    for (let h = 0; h < headerCount; h++) {
      const keyLength = r.readVarint();
      if (keyLength < 0) throw r.fail(`header key length ${keyLength}`);
      r.skip(keyLength);
      skipNullableBytes(r);
    }
    checkEnd(r, end);
  }
}
