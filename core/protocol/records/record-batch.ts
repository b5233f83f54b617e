/**
 * Whole RecordBatch v2 encoding and decoding: the header (see batch-header.ts for its layout),
 * then the records of record-codec.ts, raw or as one compressed blob.
 *
 * ```
 * RecordBatch => baseOffset:int64 batchLength:int32 partitionLeaderEpoch:int32 magic:int8
 *                crc:uint32 attributes:int16 lastOffsetDelta:int32 baseTimestamp:int64
 *                maxTimestamp:int64 producerId:int64 producerEpoch:int16 baseSequence:int32
 *                recordsCount:int32 records:(Record… | compressed(Record…))
 * ```
 */
import { assert, AssertionError } from '../../util/assert.js';
import { ErrorCode } from '../../util/error-codes.js';
import { CorruptRecordError } from '../../util/errors.js';
import { ByteReader, DecodeError } from '../byte-reader.js';
import { ByteWriter } from '../byte-writer.js';
import {
  Attributes,
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  batchSize,
  checkBatch,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TimestampType,
  updateBatchCrc,
} from './batch-header.js';
import type { BatchHeader } from './batch-header.js';
import { compress, CompressionType, decompress } from './compression.js';
import {
  checkProducedRecords,
  decodeRecords,
  decodeRecordsInto,
  encodeRecord,
} from './record-codec.js';
import type { PartitionRecord, Record, RecordInput } from './record.js';

/** How {@link encodeRecordBatch} frames its records. */
export interface EncodeBatchOptions {
  /** Codec for the records blob; default NONE. */
  readonly compression?: CompressionType;
  /** Default 0: producers send 0 and the broker assigns the real offset. */
  readonly baseOffset?: number;
  /** Default -1 (Java's "unknown"); the broker stamps its own. */
  readonly partitionLeaderEpoch?: number;
  /** Default -1: not an idempotent producer. */
  readonly producerId?: number;
  /** Default -1. */
  readonly producerEpoch?: number;
  /** Default -1. */
  readonly baseSequence?: number;
  /**
   * Default: the last record's offsetDelta. A compacted batch keeps its original value, so the
   * batch still spans the offsets (and producer sequences) it did before cleaning.
   */
  readonly lastOffsetDelta?: number;
  /** Sets the isTransactional attribute. */
  readonly transactional?: boolean;
  /**
   * Default CREATE_TIME. With LOG_APPEND_TIME every record gets `now`, as Kafka's batch builder
   * does, and the batch's base and max timestamps are `now`.
   */
  readonly timestampType?: TimestampType;
  /** Epoch ms for records without a timestamp; `Date.now()` only when needed and not given. */
  readonly now?: number;
}

/** Limits for {@link decodeRecordBatch}. */
export interface DecodeBatchOptions {
  /** Refuse compressed records that inflate past this; default 64 MiB. */
  readonly maxDecompressedBytes?: number;
}

/** A decoded batch: its header and its records with absolute offsets and timestamps. */
export interface DecodedBatch {
  readonly header: BatchHeader;
  readonly records: Record[];
}

/** Where one batch lies inside a buffer of concatenated batches. */
export interface BatchPosition {
  readonly pos: number;
  readonly size: number;
}

/** Rough per-record framing bytes, to size the writer once for typical batches. */
const RECORD_FRAMING_ESTIMATE = 16;

function writeInt64(buf: Buffer, at: number, value: number): void {
  // hi/lo halves keep the encoder free of BigInt; all int64 fields here are safe integers.
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(value - hi * 0x1_0000_0000, at + 4);
}

/** The header fields the encoder derives from the records rather than from its options. */
interface DerivedFields {
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly recordCount: number;
}

function writeHeader(batch: Buffer, options: EncodeBatchOptions, derived: DerivedFields): void {
  writeInt64(batch, BASE_OFFSET_OFFSET, options.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  batch.writeInt16BE(derived.attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(derived.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(batch, BASE_TIMESTAMP_OFFSET, derived.baseTimestamp);
  writeInt64(batch, MAX_TIMESTAMP_OFFSET, derived.maxTimestamp);
  writeInt64(batch, PRODUCER_ID_OFFSET, options.producerId ?? -1);
  batch.writeInt16BE(options.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(options.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(derived.recordCount, RECORDS_COUNT_OFFSET);
  updateBatchCrc(batch, 0);
}

/**
 * Encodes `records` as one complete RecordBatch v2 (magic 2) with a correct CRC-32C: offset
 * deltas 0…n-1 unless records carry their own, baseTimestamp the smallest timestamp (so deltas
 * stay non-negative, as kafkajs does), maxTimestamp the largest. Throws an AssertionError for
 * an empty batch or offsetDeltas that do not increase: callers never build those.
 *
 * @example
 * ```ts
 * const batch = encodeRecordBatch(
 *   [{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1_700_000_000_000 }],
 *   { compression: CompressionType.LZ4 },
 * );
 * ```
 */
export function encodeRecordBatch(
  records: readonly RecordInput[],
  options: EncodeBatchOptions = {},
): Buffer {
  assert(records.length > 0, 'a record batch needs at least one record');
  const compression = options.compression ?? CompressionType.NONE;
  const logAppendTime = options.timestampType === TimestampType.LOG_APPEND_TIME;
  let now = options.now;
  let baseTimestamp = Number.POSITIVE_INFINITY;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  let estimate = RECORD_BATCH_OVERHEAD;
  for (const record of records) {
    const timestamp = logAppendTime ? undefined : record.timestamp;
    const ts = timestamp ?? (now ??= Date.now());
    if (ts < baseTimestamp) baseTimestamp = ts;
    if (ts > maxTimestamp) maxTimestamp = ts;
    estimate += RECORD_FRAMING_ESTIMATE + (record.key?.length ?? 0) + (record.value?.length ?? 0);
    if (record.headers !== undefined) {
      for (const h of record.headers) estimate += 8 + h.key.length + (h.value?.length ?? 0);
    }
  }
  // `now` is set whenever a record lacked a timestamp; otherwise the fallback is never used.
  const fallbackTimestamp = now ?? baseTimestamp;
  const w = new ByteWriter(estimate);
  w.reserve(RECORD_BATCH_OVERHEAD);
  let index = 0;
  let previousDelta = -1;
  for (const record of records) {
    const offsetDelta = record.offsetDelta ?? index;
    // Not assert(): its message would be built for every record.
    if (offsetDelta <= previousDelta) {
      throw new AssertionError(`offsetDelta ${offsetDelta} after ${previousDelta}`);
    }
    const ts = logAppendTime ? baseTimestamp : (record.timestamp ?? fallbackTimestamp);
    encodeRecord(w, record, offsetDelta, ts - baseTimestamp);
    previousDelta = offsetDelta;
    index++;
  }
  const lastOffsetDelta = options.lastOffsetDelta ?? previousDelta;
  assert(lastOffsetDelta >= previousDelta, `lastOffsetDelta ${lastOffsetDelta} < ${previousDelta}`);
  let batch: Buffer;
  if (compression === CompressionType.NONE) {
    batch = w.finish();
  } else {
    const blob = compress(compression, w.view(RECORD_BATCH_OVERHEAD));
    batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + blob.length);
    blob.copy(batch, RECORD_BATCH_OVERHEAD);
  }
  writeHeader(batch, options, {
    attributes:
      compression |
      (logAppendTime ? Attributes.TIMESTAMP_TYPE_LOG_APPEND : 0) |
      (options.transactional === true ? Attributes.TRANSACTIONAL : 0),
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    recordCount: records.length,
  });
  return batch;
}

/** Reader failures surface as CorruptRecordError, the one type batch callers branch on. */
function asCorrupt(err: unknown): unknown {
  if (err instanceof DecodeError) {
    return new CorruptRecordError(`malformed record: ${err.message}`, err.code, { cause: err });
  }
  return err;
}

function checkConsumed(r: ByteReader): void {
  if (r.remaining !== 0) throw r.fail(`${r.remaining} bytes after the last record`);
}

/**
 * Decodes the batch at `pos`: checks its framing and CRC ({@link checkBatch}), decompresses,
 * parses exactly recordCount records that must use up the record bytes, and computes absolute
 * offsets and timestamps (LogAppendTime batches give every record their maxTimestamp). Control
 * batches decode like any other. Throws {@link CorruptRecordError}: CORRUPT_MESSAGE for bad
 * bytes, INVALID_RECORD for a wrong magic or bad offsetDeltas, UNSUPPORTED_COMPRESSION_TYPE for
 * an unknown codec.
 *
 * @example
 * ```ts
 * const { header, records } = decodeRecordBatch(fetchedBytes, 0);
 * ```
 */
export function decodeRecordBatch(
  buf: Buffer,
  pos = 0,
  options: DecodeBatchOptions = {},
): DecodedBatch {
  const size = checkBatch(buf, pos);
  const header = readBatchHeader(buf, pos);
  const codec = header.attributes & Attributes.COMPRESSION_MASK;
  const start = pos + RECORD_BATCH_OVERHEAD;
  const end = pos + size;
  if (header.recordCount === 0 && start === end) return { header, records: [] };
  let reader: ByteReader;
  if (codec === CompressionType.NONE) {
    reader = new ByteReader(buf, start, end, ErrorCode.CORRUPT_MESSAGE);
  } else {
    const data = decompress(codec, buf.subarray(start, end), options.maxDecompressedBytes);
    reader = new ByteReader(data, 0, data.length, ErrorCode.CORRUPT_MESSAGE);
  }
  const logAppendTime =
    (header.attributes & Attributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? header.maxTimestamp : null;
  try {
    const records = decodeRecords(reader, header.recordCount, {
      baseOffset: header.baseOffset,
      baseTimestamp: header.baseTimestamp,
      lastOffsetDelta: header.lastOffsetDelta,
      logAppendTime,
    });
    checkConsumed(reader);
    return { header, records };
  } catch (err) {
    throw asCorrupt(err);
  }
}

/**
 * {@link decodeRecordBatch} for consumers: the same checks and errors, but the records (those at
 * or after `minOffset`; pass Infinity to only validate) are appended to `out` as
 * {@link PartitionRecord}s of `topic`/`partition`, each built once. `end` bounds the batch as a
 * subarray ending there would. Returns the batch header.
 *
 * @example
 * ```ts
 * const out: PartitionRecord[] = [];
 * const header = decodeRecordBatchInto(fetched, 0, fetched.length, 'orders', 0, 42, out);
 * ```
 */
export function decodeRecordBatchInto(
  buf: Buffer,
  pos: number,
  end: number,
  topic: string,
  partition: number,
  minOffset: number,
  out: PartitionRecord[],
  options: DecodeBatchOptions = {},
): BatchHeader {
  const size = checkBatch(buf, pos, end);
  const header = readBatchHeader(buf, pos);
  const codec = header.attributes & Attributes.COMPRESSION_MASK;
  const start = pos + RECORD_BATCH_OVERHEAD;
  const stop = pos + size;
  if (header.recordCount === 0 && start === stop) return header;
  let reader: ByteReader;
  if (codec === CompressionType.NONE) {
    reader = new ByteReader(buf, start, stop, ErrorCode.CORRUPT_MESSAGE);
  } else {
    const data = decompress(codec, buf.subarray(start, stop), options.maxDecompressedBytes);
    reader = new ByteReader(data, 0, data.length, ErrorCode.CORRUPT_MESSAGE);
  }
  const logAppendTime =
    (header.attributes & Attributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? header.maxTimestamp : null;
  const before = out.length;
  try {
    decodeRecordsInto(
      reader,
      header.recordCount,
      {
        baseOffset: header.baseOffset,
        baseTimestamp: header.baseTimestamp,
        lastOffsetDelta: header.lastOffsetDelta,
        logAppendTime,
      },
      topic,
      partition,
      minOffset,
      out,
    );
    checkConsumed(reader);
    return header;
  } catch (err) {
    out.length = before;
    throw asCorrupt(err);
  }
}

/**
 * Walks a buffer of concatenated batches by their batchLength, without checking CRCs or
 * decoding records. Stops before a trailing partial batch (as fetch responses may end with
 * one) and never reads past the buffer; throws {@link CorruptRecordError} for a batchLength too
 * small to be a batch, since walking on would be guesswork.
 *
 * @example
 * ```ts
 * for (const { pos, size } of iterateBatches(fetched)) {
 *   handle(decodeRecordBatch(fetched.subarray(pos, pos + size)));
 * }
 * ```
 */
export function* iterateBatches(buf: Buffer): Generator<BatchPosition, void, undefined> {
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = batchSize(buf, pos);
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new CorruptRecordError(`record batch at byte ${pos} claims ${size} bytes`);
    }
    if (size > buf.length - pos) return;
    yield { pos, size };
    pos += size;
  }
}

function invalid(message: string): CorruptRecordError {
  return new CorruptRecordError(message, ErrorCode.INVALID_RECORD);
}

/**
 * The broker's check of one partition's produced records (Apache's LogValidator rules): exactly
 * one batch filling `buf`, valid framing and CRC, not a control batch, a known codec, recordCount
 * ≥ 1 and lastOffsetDelta = recordCount-1; for uncompressed batches every record must parse
 * with offsetDeltas 0…n-1. Compressed records are not inflated: the broker never recompresses.
 * Returns the header (the idempotence check needs its producer fields). Throws
 * {@link CorruptRecordError} with CORRUPT_MESSAGE (bad CRC or framing), INVALID_RECORD or
 * UNSUPPORTED_COMPRESSION_TYPE.
 *
 * @example
 * ```ts
 * const header = validateProducedBatch(partitionData.records);
 * if (header.producerId >= 0) checkSequence(header);
 * ```
 */
export function validateProducedBatch(buf: Buffer): BatchHeader {
  const size = checkBatch(buf, 0);
  if (size !== buf.length) {
    throw invalid(`produce carries ${buf.length} bytes, its first batch covers ${size}`);
  }
  const header = readBatchHeader(buf, 0);
  if ((header.attributes & Attributes.CONTROL) !== 0) {
    throw invalid('clients may not produce control batches');
  }
  const codec = header.attributes & Attributes.COMPRESSION_MASK;
  if (codec > CompressionType.ZSTD) {
    throw new CorruptRecordError(
      `unsupported compression codec ${codec}`,
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
  }
  if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw invalid(
      `batch has ${header.recordCount} records and lastOffsetDelta ${header.lastOffsetDelta}`,
    );
  }
  if (codec === CompressionType.NONE) {
    // Apache's DefaultRecord reports a malformed record as InvalidRecordException.
    const reader = new ByteReader(buf, RECORD_BATCH_OVERHEAD, size, ErrorCode.INVALID_RECORD);
    try {
      checkProducedRecords(reader, header.recordCount);
      checkConsumed(reader);
    } catch (err) {
      throw asCorrupt(err);
    }
  }
  return header;
}
