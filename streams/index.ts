/**
 * fjord's streams: a Kafka-Streams-like DSL on RxJS. Build a topology with
 * {@link StreamsBuilder}, test it in memory with {@link TestDriver}, run it with `StreamsApp`.
 *
 * @example
 * ```ts
 * import { StreamsBuilder, Serdes } from 'fjord/streams';
 * import * as rxjs from 'rxjs';
 *
 * const b = new StreamsBuilder();
 * b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .filter((k, o) => o.amount > 0)
 *   .mapValues((o) => ({ ...o, amount: Math.round(o.amount * 100) }))
 *   .pipe(rxjs.filter((r) => r.headers['test'] === undefined))
 *   .to('orders-clean');
 * const topology = b.build();
 * ```
 *
 * @packageDocumentation
 */

// DSL
export { StreamsBuilder, type StreamsBuilderOptions } from './dsl/streams-builder.js';
export { KStream } from './dsl/kstream.js';
export { BranchedKStream, type BranchOptions } from './dsl/branched-kstream.js';
export type {
  Named,
  StreamOptions,
  ToOptions,
  RepartitionOptions,
  ProcessOptions,
} from './dsl/options.js';
export type { TableOptions } from './dsl/streams-builder.js';
export { KTable, KGroupedTable } from './dsl/ktable.js';
export type { TableOperationOptions } from './dsl/table-operation.js';
export { KGroupedStream, CogroupedKStream } from './dsl/kgrouped-stream.js';
export type { Grouped, Materialized, DslStoreType } from './dsl/grouping-options.js';
export type { Change } from './operators/table/change.js';
export type { KeyValue } from './operators/key-value.js';

// Serdes
export {
  Serdes,
  SerdeError,
  type Serde,
  type SerdeContext,
  type Serializer,
  type Deserializer,
  type JsonSerdeOptions,
  type SerdeErrorOptions,
  type SerdeSide,
} from './serde/index.js';

// State stores
export {
  Stores,
  StateStoreError,
  TaskDirectoryLockedError,
  CHANGELOG_ADDITIONAL_RETENTION_MS,
  type DslStoreConfig,
  type StateStoreErrorOptions,
  type StateStore,
  type ReadOnlyKeyValueStore,
  type KeyValueStore,
  type ReadOnlyWindowStore,
  type WindowStore,
  type ReadOnlySessionStore,
  type SessionStore,
  type SessionKey,
  type TimeWindow,
  type Windowed,
  type WindowValue,
  type StoreBuilder,
  type StoreContext,
  type BuiltStore,
  type ChangelogRecord,
  type ChangelogWriter,
  type KeyValueBytesStoreSupplier,
  type WindowBytesStoreSupplier,
  type SessionBytesStoreSupplier,
  type WindowStoreOptions,
  type CachingStoreBuilder,
  RecordCache,
  NamedCache,
  type CacheFlushEntry,
  DEFAULT_STATE_DIR,
  DEFAULT_CACHE_MAX_BYTES,
  type RecordCacheStats,
  type CacheFlushListener,
  type CacheFlushPrevious,
  type WindowCacheFlushListener,
  isFlushReporting,
  type CachedRecordContext,
  type FlushListenerOptions,
  type FlushedUpdate,
  type FlushedUpdateListener,
  type FlushReporting,
} from './state/index.js';

// Records, topology, Processor API
export type { StreamRecord, StreamHeaders, SourcePosition } from './runtime/stream-record.js';
export { Topology, type SourceOptions, type SinkOptions } from './runtime/topology.js';
export type { TopicNameExtractor, StreamPartitioner } from './runtime/topology-nodes.js';
export {
  TopologyDescription,
  type NodeDescription,
  type SourceDescription,
  type ProcessorDescription,
  type SinkDescription,
  type SubtopologyDescription,
} from './runtime/topology-description.js';
export type {
  Processor,
  ProcessorSupplier,
  ProcessorContext,
  FixedKeyProcessor,
  FixedKeyProcessorSupplier,
  FixedKeyProcessorContext,
  RecordContext,
  PunctuationType,
  Punctuator,
  Cancellable,
} from './runtime/processor.js';
export { taskName, type TaskId, type TimestampExtractor } from './runtime/task.js';

// Errors
export { StreamsError, TopologyError, type StreamsErrorOptions } from './runtime/streams-error.js';
export type {
  ErrorStage,
  ErrorContext,
  ErrorResponse,
  ErrorHandling,
} from './runtime/error-handling.js';
export {
  createErrorHandling,
  DLQ_ERROR_HEADERS,
  type ErrorPolicy,
  type ErrorHandlingOptions,
  type ErrorCounters,
  type DefaultErrorHandling,
} from './runtime/default-error-handling.js';
export type { RecordCollector, OutgoingRecord } from './runtime/record-collector.js';

// Testing
export {
  TestDriver,
  type TestDriverOptions,
  type RebalanceOptions,
} from './testing/test-driver.js';
export {
  TestInputTopic,
  TestOutputTopic,
  type TestRecord,
  type TestInputRecord,
  type PipeOptions,
  type InputTopicOptions,
} from './testing/test-topics.js';

// Runtime: running a topology against a Kafka-protocol cluster
export { StreamsApp } from './runtime/streams-app.js';
export type {
  StreamsAppOptions,
  StreamsMetrics,
  CloseOptions,
} from './runtime/streams-app-options.js';
export type { StreamsConfig, ProcessingGuarantee } from './runtime/streams-config.js';
export type { StoreLag } from './runtime/app-stores.js';
export type { KeyMetadata } from './runtime/key-metadata.js';
export type { StreamsState, StateListener } from './runtime/streams-state.js';
export type {
  RunnableTopology,
  SubtopologySpec,
  InternalTopicSpec,
  TopicRef,
} from './runtime/runnable-topology.js';
export type { Task, TaskEnvironment, TaskStore } from './runtime/task.js';

// Windows, suppression and joins
export { TimeWindows } from './operators/windows/time-windows.js';
export { SlidingWindows } from './operators/windows/sliding-windows.js';
export { SessionWindows } from './operators/windows/session-windows.js';
export { JoinWindows } from './operators/windows/join-windows.js';
export {
  Suppressed,
  BufferConfig,
  type UntilWindowCloses,
  type UntilTimeLimit,
  type BufferFullStrategy,
} from './operators/windows/suppressed.js';
export { SuppressBufferFullError } from './operators/windows/suppress-buffer.js';
export { WindowedSerdes } from './operators/windows/windowed-serde.js';
export { timestampedSerde, type Timestamped } from './operators/windows/timestamped.js';
export type { Merger } from './operators/windows/session-window-aggregator.js';
export type { Windows } from './operators/windows/windowed-aggregate-node.js';
export { LATE_RECORD_HEADERS } from './operators/windows/late-records.js';
export { DroppedRecords, droppedRecordsOf } from './runtime/dropped-records.js';
export {
  TimeWindowedKStream,
  SessionWindowedKStream,
  type WindowedMaterialized,
  type GroupedHandle,
} from './dsl/windowed-kstream.js';
export { WindowedKTable } from './dsl/windowed-ktable.js';
export type { StreamJoinOptions } from './dsl/stream-join.js';
export type { TableJoinOptions, TableHandle } from './dsl/stream-table-join.js';
export type { TableJoinKind } from './operators/joins/table-join.js';
export type { JoinKind } from './operators/windows/stream-stream-joiner.js';
export { GlobalKTable, type GlobalTableOptions } from './dsl/global-ktable.js';
export { GlobalStores, globalTablesOf, type GlobalTableSpec } from './runtime/global-tables.js';
