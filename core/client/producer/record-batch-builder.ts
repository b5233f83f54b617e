/**
 * Builds a RecordBatch v2 as records arrive, as Java's MemoryRecordsBuilder does: each record is
 * encoded into the batch's buffer when it is appended (a string key straight from the producer's
 * scratch bytes, a value copied once), so nothing per record outlives `send()` but a timestamp,
 * and only when it differs from the batch's first. The 61-byte header is written when the batch
 * is drained, after compression if any. Record layout: record-codec.ts.
 *
 * Timestamp deltas are taken from the first record, as Java's producer does; a record older than
 * it gets a negative delta, which the format allows.
 */
import {
  Attributes,
  LOG_OVERHEAD,
  MAGIC_V2,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  updateBatchCrc,
} from '../../protocol/records/batch-header.js';
import { compress, CompressionType } from '../../protocol/records/compression.js';
import type { RecordHeader } from '../../protocol/records/record.js';
import { assert } from '../../util/assert.js';
import { sizeOfVarint, sizeOfVarlong, zigzagEncode32 } from '../../util/varint.js';
import type { PreparedRecord } from './producer-record.js';

const EMPTY = Buffer.alloc(0);
/** The most bytes a record's length varint takes. */
const MAX_LENGTH_VARINT_BYTES = 5;
/** Byte strings this short are copied by a loop rather than a call into native code. */
const COPY_LOOP_MAX_BYTES = 16;

/** Writes the signed zigzag varint of an int32 at `pos`; returns the position after it. */
function putVarint(buf: Buffer, pos: number, value: number): number {
  let z = zigzagEncode32(value);
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Writes the signed zigzag varlong of a safe integer at `pos`; returns the position after it. */
function putVarlong(buf: Buffer, pos: number, value: number): number {
  if (value >= -0x4000_0000 && value < 0x4000_0000) return putVarint(buf, pos, value);
  // 2|v| needs up to 54 bits, past exact double arithmetic: the sign and low six bits go first.
  const a = value >= 0 ? value : -value - 1;
  let rest = Math.floor(a / 64);
  buf[pos++] = ((a % 64) << 1) | (value >= 0 ? 0 : 1) | 0x80;
  while (rest >= 0x80) {
    buf[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = rest;
  return pos;
}

/** Writes a length-prefixed byte string (`length` -1 for null) at `pos`. */
function putBytes(buf: Buffer, pos: number, bytes: Buffer | null, length: number): number {
  if (bytes === null || length < 0) {
    buf[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  pos = putVarint(buf, pos, length);
  if (length <= COPY_LOOP_MAX_BYTES) {
    for (let i = 0; i < length; i++) buf[pos + i] = bytes[i] ?? 0;
  } else if (bytes.length === length) {
    buf.set(bytes, pos);
  } else {
    bytes.copy(buf, pos, 0, length);
  }
  return pos + length;
}

function putHeaders(buf: Buffer, pos: number, headers: readonly RecordHeader[]): number {
  pos = putVarint(buf, pos, headers.length);
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    pos = putVarint(buf, pos, keyBytes);
    pos += buf.write(h.key, pos, keyBytes, 'utf8');
    pos = putBytes(buf, pos, h.value, h.value?.length ?? -1);
  }
  return pos;
}

/** Writes a safe integer as an int64 at `at`; returns the position after it. */
function putInt64(buf: Buffer, at: number, value: number): number {
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  return buf.writeUInt32BE(value - hi * 0x1_0000_0000, at + 4);
}

/** The producer fields of a batch header. */
export interface ProducerStamp {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

/**
 * One RecordBatch being built; see the module comment.
 *
 * @example
 * ```ts
 * const builder = new RecordBatchBuilder(Buffer.allocUnsafe(16_384));
 * builder.append(prepared);
 * const batch = builder.build(CompressionType.NONE, { producerId: -1, producerEpoch: -1, baseSequence: -1 });
 * ```
 */
export class RecordBatchBuilder {
  private buf: Buffer;
  /** Where the next record goes. */
  private pos = RECORD_BATCH_OVERHEAD;
  /** Records appended. */
  count = 0;
  /** The first record's timestamp: the batch's baseTimestamp. */
  baseTimestamp = 0;
  private maxTimestamp = 0;
  /** Per-record timestamps, kept only once one differs from the first. */
  private timestamps: number[] | undefined;

  /** Builds into `buf` (its contents are overwritten), growing out of it when needed. */
  constructor(buf: Buffer) {
    this.buf =
      buf.length >= RECORD_BATCH_OVERHEAD ? buf : Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
  }

  /** Bytes of the batch so far, header included. */
  get sizeBytes(): number {
    return this.pos;
  }

  /** The timestamp of record `index`. */
  timestampAt(index: number): number {
    return this.timestamps?.[index] ?? this.baseTimestamp;
  }

  /** Encodes `r` as the next record. */
  append(r: PreparedRecord): void {
    const offsetDelta = this.count;
    const timestamp = r.timestamp;
    if (offsetDelta === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp !== this.baseTimestamp || this.timestamps !== undefined) {
      this.keepTimestamp(timestamp);
    }
    const timestampDelta = timestamp - this.baseTimestamp;
    const keyField = r.keyBytes < 0 ? 1 : sizeOfVarint(r.keyBytes) + r.keyBytes;
    const valueField = r.valueBytes < 0 ? 1 : sizeOfVarint(r.valueBytes) + r.valueBytes;
    const bodyBytes =
      1 +
      (timestampDelta === 0 ? 1 : sizeOfVarlong(timestampDelta)) +
      sizeOfVarint(offsetDelta) +
      keyField +
      valueField +
      r.headersBytes;
    const buf = this.ensure(MAX_LENGTH_VARINT_BYTES + bodyBytes);
    let pos = putVarint(buf, this.pos, bodyBytes);
    buf[pos++] = 0; // attributes
    pos = putVarlong(buf, pos, timestampDelta);
    pos = putVarint(buf, pos, offsetDelta);
    pos = putBytes(buf, pos, r.key, r.keyBytes);
    pos = putBytes(buf, pos, r.value, r.valueBytes);
    if (r.headers.length === 0) buf[pos++] = 0;
    else pos = putHeaders(buf, pos, r.headers);
    this.pos = pos;
    this.count = offsetDelta + 1;
  }

  private keepTimestamp(timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    // The records before this one all had the first record's timestamp.
    this.timestamps ??= new Array<number>(this.count).fill(this.baseTimestamp);
    this.timestamps.push(timestamp);
  }

  /**
   * Hands the buffer over for reuse (see batch-buffer-pool.ts); the builder and what it built
   * must not be used afterwards.
   */
  releaseBuffer(): Buffer {
    const buf = this.buf;
    this.buf = EMPTY;
    this.pos = 0;
    return buf;
  }

  private ensure(bytes: number): Buffer {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return this.buf;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    return grown;
  }

  /**
   * The complete batch: the records (compressed as one blob unless NONE) behind a header with
   * `stamp`'s producer fields and a fresh CRC. Append nothing afterwards.
   */
  build(compression: CompressionType, stamp: ProducerStamp): Buffer {
    assert(this.count > 0 && this.pos > 0, 'a record batch needs records and its buffer');
    let batch: Buffer;
    if (compression === CompressionType.NONE) {
      batch = this.buf.subarray(0, this.pos);
    } else {
      const blob = compress(compression, this.buf.subarray(RECORD_BATCH_OVERHEAD, this.pos));
      batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + blob.length);
      blob.copy(batch, RECORD_BATCH_OVERHEAD);
    }
    // The header in wire order (batch-header.ts); the CRC is written last, over the rest.
    let at = putInt64(batch, 0, 0); // baseOffset: the broker assigns it
    at = batch.writeInt32BE(batch.length - LOG_OVERHEAD, at);
    at = batch.writeInt32BE(-1, at); // partitionLeaderEpoch
    at = batch.writeInt8(MAGIC_V2, at) + 4; // then the CRC's four bytes, filled in last
    at = batch.writeInt16BE(compression & Attributes.COMPRESSION_MASK, at);
    at = batch.writeInt32BE(this.count - 1, at); // lastOffsetDelta
    at = putInt64(batch, at, this.baseTimestamp);
    at = putInt64(batch, at, this.maxTimestamp);
    at = restamp(batch, stamp, at);
    at = batch.writeInt32BE(this.count, at);
    assert(at === RECORD_BATCH_OVERHEAD, 'record batch header size');
    updateBatchCrc(batch, 0);
    return batch;
  }
}

/**
 * Writes the producer fields (producerId, producerEpoch, baseSequence) into a batch's header;
 * returns the position after them. The caller updates the CRC.
 */
export function restamp(batch: Buffer, stamp: ProducerStamp, at = PRODUCER_ID_OFFSET): number {
  at = putInt64(batch, at, stamp.producerId);
  at = batch.writeInt16BE(stamp.producerEpoch, at);
  return batch.writeInt32BE(stamp.baseSequence, at);
}
