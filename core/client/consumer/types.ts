/**
 * The values a fjord consumer hands out and takes: partitions, records, batches, rebalance
 * listeners.
 */
import type { RecordHeader } from '../../protocol/records/record.js';

/** A partition of a topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * A partition and an offset. As everywhere in Kafka, a committed or sought offset is the offset
 * of the next record to read, not of the last one read.
 */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
  /**
   * A string committed with the offset (OffsetCommit's metadata, bounded by the broker's
   * `offset.metadata.max.bytes`) and returned by {@link Consumer.committed}; default empty.
   */
  readonly metadata?: string;
}

/**
 * One consumed record. `key`, `value` and header values are views into the fetched response:
 * copy them to keep them beyond the processing of their batch without holding the response.
 * The consumer makes `key` and `value` on first read, as accessors: a spread copy
 * (`{ ...record }`) does not carry them, so name them when copying a record.
 *
 * @example
 * ```ts
 * for await (const batch of consumer) {
 *   for (const r of batch.records) console.log(r.offset, r.key?.toString(), r.value?.toString());
 * }
 * ```
 */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Epoch ms: CreateTime, or LogAppendTime for topics that set it. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/**
 * Consecutive records of one partition, at most `maxPollRecords` of them, in offset order.
 *
 * @example
 * ```ts
 * const lag = batch.highWatermark - (batch.records.at(-1)?.offset ?? -1) - 1;
 * ```
 */
export interface ConsumerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumerRecord[];
  /** The partition's high watermark (read_committed: last stable offset) when fetched. */
  readonly highWatermark: number;
}

/**
 * Callbacks around a group rebalance. Each may be async; the consumer awaits it before the
 * rebalance goes on (`onRevoked` before the member rejoins, `onAssigned` before records of the
 * new partitions are fetched), as the Java client's ConsumerRebalanceListener is run inside
 * `poll()`.
 *
 * @example
 * ```ts
 * const listeners: RebalanceListeners = {
 *   onAssigned: async (partitions) => { await warmCaches(partitions); },
 *   onRevoked: async (partitions) => { await flushState(partitions); },
 * };
 * ```
 */
export interface RebalanceListeners {
  /** Partitions given to this member (with cooperative-sticky: only the newly added ones). */
  readonly onAssigned?: (partitions: readonly TopicPartition[]) => void | Promise<void>;
  /**
   * Partitions taken away in an orderly way; their offsets have been committed (with auto
   * commit) just before. Commit here yourself when auto commit is off.
   */
  readonly onRevoked?: (partitions: readonly TopicPartition[]) => void | Promise<void>;
  /**
   * Partitions this member lost without a rebalance handing them over (its session expired, or
   * the coordinator no longer knows it); they may already be owned by another member, so
   * committing their offsets would fail.
   */
  readonly onLost?: (partitions: readonly TopicPartition[]) => void | Promise<void>;
  /**
   * The member starts (re)joining its group. A notification only (not awaited): a rebalance
   * that moves nothing away from this member calls no other listener before `onAssigned`,
   * which ends every rebalance (with the newly added partitions, possibly none).
   */
  readonly onRebalanceStart?: () => void;
}

/** `topic-partition`, the key of per-partition maps. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Sorts partitions by topic, then partition. */
export function sortPartitions<T extends TopicPartition>(list: readonly T[]): T[] {
  return [...list].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}
