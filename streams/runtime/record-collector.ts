/**
 * Where sinks hand serialized records: the producer in a running app, an in-memory topic in the
 * TestDriver.
 */
import type { SourcePosition, StreamHeaders } from './stream-record.js';

/**
 * A serialized record on its way to a topic.
 *
 * @example
 * ```ts
 * const out: OutgoingRecord = { topic: 'out', key: null, value: Buffer.from('v'), headers: {}, timestamp: 0 };
 * ```
 */
export interface OutgoingRecord {
  readonly topic: string;
  /** Set by a custom partitioner or an internal topic's routing; else the producer's partitioner. */
  readonly partition?: number;
  /**
   * A sink's custom partitioner, when one is set and `partition` is not: the collector calls it
   * with the topic's partition count once it knows it (a sink does not); `undefined` (or no
   * partitioner) means the producer's default (murmur2 of the key, sticky for null keys).
   */
  readonly partitioner?: (partitionCount: number) => number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: StreamHeaders;
  readonly timestamp: number;
  /**
   * Called with the record's offset once the broker acknowledged it (a collector that cannot
   * tell, like the TestDriver's, never calls it). Persistent stores learn from it which
   * changelog offset their data covers, for their checkpoint.
   */
  readonly onDelivered?: (offset: number) => void;
}

/**
 * Accepts serialized records. `send` never throws for a delivery failure: the collector tracks
 * every record until it is acknowledged and reports failures to the production error handler,
 * so a task may commit its input offsets only after {@link RecordCollector.flush} resolves.
 *
 * @example
 * ```ts
 * collector.send(out, record.source);
 * await collector.flush(); // now the input offsets may be committed
 * ```
 */
export interface RecordCollector {
  send(record: OutgoingRecord, origin: SourcePosition | undefined): void;
  /** Resolves when every record sent so far is acknowledged (or handled as an error). */
  flush(): Promise<void>;
  /** Records sent and not yet acknowledged. */
  readonly pending: number;
}
