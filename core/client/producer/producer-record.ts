/**
 * What a caller hands to `send()` and gets back, and the one conversion every record goes
 * through: strings become UTF-8 Buffers, headers a list, and the record gets the size the
 * accumulator counts against `batch.size` and `buffer.memory`.
 */
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';

/** A key, value or header value: bytes, a string (sent as UTF-8) or null. */
export type ProducerBytes = Buffer | string | null;

/**
 * Record headers: a list (keys may repeat, order is kept) or an object.
 *
 * @example
 * ```ts
 * const headers: ProducerHeaders = { 'trace-id': 'abc', source: Buffer.from('web') };
 * ```
 */
export type ProducerHeaders =
  | readonly { readonly key: string; readonly value: ProducerBytes }[]
  | Readonly<Record<string, ProducerBytes>>;

/**
 * One record to send. A null value is a tombstone. Without `partition` the partitioner picks
 * one: murmur2 of the key (Java-compatible), or the sticky partition for null keys.
 *
 * @example
 * ```ts
 * const record: ProducerRecord = { topic: 'orders', key: 'user-42', value: '{"total":10}' };
 * ```
 */
export interface ProducerRecord {
  readonly topic: string;
  readonly key?: ProducerBytes;
  readonly value: ProducerBytes;
  readonly headers?: ProducerHeaders;
  readonly partition?: number;
  /** Epoch ms (CreateTime); default the time of `send()`. */
  readonly timestamp?: number;
}

/**
 * Where an acknowledged record was written. `offset` is -1 with acks=0 (the broker does not
 * answer); `timestamp` is the broker's append time for LogAppendTime topics, else the record's.
 *
 * @example
 * ```ts
 * const { partition, offset } = await producer.send({ topic: 'orders', value: 'x' });
 * ```
 */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

const NO_HEADERS: readonly RecordHeader[] = [];

/**
 * A record converted for the accumulator: the record the encoder reads (one object per record,
 * one shape for all, so the hot path stays monomorphic) plus where it goes and what it costs.
 */
export class PreparedRecord implements RecordInput {
  constructor(
    readonly topic: string,
    /** The partition the caller asked for, if any. */
    readonly requestedPartition: number | undefined,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: readonly RecordHeader[],
    readonly timestamp: number,
    /** Estimated encoded size: what the record costs against batch.size and buffer.memory. */
    readonly sizeBytes: number,
  ) {}
}

/** Framing bytes a record adds beyond its key, value and headers (varints, attributes). */
const RECORD_FRAMING_BYTES = 12;
const HEADER_FRAMING_BYTES = 4;

function bytesOf(value: ProducerBytes | undefined, what: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  throw new FjordError(`${what} must be a Buffer, a string or null`, ErrorCode.INVALID_RECORD);
}

function headersOf(headers: ProducerHeaders): RecordHeader[] {
  const out: RecordHeader[] = [];
  if (Array.isArray(headers)) {
    const list = headers as readonly { readonly key: string; readonly value: ProducerBytes }[];
    for (const h of list) out.push({ key: h.key, value: bytesOf(h.value, `header ${h.key}`) });
  } else {
    for (const [key, value] of Object.entries(headers as Readonly<Record<string, ProducerBytes>>))
      out.push({ key, value: bytesOf(value, `header ${key}`) });
  }
  return out;
}

/**
 * Converts `record` for the accumulator. Throws {@link FjordError} (INVALID_RECORD) for a value
 * of the wrong type, a bad partition or timestamp, or an empty topic name.
 */
export function prepareRecord(record: ProducerRecord, nowMs: number): PreparedRecord {
  const { topic, partition, timestamp } = record;
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new FjordError('a record needs a topic', ErrorCode.INVALID_TOPIC_EXCEPTION);
  }
  if (partition !== undefined && (!Number.isInteger(partition) || partition < 0)) {
    throw new FjordError(`bad partition ${partition}`, ErrorCode.INVALID_RECORD);
  }
  if (timestamp !== undefined && (!Number.isSafeInteger(timestamp) || timestamp < 0)) {
    throw new FjordError(`bad timestamp ${timestamp}`, ErrorCode.INVALID_TIMESTAMP);
  }
  const key = bytesOf(record.key, 'key');
  const value = bytesOf(record.value, 'value');
  let sizeBytes = RECORD_FRAMING_BYTES + (key?.length ?? 0) + (value?.length ?? 0);
  let headers = NO_HEADERS;
  if (record.headers !== undefined) {
    headers = headersOf(record.headers);
    for (const h of headers)
      sizeBytes += HEADER_FRAMING_BYTES + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  }
  return new PreparedRecord(topic, partition, key, value, headers, timestamp ?? nowMs, sizeBytes);
}
