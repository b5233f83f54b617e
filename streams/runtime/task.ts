/**
 * The contract between a topology and whatever runs it (StreamsApp over Kafka, the TestDriver in
 * memory): the topology is split into sub-topologies; each (sub-topology, partition) pair is a
 * task; the runner feeds a task the records of its input partitions, in offset order per
 * partition.
 */
import type { ConsumerRecord, Logger } from '../../core/index.js';
import type { Serde } from '../serde/index.js';
import type { BuiltStore, DslStoreType, RecordCache, StoreBuilder } from '../state/index.js';

import type { ErrorHandling } from './error-handling.js';
import type { GlobalStores } from './global-tables.js';
import type { RecordCollector } from './record-collector.js';

/**
 * A task: one partition of one sub-topology. `name` is Kafka Streams' `<subtopology>_<partition>`.
 *
 * @example
 * ```ts
 * const id: TaskId = { subtopology: 0, partition: 3 };
 * ```
 */
export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

/**
 * `0_3` for sub-topology 0, partition 3.
 *
 * @example
 * ```ts
 * taskName({ subtopology: 0, partition: 3 }); // '0_3'
 * ```
 */
export function taskName(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`;
}

/**
 * The id a task name stands for; undefined for any other string.
 *
 * @example
 * ```ts
 * parseTaskName('1_3'); // { subtopology: 1, partition: 3 }
 * ```
 */
export function parseTaskName(name: string): TaskId | undefined {
  const m = /^(\d+)_(\d+)$/.exec(name);
  return m === null ? undefined : { subtopology: Number(m[1]), partition: Number(m[2]) };
}

/**
 * Picks a record's event time; the default takes the record's own timestamp.
 *
 * @example
 * ```ts
 * const fromPayload: TimestampExtractor = (r, partitionTimeMs) =>
 *   (JSON.parse(r.value?.toString() ?? '{}') as { ts?: number }).ts ?? partitionTimeMs;
 * ```
 */
export type TimestampExtractor = (record: ConsumerRecord, partitionTimeMs: number) => number;

/** What a runner gives each task it creates. */
export interface TaskEnvironment {
  readonly applicationId: string;
  readonly collector: RecordCollector;
  readonly errors: ErrorHandling;
  readonly logger: Logger;
  /** Wall-clock time for wall-clock punctuators and processors; injected so tests control it. */
  readonly wallClockMs: () => number;
  /** Serdes for sources and sinks that name none (`default.key.serde` / `default.value.serde`). */
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor;
  /** `state.dir`: where persistent stores keep their files (default: see DEFAULT_STATE_DIR). */
  readonly stateDir?: string;
  /** `default.dsl.store`: where DSL stores left to the app's default keep their bytes. */
  readonly defaultDslStore?: DslStoreType;
  /**
   * Lock each task's directory while the task keeps persistent stores there (StreamsApp: yes;
   * the TestDriver, whose tests each get their own directory: no).
   */
  readonly lockTaskDirectories?: boolean;
  /** The runner's record cache (`statestore.cache.max.bytes` > 0), for stores with caching. */
  readonly recordCache?: RecordCache;
  /** The runner's global tables (filled before tasks process), for global-table joins. */
  readonly globalStores?: GlobalStores;
}

/**
 * A state store of a task, as the runner sees it: restored from `changelogTopic` (partition =
 * the task's partition) before the task processes, flushed on commit.
 *
 * @example
 * ```ts
 * for (const s of task.stateStores) if (s.changelogTopic !== undefined) s.built.restore(records);
 * ```
 */
export interface TaskStore {
  readonly name: string;
  readonly kind: StoreBuilder['kind'];
  /** Full changelog topic name; undefined when logging is disabled. */
  readonly changelogTopic: string | undefined;
  readonly built: BuiltStore;
}

/** A running task. */
export interface Task {
  readonly id: TaskId;
  /** The largest event time this task has seen (-1 before the first record). */
  readonly streamTimeMs: number;
  /**
   * Runs one input record through the sub-topology, synchronously: when this returns, every
   * output it caused has been handed to the collector. Throws when an error handler answers
   * `fail` or the topology breaks; the task is then unusable.
   */
  process(record: ConsumerRecord): void;
  /** The task's state stores (absent or empty for a stateless sub-topology). */
  readonly stateStores?: readonly TaskStore[];
  /**
   * Flushes the stores (on commit, before the record collector's flush): the record cache's
   * updates to the changelog, persistent stores to disk.
   */
  flushStores?(): void;
  /**
   * Writes the checkpoint of the task's persistent stores (on commit, after the record
   * collector's flush acknowledged the changelog records).
   */
  checkpointStores?(): void;
  /**
   * Creates the processors (their `init()`) once the stores are restored, with stream time
   * seeded from the committed partition times of the inputs (full topic name → ms); `process`
   * before it throws. Absent: the task is ready when created.
   */
  initialize?(partitionTimes?: ReadonlyMap<string, number>): void;
  /** The partition time of input `topic` (full name), committed with its offset; -1 before any. */
  partitionTimeMs?(topic: string): number;
  /** Fires the wall-clock punctuators that are due at `nowMs`. */
  punctuateWallClock(nowMs: number): void;
  /** Closes the processors (their `close()`), cancels punctuators. */
  close(): void;
}
