/**
 * The fixed 61-byte header of a Kafka RecordBatch v2 (magic 2), read and patched in place.
 *
 * ```
 * baseOffset: int64            0   ┐ outside the CRC: the broker
 * batchLength: int32           8   │ stamps baseOffset and the
 * partitionLeaderEpoch: int32 12   │ leader epoch without touching
 * magic: int8 (=2)            16   ┘ the records
 * crc: uint32 (CRC-32C)       17
 * attributes: int16           21   ┐
 * lastOffsetDelta: int32      23   │
 * baseTimestamp: int64        27   │ covered by the CRC
 * maxTimestamp: int64         35   │ (bytes 21 .. end of batch)
 * producerId: int64           43   │
 * producerEpoch: int16        51   │
 * baseSequence: int32         53   │
 * records count: int32        57   │
 * records                     61   ┘
 * ```
 *
 * The broker works on batches through this module only: it never decodes individual records.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { CorruptRecordError } from '../../util/errors.js';
import { crc32c } from '../../util/crc32c.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Size of the batch header; records start here. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** The smallest legal batchLength (a header with no records). */
export const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;
export const MAGIC_V2 = 2;

/** Bits of the attributes field. */
export const Attributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

/** How a batch's timestamps were set. */
export const TimestampType = {
  CREATE_TIME: 0,
  LOG_APPEND_TIME: 1,
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

/** The decoded header of one stored or produced batch. */
export interface BatchHeader {
  readonly baseOffset: number;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

function readInt64(buf: Buffer, at: number): number {
  // Offsets, timestamps and producer ids all fit 53 bits in practice; hi * 2^32 + lo keeps the
  // hot path free of BigInt.
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

function writeInt64(buf: Buffer, at: number, value: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(value - hi * 0x1_0000_0000, at + 4);
}

/** The baseOffset of the batch at `pos`. */
export function batchBaseOffset(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + BASE_OFFSET_OFFSET);
}

/** The whole size of the batch at `pos`, header included: 12 + batchLength. */
export function batchSize(buf: Buffer, pos = 0): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

/** The last offset the batch at `pos` covers: baseOffset + lastOffsetDelta. */
export function batchLastOffset(buf: Buffer, pos = 0): number {
  return batchBaseOffset(buf, pos) + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function batchLastOffsetDelta(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function batchMaxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + MAX_TIMESTAMP_OFFSET);
}

export function batchAttributes(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

/** Reads the whole header of the batch at `pos`. The caller has checked 61 bytes are there. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: batchBaseOffset(buf, pos),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
  };
}

/** CRC-32C of the CRC-covered part of the batch at `pos` (attributes to the end). */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + batchSize(buf, pos)));
}

/**
 * Checks the framing of the batch at `pos` without decoding records: enough bytes for the header,
 * magic 2, a batchLength that fits the available bytes, a sane record count and a matching CRC.
 * Returns the batch's total size. Throws {@link CorruptRecordError} (CORRUPT_MESSAGE, or
 * INVALID_RECORD for a wrong magic) otherwise.
 */
export function checkBatch(buf: Buffer, pos = 0, end = buf.length): number {
  const available = end - pos;
  if (available < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(
      `record batch truncated: ${available} bytes, header needs ${RECORD_BATCH_OVERHEAD}`,
    );
  }
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new CorruptRecordError(
      `record batch length ${batchLength} below the minimum ${MIN_BATCH_LENGTH}`,
    );
  }
  if (LOG_OVERHEAD + batchLength > available) {
    throw new CorruptRecordError(
      `record batch length ${batchLength} runs past the ${available - LOG_OVERHEAD} bytes available`,
    );
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    throw new CorruptRecordError(
      `record batch magic ${magic}, only magic 2 is supported`,
      ErrorCode.INVALID_RECORD,
    );
  }
  // The CRC goes before any check of the fields it covers: a flipped bit there is corruption
  // (CORRUPT_MESSAGE), not an invalid record.
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = computeBatchCrc(buf, pos);
  if (stored !== computed) {
    throw new CorruptRecordError(
      `record batch CRC mismatch: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`,
    );
  }
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (lastOffsetDelta < 0 || count < 0 || count > batchLength) {
    throw new CorruptRecordError(
      `record batch has lastOffsetDelta ${lastOffsetDelta} and ${count} records`,
      ErrorCode.INVALID_RECORD,
    );
  }
  return LOG_OVERHEAD + batchLength;
}

/** Overwrites the baseOffset of the batch at `pos`; outside the CRC, so the CRC stays valid. */
export function setBatchBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

/** Overwrites the partitionLeaderEpoch of the batch at `pos`; outside the CRC. */
export function setBatchPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Marks the batch at `pos` as LogAppendTime with `timestampMs` as its max timestamp, and
 * recomputes the CRC (attributes and maxTimestamp are inside it). Records keep their deltas:
 * readers ignore them for LogAppendTime batches, as Kafka's do.
 */
export function stampLogAppendTime(buf: Buffer, pos: number, timestampMs: number): void {
  const attributes =
    buf.readInt16BE(pos + ATTRIBUTES_OFFSET) | Attributes.TIMESTAMP_TYPE_LOG_APPEND;
  buf.writeInt16BE(attributes, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, timestampMs);
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}

/** Writes a fresh CRC into the batch at `pos` after its covered bytes changed. */
export function updateBatchCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}

/** The timestamp type recorded in the batch's attributes. */
export function batchTimestampType(attributes: number): TimestampType {
  return (attributes & Attributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0
    ? TimestampType.LOG_APPEND_TIME
    : TimestampType.CREATE_TIME;
}
