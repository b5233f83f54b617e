/**
 * The records a consumer hands out, decoded from a fetched batch without their key and value:
 * a record keeps where its key and value lie in the batch and makes each Buffer view on first
 * read. A view costs about as much as the rest of a record's decoding and is garbage soon after,
 * and many consumers read only one of the two, or neither (a count, a lag probe, a filter on
 * headers).
 *
 * The checks are record-codec.ts's `decodeRecordsInto`, whose wire grammar this follows; a record
 * with headers, the rare case, is decoded by record-codec itself for them.
 */
import { ByteReader, DecodeError } from '../../protocol/byte-reader.js';
import {
  Attributes,
  checkBatch,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
} from '../../protocol/records/batch-header.js';
import type { BatchHeader } from '../../protocol/records/batch-header.js';
import { CompressionType, decompress } from '../../protocol/records/compression.js';
import { decodeRecords } from '../../protocol/records/record-codec.js';
import type { RecordHeader } from '../../protocol/records/record.js';
import { ErrorCode } from '../../util/error-codes.js';
import { CorruptRecordError } from '../../util/errors.js';
import type { ConsumerRecord } from './types.js';

/** Shared by every record without headers. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);
/** attributes + timestampDelta + offsetDelta + key + value + headerCount, each at least 1 byte. */
const MIN_RECORD_BODY_BYTES = 6;
const MIN_RECORD_BYTES = 1 + MIN_RECORD_BODY_BYTES;

/**
 * A consumed record whose `key` and `value` are accessors: views into the batch made on first
 * read (then kept). Being accessors, they are not own properties: `{ ...record }` does not copy
 * them.
 */
class FetchedRecord implements ConsumerRecord {
  private keyView: Buffer | null | undefined;
  private valueView: Buffer | null | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly headers: readonly RecordHeader[],
    private readonly bytes: Buffer,
    private readonly keyAt: number,
    private readonly keyLength: number,
    private readonly valueAt: number,
    private readonly valueLength: number,
  ) {
    this.keyView = keyLength < 0 ? null : undefined;
    this.valueView = valueLength < 0 ? null : undefined;
  }

  get key(): Buffer | null {
    if (this.keyView === undefined) {
      this.keyView = this.bytes.subarray(this.keyAt, this.keyAt + this.keyLength);
    }
    return this.keyView;
  }

  get value(): Buffer | null {
    if (this.valueView === undefined) {
      this.valueView = this.bytes.subarray(this.valueAt, this.valueAt + this.valueLength);
    }
    return this.valueView;
  }
}

/** Skips a nullable byte string's bytes; returns its length (-1 for null). */
function skipBytes(r: ByteReader): number {
  const length = r.readVarint();
  if (length === -1) return -1;
  if (length < 0) throw r.fail(`negative length ${length}`);
  r.skip(length);
  return length;
}

/** Where the records of one batch come from, and which of them to keep. */
interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly header: BatchHeader;
  /** The batch's LogAppendTime, which every record takes; null for CreateTime. */
  readonly logAppendTime: number | null;
  readonly minOffset: number;
}

function readRecords(r: ByteReader, src: RecordSource, out: ConsumerRecord[]): void {
  const { baseOffset, baseTimestamp, lastOffsetDelta, recordCount } = src.header;
  if (recordCount < 0 || recordCount > r.remaining / MIN_RECORD_BYTES) {
    throw r.fail(`${recordCount} records cannot fit in ${r.remaining} bytes`);
  }
  const buf = r.buf;
  let previousDelta = -1;
  for (let i = 0; i < recordCount; i++) {
    const start = r.pos;
    const length = r.readVarint();
    if (length < MIN_RECORD_BODY_BYTES || length > r.remaining) {
      throw r.fail(`record length ${length} with ${r.remaining} bytes left`);
    }
    const end = r.pos + length;
    r.pos++; // attributes: the length check covers them
    const timestampDelta = r.readVarlong();
    const offsetDelta = r.readVarint();
    if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
      throw new CorruptRecordError(
        `record offsetDelta ${offsetDelta}, expected above ${previousDelta} and ≤ ${lastOffsetDelta}`,
        ErrorCode.INVALID_RECORD,
      );
    }
    previousDelta = offsetDelta;
    const keyLength = skipBytes(r);
    const keyAt = r.pos - Math.max(0, keyLength);
    const valueLength = skipBytes(r);
    const valueAt = r.pos - Math.max(0, valueLength);
    let headers = NO_HEADERS;
    if (r.pos < end && buf[r.pos] === 0) {
      r.pos++;
    } else {
      // Rare enough to decode the whole record again, with record-codec's header checks.
      r.pos = start;
      const [decoded] = decodeRecords(r, 1, {
        baseOffset: 0,
        baseTimestamp: 0,
        lastOffsetDelta,
        logAppendTime: null,
      });
      headers = decoded?.headers ?? NO_HEADERS;
    }
    if (r.pos !== end) throw r.fail(`record fields end at ${r.pos}, its length says ${end}`);
    const offset = baseOffset + offsetDelta;
    if (offset < src.minOffset) continue;
    const timestamp = src.logAppendTime ?? baseTimestamp + timestampDelta;
    out.push(
      new FetchedRecord(
        src.topic,
        src.partition,
        offset,
        timestamp,
        headers,
        buf,
        keyAt,
        keyLength,
        valueAt,
        valueLength,
      ),
    );
  }
}

/** A reader over the records of the batch at `pos` of `size` bytes, inflated if compressed. */
function recordsReader(buf: Buffer, pos: number, size: number, header: BatchHeader): ByteReader {
  const start = pos + RECORD_BATCH_OVERHEAD;
  const codec = header.attributes & Attributes.COMPRESSION_MASK;
  if (codec === CompressionType.NONE) {
    return new ByteReader(buf, start, pos + size, ErrorCode.CORRUPT_MESSAGE);
  }
  const data = decompress(codec, buf.subarray(start, pos + size));
  return new ByteReader(data, 0, data.length, ErrorCode.CORRUPT_MESSAGE);
}

/** A partition's fetched data, and the offset from which its records are kept. */
export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly bytes: Buffer;
}

/**
 * Decodes the batch at `pos` of `from.bytes` (ending by `end`), appending its records at or after
 * `minOffset` (Infinity to only validate) to `out`, as record-batch.ts's `decodeRecordBatchInto`
 * does: the framing and CRC are checked, compressed records inflated, and every record must
 * parse, with offsetDeltas rising within lastOffsetDelta and no bytes left over. Throws
 * {@link CorruptRecordError} otherwise, leaving `out` as it was.
 *
 * @example
 * ```ts
 * const out: ConsumerRecord[] = [];
 * decodeFetchedBatch({ topic: 'orders', partition: 0, bytes }, 0, bytes.length, 42, out);
 * ```
 */
export function decodeFetchedBatch(
  from: FetchedPartition,
  pos: number,
  end: number,
  minOffset: number,
  out: ConsumerRecord[],
): void {
  const { bytes, topic, partition } = from;
  const size = checkBatch(bytes, pos, end);
  const header = readBatchHeader(bytes, pos);
  if (header.recordCount === 0 && size === RECORD_BATCH_OVERHEAD) return;
  const r = recordsReader(bytes, pos, size, header);
  const logAppendTime =
    (header.attributes & Attributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? header.maxTimestamp : null;
  const before = out.length;
  try {
    readRecords(r, { topic, partition, header, logAppendTime, minOffset }, out);
    if (r.remaining !== 0) throw r.fail(`${r.remaining} bytes after the last record`);
  } catch (err) {
    out.length = before;
    if (!(err instanceof DecodeError)) throw err;
    throw new CorruptRecordError(`malformed record: ${err.message}`, err.code, { cause: err });
  }
}
