/**
 * What a caller hands to `send()` and gets back, and the one conversion every record goes
 * through before it is written into its batch: checked, sized, strings encoded as UTF-8.
 *
 * The synchronous path converts into one reused {@link PreparedRecord} whose string bytes live in
 * scratch buffers, so a record costs no objects or Buffers of its own until it is in its batch;
 * a record that has to wait is {@link PreparedRecord.detach}ed into one that owns its bytes.
 */
import type { RecordHeader } from '../../protocol/records/record.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { sizeOfVarint } from '../../util/varint.js';
import { Utf8Scratch } from './utf8-scratch.js';

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

/** Framing bytes a record adds beyond its key, value and headers (varints, attributes). */
const RECORD_FRAMING_BYTES = 12;
const HEADER_FRAMING_BYTES = 4;

function badBytes(what: string): FjordError {
  return new FjordError(`${what} must be a Buffer, a string or null`, ErrorCode.INVALID_RECORD);
}

function bytesOf(value: ProducerBytes | undefined, what: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  throw badBytes(what);
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

/** What headers add to a record's estimated size. */
function headersCost(headers: readonly RecordHeader[]): number {
  let bytes = 0;
  for (const h of headers)
    bytes += HEADER_FRAMING_BYTES + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return bytes;
}

/** Header count varint plus each header's fields, as the record encoder writes them. */
function encodedHeadersBytes(headers: readonly RecordHeader[]): number {
  let bytes = sizeOfVarint(headers.length);
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    const valueBytes = h.value === null ? -1 : h.value.length;
    bytes += sizeOfVarint(keyBytes) + keyBytes + sizeOfVarint(valueBytes) + Math.max(0, valueBytes);
  }
  return bytes;
}

/** Throws for a record whose topic, partition or timestamp no broker would take. */
function checkPlacement(record: ProducerRecord): void {
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
}

/**
 * A record converted for the accumulator, one shape for all so the hot path stays monomorphic.
 * `key` and `value` hold the bytes in their first `keyBytes` / `valueBytes` bytes (-1 for null):
 * in the reused record they may be scratch buffers that the next record overwrites.
 */
export class PreparedRecord {
  topic = '';
  /** The partition the caller asked for, if any. */
  requestedPartition: number | undefined = undefined;
  key: Buffer | null = null;
  keyBytes = -1;
  value: Buffer | null = null;
  valueBytes = -1;
  headers: readonly RecordHeader[] = NO_HEADERS;
  /** Encoded bytes of the header count and the headers. */
  headersBytes = 1;
  timestamp = 0;
  /** Estimated encoded size: what the record costs against batch.size and buffer.memory. */
  sizeBytes = 0;

  /**
   * Without scratch buffers (as {@link prepareRecord} and {@link PreparedRecord.detach} make
   * them) strings get Buffers of their own.
   */
  constructor(
    private readonly keyScratch?: Utf8Scratch,
    private readonly valueScratch?: Utf8Scratch,
  ) {}

  /** A record to convert one record after the other into, with scratch buffers for strings. */
  static reusable(): PreparedRecord {
    return new PreparedRecord(new Utf8Scratch(), new Utf8Scratch());
  }

  /**
   * Converts `record` into this object, reusing its scratch buffers. Throws {@link FjordError}
   * (INVALID_RECORD) for a value of the wrong type, a bad partition or timestamp, or an empty
   * topic name.
   */
  fill(record: ProducerRecord, nowMs: number): this {
    checkPlacement(record);
    this.topic = record.topic;
    this.requestedPartition = record.partition;
    this.timestamp = record.timestamp ?? nowMs;
    const key = convert(record.key, this.keyScratch, 'key');
    this.key = key;
    this.keyBytes = lengthOf(key, this.keyScratch);
    const value = convert(record.value, this.valueScratch, 'value');
    this.value = value;
    this.valueBytes = lengthOf(value, this.valueScratch);
    let sizeBytes =
      RECORD_FRAMING_BYTES + Math.max(0, this.keyBytes) + Math.max(0, this.valueBytes);
    if (record.headers === undefined) {
      this.headers = NO_HEADERS;
      this.headersBytes = 1;
    } else {
      const headers = headersOf(record.headers);
      sizeBytes += headersCost(headers);
      this.headers = headers;
      this.headersBytes = encodedHeadersBytes(headers);
    }
    this.sizeBytes = sizeBytes;
    return this;
  }

  /**
   * The key as exactly its bytes, for the partitioner; a view of the scratch buffer that the
   * next record overwrites.
   */
  keyView(): Uint8Array | null {
    const scratch = this.keyScratch;
    return this.key !== null && this.key === scratch?.bytes
      ? scratch.view(this.keyBytes)
      : this.key;
  }

  /** A copy that owns its bytes, to wait in a queue while this one is reused. */
  detach(): PreparedRecord {
    const copy = new PreparedRecord();
    copy.topic = this.topic;
    copy.requestedPartition = this.requestedPartition;
    copy.key = ownBytes(this.key, this.keyBytes, this.keyScratch);
    copy.keyBytes = this.keyBytes;
    copy.value = ownBytes(this.value, this.valueBytes, this.valueScratch);
    copy.valueBytes = this.valueBytes;
    copy.headers = this.headers;
    copy.headersBytes = this.headersBytes;
    copy.timestamp = this.timestamp;
    copy.sizeBytes = this.sizeBytes;
    return copy;
  }
}

/** A key or value as bytes: a string in `scratch` when there is one. */
function convert(
  bytes: ProducerBytes | undefined,
  scratch: Utf8Scratch | undefined,
  what: string,
): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  if (typeof bytes === 'string')
    return scratch === undefined ? Buffer.from(bytes, 'utf8') : scratch.encode(bytes);
  if (Buffer.isBuffer(bytes)) return bytes;
  throw badBytes(what);
}

/** The length of converted bytes: -1 for null, the string's for bytes in `scratch`. */
function lengthOf(bytes: Buffer | null, scratch: Utf8Scratch | undefined): number {
  if (bytes === null) return -1;
  return bytes === scratch?.bytes ? scratch.length : bytes.length;
}

/** `bytes` cut to `length`, copied when they live in `scratch`. */
function ownBytes(bytes: Buffer | null, length: number, scratch?: Utf8Scratch): Buffer | null {
  if (bytes === null || bytes !== scratch?.bytes) return bytes;
  return Buffer.from(bytes.subarray(0, length));
}

function maxBytesOf(value: ProducerBytes | undefined, what: string): number {
  if (value === null || value === undefined) return 0;
  // Three UTF-8 bytes per UTF-16 unit at most.
  if (typeof value === 'string') return value.length * 3;
  if (Buffer.isBuffer(value)) return value.length;
  throw badBytes(what);
}

/**
 * Checks `record` as {@link PreparedRecord.fill} does, without converting it, and returns an
 * upper bound of the `sizeBytes` it would get.
 */
export function checkRecord(record: ProducerRecord): number {
  checkPlacement(record);
  let bound =
    RECORD_FRAMING_BYTES + maxBytesOf(record.key, 'key') + maxBytesOf(record.value, 'value');
  if (record.headers !== undefined) bound += headersCost(headersOf(record.headers));
  return bound;
}

/**
 * Converts `record` into a new {@link PreparedRecord} that owns its bytes. Throws like
 * {@link PreparedRecord.fill}.
 *
 * @example
 * ```ts
 * const prepared = prepareRecord({ topic: 'orders', key: 'u1', value: 'hi' }, Date.now());
 * ```
 */
export function prepareRecord(record: ProducerRecord, nowMs: number): PreparedRecord {
  return new PreparedRecord().fill(record, nowMs);
}
