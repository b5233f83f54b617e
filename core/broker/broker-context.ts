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
import type { BrokerConfig } from './broker-config.js';

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

/**
 * Topic metadata, persisted. The single-broker implementation is a file in the data folder
 * (topic-store.ts); a cluster keeps it in etcd (a later issue).
 */
export interface TopicStore {
  list(): readonly TopicMetadata[];
  get(name: string): TopicMetadata | undefined;
  /** Persists a new topic; throws FjordError(TOPIC_ALREADY_EXISTS) if it exists. */
  create(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
  ): TopicMetadata;
  /** Persists the deletion; throws FjordError(UNKNOWN_TOPIC_OR_PARTITION) if unknown. */
  delete(name: string): void;
  /** Replaces the topic's overrides. */
  setConfigs(name: string, configs: Readonly<Record<string, string>>): TopicMetadata;
  /** Grows the partition count. */
  setPartitionCount(name: string, partitionCount: number): TopicMetadata;
}

/** One partition this broker leads: its log plus the broker-side state around it. */
export interface PartitionHandle {
  readonly topic: string;
  readonly partition: number;
  readonly log: PartitionLog;
  /** On a single broker: the log end once an append finished. */
  readonly highWatermark: number;
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
}

/** Hands out producer ids that are unique across restarts (persisted in the data folder). */
export interface ProducerIdAllocator {
  next(): number;
}

/** Everything a handler may use. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  /** The cluster id, persisted in the data folder on first start. */
  readonly clusterId: string;
  readonly producerIds: ProducerIdAllocator;
  readonly topics: TopicStore;
  readonly partitions: PartitionRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The effective log config of a topic: broker defaults overlaid with its overrides. */
  topicLogConfig(topic: TopicMetadata): LogConfig;
}
