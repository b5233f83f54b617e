/**
 * The record every node of a topology receives and emits.
 */

/**
 * Where a record was read: its input topic, partition and offset.
 *
 * @example
 * ```ts
 * const where: SourcePosition = { topic: 'orders', partition: 2, offset: 1041 };
 * ```
 */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Record headers by key. Values read from Kafka are Buffers (or null); outputs may also set
 * strings, which are written as UTF-8. A key repeated in the input keeps its last value.
 *
 * @example
 * ```ts
 * const headers: StreamHeaders = { 'trace-id': 'abc', source: Buffer.from('web') };
 * ```
 */
export type StreamHeaders = Readonly<Record<string, Buffer | string | null>>;

/**
 * One record flowing through a topology: typed key and value, headers, event time and, for
 * records derived from an input record, that input's position.
 *
 * @example
 * ```ts
 * const r: StreamRecord<string, number> = { key: 'a', value: 1, headers: {}, timestamp: 0 };
 * ```
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly headers: StreamHeaders;
  /** Event time, epoch ms. */
  readonly timestamp: number;
  /** The input record this one derives from; absent for records a punctuator creates. */
  readonly source?: SourcePosition;
}
