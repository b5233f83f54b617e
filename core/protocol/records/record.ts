/**
 * The record types of RecordBatch v2: what a producer hands to the encoder and what a consumer
 * gets back from the decoder. The wire form (§3.2 of the protocol brief) lives in
 * record-codec.ts.
 */

/**
 * One record header. Kafka header keys are non-null UTF-8 strings; values are raw bytes and may
 * be null. A record may repeat a key; order is preserved.
 *
 * @example
 * ```ts
 * const header: RecordHeader = { key: 'trace-id', value: Buffer.from('abc123') };
 * ```
 */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/**
 * A record to encode. A null value is a tombstone. `timestamp` (epoch ms, CreateTime) defaults
 * to the encoder's `now`.
 *
 * @example
 * ```ts
 * const input: RecordInput = { key: Buffer.from('user-42'), value: Buffer.from('{"n":1}') };
 * ```
 */
export interface RecordInput {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
  readonly timestamp?: number;
  /**
   * The record's offset relative to the batch's base offset; defaults to its index. Set it only
   * to re-encode a compacted batch, whose surviving records keep their offsets (and so leave
   * gaps); deltas must strictly increase.
   */
  readonly offsetDelta?: number;
}

/**
 * A decoded record, with its absolute offset and timestamp. `key`, `value` and header values
 * are views into the batch (or its decompressed records), not copies: copy them before reusing
 * the source buffer.
 *
 * @example
 * ```ts
 * for (const record of decodeRecordBatch(batch).records) {
 *   console.log(record.offset, record.value?.toString());
 * }
 * ```
 */
export interface Record {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeader[];
}

/** A decoded record with the topic and partition it was read from, as consumers hand it out. */
export interface PartitionRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}
