/**
 * The contract between the broker's parts: what a request handler gets to work with. Handlers are
 * plain functions from a decoded request body to a response body; the router (request-router.ts)
 * decodes, dispatches, encodes and measures.
 */
import type { RequestHeader } from '../protocol/header.js';
import type { ApiKey, RequestOf, ResponseOf } from '../protocol/messages/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { LogConfig } from '../log/log-config.js';
import type { PartitionLog } from '../log/partition-log.js';
import type { BatchHeader } from '../protocol/records/batch-header.js';
import type { ErrorCode } from '../util/error-codes.js';
import type { BrokerConfig } from './broker-config.js';
import type { GroupCoordinator } from './group/group-coordinator.js';
import type { ClusterView } from './metadata/cluster-view.js';
import type { ReplicaAdmin } from './metadata/replica-admin.js';
import type { Timers } from './timers.js';

/** Who sent a request. */
export interface RequestContext {
  readonly header: RequestHeader;
  readonly clientHost: string;
  readonly connectionId: number;
}

/** Returned by a handler when the client expects no answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no-response');
export type NoResponse = typeof NO_RESPONSE;

/** One API's handler. The API version is in `ctx.header.apiVersion`. */
export type Handler<K extends ApiKey> = (
  broker: BrokerContext,
  request: RequestOf<K>,
  ctx: RequestContext,
) => ResponseOf<K> | NoResponse | Promise<ResponseOf<K> | NoResponse>;

/** A topic as the metadata store keeps it. */
export interface TopicMetadata {
  readonly name: string;
  /** Kafka topic id: a random UUID, as 22 base64url characters. */
  readonly topicId: string;
  readonly partitionCount: number;
  /** Per-topic config overrides, by Kafka property name (`retention.ms`, ...). */
  readonly configs: Readonly<Record<string, string>>;
}

/** A manual replica placement: for each partition in order, its replicas, preferred leader first. */
export type ReplicaAssignment = readonly (readonly number[])[];

/** A value now, or later: the local store answers synchronously, a cluster store after etcd. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Topic metadata, persisted. The single-broker implementation is a file in the data folder
 * (topic-store.ts); a cluster keeps it in etcd (metadata/etcd-metadata-store.ts), where a change
 * is answered once etcd committed it, so mutations may return promises.
 */
export interface TopicStore {
  list(): readonly TopicMetadata[];
  get(name: string): TopicMetadata | undefined;
  /**
   * Persists a new topic; throws (or rejects with) FjordError(TOPIC_ALREADY_EXISTS) if it exists.
   * `replicationFactor` places replicas in a cluster, `assignment` (one replica list per
   * partition, already validated) replaces that placement; a single broker ignores both.
   */
  create(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
    replicationFactor?: number,
    assignment?: ReplicaAssignment,
  ): MaybePromise<TopicMetadata>;
  /** Persists the deletion; FjordError(UNKNOWN_TOPIC_OR_PARTITION) if unknown. */
  delete(name: string): MaybePromise<void>;
  /** Replaces the topic's overrides. */
  setConfigs(name: string, configs: Readonly<Record<string, string>>): MaybePromise<TopicMetadata>;
  /** Grows the partition count; `assignment` places the new partitions (see `create`). */
  setPartitionCount(
    name: string,
    partitionCount: number,
    assignment?: ReplicaAssignment,
  ): MaybePromise<TopicMetadata>;
}

/** What {@link PartitionHandle.appendAsLeader} did with a producer's batch. */
export interface LeaderAppendResult {
  /**
   * NONE when appended or recognised as a duplicate; otherwise why not: OUT_OF_ORDER_SEQUENCE_NUMBER,
   * INVALID_PRODUCER_EPOCH, INVALID_RECORD, MESSAGE_TOO_LARGE, CORRUPT_MESSAGE... The log is
   * unchanged whenever this is not NONE.
   */
  readonly errorCode: ErrorCode;
  /** The batch's first offset (the original one for a duplicate); -1 on error. */
  readonly baseOffset: number;
  /** The LogAppendTime stamped into the batch, or -1 for CreateTime topics and errors. */
  readonly logAppendTimeMs: number;
  /** The log start offset after the append; -1 on error. */
  readonly logStartOffset: number;
  /** True when the batch repeated one already in the log and was not appended again. */
  readonly duplicate: boolean;
}

/** One partition this broker leads: its log plus the broker-side state around it. */
export interface PartitionHandle {
  readonly topic: string;
  readonly partition: number;
  readonly log: PartitionLog;
  /**
   * Consumers see offsets below this. On a single broker (ISR = {self}) it is the log end once an
   * append finished; with replication it becomes the smallest log end of the ISR.
   */
  readonly highWatermark: number;
  /** The leader epoch stamped into appended batches (0: a single broker never changes leader). */
  readonly leaderEpoch: number;
  /** Whether this broker leads the partition now (always, on a single broker). */
  readonly isLeader: boolean;
  /** The size of the ISR as this leader knows it (1 on a single broker). */
  readonly isrSize: number;
  /**
   * A follower's fetch from `fetchOffset` (its log end): updates the leader's view of it, the
   * high watermark, and the ISR. NONE, or the partition's error for the fetch: OFFSET_OUT_OF_RANGE
   * outside the log, NOT_LEADER_OR_FOLLOWER for a broker that is no replica or a non-leader.
   */
  recordFollowerFetch(replicaId: number, fetchOffset: number, nowMs: number): ErrorCode;
  /**
   * acks=all: calls `done` once the high watermark reaches `requiredOffset` (NONE, or
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below `min.insync.replicas`), or with
   * NOT_LEADER_OR_FOLLOWER when the broker stops leading first. Returns the cancellation.
   */
  awaitHighWatermark(requiredOffset: number, done: (errorCode: ErrorCode) => void): () => void;
  /**
   * Appends one validated producer batch as the leader, synchronously, so appends land in call
   * order: the idempotence check (kafka-protocol.md §3.5), the log append (which stamps offsets),
   * the producer state update, the high watermark move and the wake-up of waiting fetches.
   * Refusals are error codes; only a failing disk (or a bug) throws.
   */
  appendAsLeader(batch: Buffer, header: BatchHeader): LeaderAppendResult;
  /**
   * DeleteRecords: moves the log start offset up to `offset` and wakes waiting fetches. Returns the
   * new log start offset (the low watermark; unchanged when `offset` is below it). Throws
   * FjordError(OFFSET_OUT_OF_RANGE) for an offset below 0 or past the high watermark.
   */
  deleteRecordsBefore(offset: number): number;
}

/** Why {@link PartitionWatch.until} returned. */
export type WatchWake = 'data' | 'changed' | 'timeout' | 'closed';

/**
 * A long-poll Fetch's view of its partitions: counts the bytes appended to them since the watch
 * began and wakes the fetch when enough arrived, one of them changed in another way (records
 * deleted, topic deleted), its time ran out, or the broker is closing. Never polls.
 */
export interface PartitionWatch {
  /** Bytes appended (and made visible) to the watched partitions since the watch began. */
  readonly appendedBytes: number;
  /**
   * Resolves once `appendedBytes` reaches `targetBytes` ('data'), or on the first of 'changed',
   * 'timeout' and 'closed'. A watch that already ended resolves at once with its end reason.
   */
  until(targetBytes: number): Promise<WatchWake>;
  /** Stops watching and cancels the timeout; idempotent. Always call it. */
  close(): void;
}

/**
 * The logs this broker hosts, one PartitionLog per partition under `<log.dirs>/<topic>-<n>`, plus
 * background retention, flush and compaction.
 */
export interface PartitionRegistry {
  /** Opens (creating if needed) a partition's log with the topic's effective config. */
  open(topic: string, partition: number, config: LogConfig): PartitionHandle;
  get(topic: string, partition: number): PartitionHandle | undefined;
  /** Closes and deletes every partition of `topic`. */
  deleteTopic(topic: string): void;
  /** Applies a changed effective config to every partition of `topic`. */
  updateConfig(topic: string, config: LogConfig): void;
  /**
   * Starts watching `partitions` for appends, for at most `timeoutMs` (Fetch's long poll). Create
   * the watch before the first read, so an append racing the read is never missed. A `replica`
   * watch (a follower's fetch) counts bytes as they are appended, a consumer's once they are
   * below the high watermark.
   */
  watch(
    partitions: readonly PartitionHandle[],
    timeoutMs: number,
    replica?: boolean,
  ): PartitionWatch;
}

/** Hands out producer ids that are unique across restarts (persisted in the data folder). */
export interface ProducerIdAllocator {
  /** A producer id never handed out before by this data folder; ≥ 0. */
  next(): number;
}

/** Everything a handler may use. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  /** The cluster id, persisted in the data folder on first start. */
  readonly clusterId: string;
  readonly producerIds: ProducerIdAllocator;
  readonly topics: TopicStore;
  /** Brokers, controller and partition leadership: this node alone, or the cluster in etcd. */
  readonly cluster: ClusterView;
  /** Leader elections and reassignments (ElectLeaders, AlterPartitionReassignments). */
  readonly replicaAdmin: ReplicaAdmin;
  readonly partitions: PartitionRegistry;
  readonly clock: Clock;
  /** Timers for request deadlines (acks=all waits); Node's when not given. */
  readonly timers?: Timers;
  readonly logger: Logger;
  /** The group coordinator: consumer groups and their committed offsets (group/). */
  readonly groups: GroupCoordinator;
  /** The effective log config of a topic: broker defaults overlaid with its overrides. */
  topicLogConfig(topic: TopicMetadata): LogConfig;
}
