/**
 * fjord's core: the partition log, the Kafka wire protocol and (soon) the broker and clients.
 * Code outside core imports from here only.
 *
 * @packageDocumentation
 */
export { ErrorCode, errorName, isRetriable } from './util/error-codes.js';
export {
  FjordError,
  ProtocolError,
  CorruptRecordError,
  ConfigError,
  StorageError,
  TimeoutError,
} from './util/errors.js';
export type { FjordErrorOptions } from './util/errors.js';
export { murmur2, partitionForKey } from './util/murmur2.js';
export { crc32c } from './util/crc32c.js';
export {
  CompressionType,
  compress,
  decompress,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from './protocol/records/compression.js';
export type { Record, RecordHeader, RecordInput } from './protocol/records/record.js';
export {
  encodeRecordBatch,
  decodeRecordBatch,
  iterateBatches,
  validateProducedBatch,
} from './protocol/records/record-batch.js';
export type {
  EncodeBatchOptions,
  DecodeBatchOptions,
  DecodedBatch,
  BatchPosition,
} from './protocol/records/record-batch.js';
export { TimestampType, checkBatch } from './protocol/records/batch-header.js';
export type { BatchHeader } from './protocol/records/batch-header.js';
export {
  PartitionLog,
  type AppendResult,
  type ReadOptions,
  type PartitionLogOptions,
} from './log/partition-log.js';
export type { ReadResult } from './log/read-result.js';
export type { CompactionResult, CleanableLog } from './log/cleaner.js';
export {
  CleanupPolicy,
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_NAMES,
  parseLogConfig,
  logConfigToProperties,
  type LogConfig,
} from './log/log-config.js';
export { systemClock, ManualClock, type Clock } from './util/clock.js';
export { createLogger, silentLogger, type Logger } from './util/logger.js';
export type { Segment } from './log/segment.js';
export type { BatchLocation } from './log/batch-location.js';
export { Broker, type BrokerOptions } from './broker/broker.js';
export {
  parseBrokerConfig,
  readPropertiesFile,
  BROKER_PROPERTIES,
  type BrokerConfig,
} from './broker/broker-config.js';
export { BrokerMetrics } from './broker/metrics.js';
export {
  KafkaConnection,
  type KafkaConnectionOptions,
  type SendOptions,
  type VersionRange,
} from './network/client-connection.js';
export { NetworkError, FrameSizeError, UnsupportedVersionError } from './network/errors.js';
export {
  Admin,
  parseBootstrap,
  type TopicDescription,
  type ClusterDescription,
  type ConfigEntry,
  type OffsetSpec,
  type ListedOffset,
} from './client/admin.js';
export type { BrokerAddress } from './client/bootstrap.js';
export {
  GroupAdmin,
  type GroupCoordinator,
  type GroupListing,
  type GroupMember,
  type GroupDescription,
  type CommittedOffset,
  type OffsetToCommit,
  type PartitionLag,
} from './client/group-admin.js';
export {
  PartitionAdmin,
  type ElectionKind,
  type ElectionPartitions,
  type PartitionOutcome,
  type Reassignment,
  type OngoingReassignment,
} from './client/partition-admin.js';
export {
  encodeSubscription,
  decodeSubscription,
  encodeAssignment,
  decodeAssignment,
  CONSUMER_PROTOCOL_MAX_VERSION,
  CONSUMER_PROTOCOL_TYPE,
  type ConsumerSubscription,
  type ConsumerAssignment,
  type TopicPartitions,
} from './client/consumer-protocol.js';
export {
  planReset,
  parseIsoDuration,
  parseDateTime,
  type ResetSpec,
  type PartitionFacts,
  type PlannedOffset,
} from './client/offset-reset.js';
/** Kafka's API schemas and message types, as fjord declares them (one per API and version range). */
export * as messages from './protocol/messages/index.js';
export { ApiKey } from './protocol/messages/index.js';
export type * as schema from './protocol/schema.js';
export {
  Producer,
  createProducer,
  type ProducerOptions,
  type ProducerConfig,
  type Scheduler,
  type Acks,
  type CompressionCodec,
  type ProducerRecord,
  type ProducerBytes,
  type ProducerHeaders,
  type RecordMetadata,
  ProduceError,
} from './client/producer/index.js';
export {
  createEmbeddedBroker,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
} from './embedded/embedded-broker.js';
export {
  Consumer,
  DEFAULT_ASSIGNORS,
  type ConsumerOptions,
  type AutoOffsetReset,
  type ConsumerBatch,
  type ConsumerRecord,
  type TopicPartition,
  type TopicPartitionOffset,
  type RebalanceListeners,
  type Assignor,
  type AssignorName,
  type MemberSubscription,
  type RebalanceProtocol,
  rangeAssignor,
  roundRobinAssignor,
  cooperativeStickyAssignor,
} from './client/consumer/index.js';
export {
  consumeWithRetry,
  deadLetterOf,
  DLQ_HEADERS,
  type ConsumeWithRetryOptions,
  type ConsumeWithRetryResult,
  type DeadLetterProducer,
  type DeadLetterRecord,
  type RetryBackoff,
} from './client/dlq.js';
