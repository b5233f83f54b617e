/**
 * The TestDriver runs a topology in memory, synchronously, without a broker: piping a record
 * processes it and everything it causes (repartition topics are drained until quiescent) before
 * the call returns. Unlike Kafka Streams' TopologyTestDriver it runs several partitions (one
 * task per sub-topology and partition; records placed by murmur2 of the serialized key, as the
 * producer places them) and simulates rebalances (tasks closed and re-created).
 */
import { ConfigError, silentLogger, type ConsumerRecord, type Logger } from '../../core/index.js';
import type { Serde } from '../serde/index.js';
import {
  DSL_STORE_VALUES,
  dslStoreTypeOf,
  RecordCache,
  type DslStoreConfig,
  type DslStoreType,
  type KeyValueStore,
  type ReadOnlyKeyValueStore,
  type ReadOnlySessionStore,
  type ReadOnlyWindowStore,
  type SessionStore,
  type WindowStore,
} from '../state/index.js';
import {
  createErrorHandling,
  type DefaultErrorHandling,
  type ErrorCounters,
  type ErrorPolicy,
} from '../runtime/default-error-handling.js';
import type { RecordCollector } from '../runtime/record-collector.js';
import { toRecordHeaders } from '../runtime/record-headers.js';
import { GlobalStores, globalTablesOf } from '../runtime/global-tables.js';
import { resolveTopic, type RunnableTopology } from '../runtime/runnable-topology.js';
import {
  taskName,
  type Task,
  type TaskEnvironment,
  type TaskId,
  type TimestampExtractor,
} from '../runtime/task.js';

import { DriverStores, restoreTaskStores } from './driver-stores.js';
import { InMemoryTopics, type AppendRecord } from './in-memory-topics.js';
import {
  TestInputTopic,
  TestOutputTopic,
  type DriverTopics,
  type InputTopicOptions,
} from './test-topics.js';

/**
 * Settings of a {@link TestDriver}.
 *
 * @example
 * ```ts
 * const options: TestDriverOptions = { partitions: 4, errors: { deserialization: 'log-and-continue', deadLetterQueueTopic: 'dlq' } };
 * ```
 */
export interface TestDriverOptions {
  /** Partitions of every topic not listed in `topicPartitions`; default 1. */
  readonly partitions?: number;
  /** Partition counts of particular topics (internal ones by their full name). */
  readonly topicPartitions?: Readonly<Record<string, number>>;
  /** Default `test-driver`; prefixes internal topics. */
  readonly applicationId?: string;
  /** The simulated wall clock at the start; default 0. */
  readonly initialWallClockMs?: number;
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor;
  /** Error policies per stage (default `'fail'` each) and the dead-letter topic. */
  readonly errors?: {
    readonly deserialization?: ErrorPolicy;
    readonly processing?: ErrorPolicy;
    readonly production?: ErrorPolicy;
    readonly deadLetterQueueTopic?: string;
  };
  /** Default: silent. */
  readonly logger?: Logger;
  /**
   * Where persistent stores keep their files (`state.dir`); default `<os.tmpdir()>/fjord-streams`.
   * Give each test its own: the driver writes no checkpoint, so a persistent store starts empty
   * and restores from the driver's changelogs, but two drivers with one application id and one
   * directory would share files.
   */
  readonly stateDir?: string;
  /**
   * The app's `default.dsl.store`: where DSL stores that neither their operator nor their
   * `StreamsBuilder` placed keep their bytes; default `in-memory`.
   */
  readonly defaultDslStore?: DslStoreConfig;
  /**
   * `statestore.cache.max.bytes`: default 0, no record cache, so every update of every store is
   * logged as it happens. With a cache, stores built with caching enabled keep their updates
   * until the driver commits, which it does after every piped record and punctuation, as Kafka's
   * TopologyTestDriver does.
   */
  readonly cacheMaxBytes?: number;
}

/**
 * Which tasks {@link TestDriver.simulateRebalance} moves: task names (`'0_1'`) or ids; all by default.
 *
 * @example
 * ```ts
 * driver.simulateRebalance({ moved: ['0_1', { subtopology: 1, partition: 1 }] });
 * ```
 */
export interface RebalanceOptions {
  readonly moved?: readonly (string | TaskId)[];
}

/**
 * Runs a topology in memory for unit tests.
 *
 * @example
 * ```ts
 * const driver = new TestDriver(builder.build(), { partitions: 4 });
 * const input = driver.createInputTopic('orders', Serdes.string(), Serdes.json<Order>());
 * const output = driver.createOutputTopic('orders-clean', Serdes.string(), Serdes.json<Order>());
 * input.pipeInput('o-1', { amount: 1.5 }, { timestamp: 0 });
 * expect(output.readValue()).toEqual({ amount: 150 });
 * driver.close();
 * ```
 */
export class TestDriver {
  /** The application id prefixing internal topics. */
  readonly applicationId: string;
  private wallClock: number;
  private readonly topics: InMemoryTopics;
  /** Full topic name → the sub-topology reading it. */
  private readonly readers = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly tasks = new Map<string, Task>();
  private readonly queue: ConsumerRecord[] = [];
  private readonly readPositions = new Map<string, number>();
  private readonly handling: DefaultErrorHandling;
  private readonly env: TaskEnvironment;
  /** Global tables: records piped into their topics update them at once. */
  private readonly globals: GlobalStores;
  private closed = false;
  private readonly stores = new DriverStores(() => this.tasks.values());
  private readonly recordCache: RecordCache | undefined;

  constructor(
    private readonly topology: RunnableTopology,
    private readonly options: TestDriverOptions = {},
  ) {
    this.applicationId = options.applicationId ?? 'test-driver';
    this.wallClock = options.initialWallClockMs ?? 0;
    const cacheMaxBytes = options.cacheMaxBytes ?? 0;
    this.recordCache = cacheMaxBytes > 0 ? new RecordCache(cacheMaxBytes) : undefined;
    this.topics = new InMemoryTopics((topic) => this.partitionsOf(topic));
    const collector: RecordCollector = {
      pending: 0,
      send: (record) => {
        this.append({ ...record, headers: toRecordHeaders(record.headers) });
      },
      flush: () => Promise.resolve(),
    };
    const logger = options.logger ?? silentLogger;
    for (const warning of topology.warnings ?? []) logger.warn({}, warning);
    const errors = options.errors ?? {};
    this.handling = createErrorHandling({
      ...errors,
      logger,
      collector,
      wallClockMs: () => this.wallClock,
    });
    this.globals = new GlobalStores(globalTablesOf(topology), {
      ...(options.defaultKeySerde === undefined ? {} : { key: options.defaultKeySerde }),
      ...(options.defaultValueSerde === undefined ? {} : { value: options.defaultValueSerde }),
    });
    this.env = {
      applicationId: this.applicationId,
      globalStores: this.globals,
      collector,
      errors: this.handling,
      logger,
      wallClockMs: () => this.wallClock,
      ...(options.defaultKeySerde === undefined
        ? {}
        : { defaultKeySerde: options.defaultKeySerde }),
      ...(options.defaultValueSerde === undefined
        ? {}
        : { defaultValueSerde: options.defaultValueSerde }),
      ...(options.timestampExtractor === undefined
        ? {}
        : { timestampExtractor: options.timestampExtractor }),
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      defaultDslStore: driverDslStore(options.defaultDslStore),
      ...(this.recordCache === undefined ? {} : { recordCache: this.recordCache }),
    };
    this.sizeInternalTopics();
    for (const sub of topology.subtopologies) {
      const counts = sub.sourceTopics.map((t) =>
        this.partitionsOf(resolveTopic(t, this.applicationId)),
      );
      if (new Set(counts).size > 1)
        throw new ConfigError(
          `sub-topology ${sub.id} reads topics with different partition counts: ${counts.join(', ')}`,
        );
      for (const t of sub.sourceTopics)
        this.readers.set(resolveTopic(t, this.applicationId), sub.id);
      for (let partition = 0; partition < (counts[0] ?? 0); partition++) {
        const id = { subtopology: sub.id, partition };
        this.tasks.set(taskName(id), this.createTask(id));
      }
    }
  }

  /** The simulated wall clock, epoch ms. */
  get wallClockMs(): number {
    return this.wallClock;
  }

  /** How many failures each stage saw and how many records were dead-lettered. */
  get errorCounters(): ErrorCounters {
    return this.handling.counters;
  }

  /** The tasks, by name (`<sub-topology>_<partition>`). */
  taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  /** The stream time of task `name`; -1 before its first record. */
  streamTimeMs(name: string): number {
    return this.task(name).streamTimeMs;
  }

  /** An input topic (one the topology reads) with serdes for piping records into it. */
  createInputTopic<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options?: InputTopicOptions,
  ): TestInputTopic<K, V> {
    if (!this.readers.has(name) && !this.globals.topics.includes(name))
      throw new ConfigError(`the topology reads no topic ${name}`);
    return new TestInputTopic(this.driverTopics(), name, keySerde, valueSerde, options);
  }

  /** An output topic (any topic, a dead-letter topic too) with serdes for reading it. */
  createOutputTopic<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): TestOutputTopic<K, V> {
    return new TestOutputTopic(this.driverTopics(), name, keySerde, valueSerde);
  }

  /** Advances the wall clock and fires the wall-clock punctuators now due, task by task. */
  advanceWallClockTime(ms: number): void {
    this.assertOpen();
    if (!Number.isFinite(ms) || ms < 0)
      throw new ConfigError(`cannot advance the wall clock by ${ms} ms`);
    this.wallClock += ms;
    for (const task of this.tasks.values()) {
      task.punctuateWallClock(this.wallClock);
      this.drain();
    }
  }

  /**
   * Closes the `moved` tasks (all by default) and creates them afresh, as when a rebalance
   * moves them to another instance: processors are closed, stores restored from their
   * changelogs, processors re-initialised on the restored stores, punctuators rescheduled;
   * stream time goes on from where it was (a move commits it with the offsets). Returns the
   * names of the moved tasks.
   */
  simulateRebalance(options: RebalanceOptions = {}): string[] {
    this.assertOpen();
    const names =
      options.moved?.map((m) => (typeof m === 'string' ? m : taskName(m))) ?? this.taskNames();
    for (const name of names) {
      const old = this.task(name);
      this.commit(old);
      // A move commits the task's offsets with its partition times; the next owner starts there.
      const times = this.inputsOf(old.id).flatMap((topic) => {
        const ms = old.partitionTimeMs?.(topic) ?? -1;
        return ms < 0 ? [] : [[topic, ms] as const];
      });
      old.close();
      this.tasks.set(name, this.createTask(old.id, new Map(times)));
    }
    return names;
  }

  /** Moves every task: {@link TestDriver.simulateRebalance} with no options. */
  rebalance(): string[] {
    return this.simulateRebalance();
  }

  /** Closes every task. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.tasks.values()) {
      this.commit(task);
      task.close();
    }
  }

  /**
   * The store `name` read across every task (a key is found in whichever task holds it; scans go
   * task by task), or the instance of the task of `partition`, which may be written too.
   */
  getKeyValueStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V>;
  getKeyValueStore<K, V>(name: string, partition: number): KeyValueStore<K, V>;
  getKeyValueStore<K, V>(name: string, partition?: number): ReadOnlyKeyValueStore<K, V> {
    return this.stores.keyValue(name, partition);
  }

  /** The window store `name` across tasks, or the instance of the task of `partition`. */
  getWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, V>;
  getWindowStore<K, V>(name: string, partition: number): WindowStore<K, V>;
  getWindowStore<K, V>(name: string, partition?: number): ReadOnlyWindowStore<K, V> {
    return this.stores.window(name, partition);
  }

  /** The session store `name` across tasks, or the instance of the task of `partition`. */
  getSessionStore<K, V>(name: string): ReadOnlySessionStore<K, V>;
  getSessionStore<K, V>(name: string, partition: number): SessionStore<K, V>;
  getSessionStore<K, V>(name: string, partition?: number): ReadOnlySessionStore<K, V> {
    return this.stores.session(name, partition);
  }

  /**
   * Creates a task, restores its stores from their changelogs, then initializes its processors
   * (on the restored state, with the stream time committed at a move).
   */
  private createTask(id: TaskId, partitionTimes?: ReadonlyMap<string, number>): Task {
    const task = this.topology.createTask(id, this.envFor(id));
    restoreTaskStores(task, (topic) => this.topics.records(topic));
    task.initialize?.(partitionTimes);
    return task;
  }

  /** The input topics (full names) of the task `id`. */
  private inputsOf(id: TaskId): string[] {
    return [...this.readers].flatMap(([topic, sub]) => (sub === id.subtopology ? [topic] : []));
  }

  private envFor(id: TaskId): TaskEnvironment {
    return { ...this.env, logger: this.env.logger.child({ task: taskName(id) }) };
  }

  private driverTopics(): DriverTopics {
    const wallClock = (): number => this.wallClock;
    return {
      get wallClockMs() {
        return wallClock();
      },
      pipe: (r) => {
        this.assertOpen();
        this.append(r);
        this.drain();
      },
      read: (topic) => {
        const position = this.readPositions.get(topic) ?? 0;
        const record = this.topics.records(topic)[position];
        if (record !== undefined) this.readPositions.set(topic, position + 1);
        return record;
      },
      remaining: (topic) =>
        this.topics.records(topic).length - (this.readPositions.get(topic) ?? 0),
    };
  }

  private append(record: AppendRecord): void {
    const stored = this.topics.append(record);
    if (this.readers.has(stored.topic)) this.queue.push(stored);
    else this.globals.apply(stored);
  }

  private drain(): void {
    try {
      // A commit's cache flush forwards results, which may feed internal topics: process those
      // and commit again until nothing is left.
      do {
        for (let r = this.queue.shift(); r !== undefined; r = this.queue.shift()) {
          this.task(`${this.readers.get(r.topic) ?? -1}_${r.partition}`).process(r);
        }
        for (const task of this.tasks.values()) this.commit(task);
      } while (this.queue.length > 0);
    } finally {
      this.queue.length = 0;
    }
  }

  /** A commit's effect on the stores: with a record cache, its updates reach the changelogs. */
  private commit(task: Task): void {
    if (this.recordCache !== undefined) task.flushStores?.();
  }

  private task(name: string): Task {
    const task = this.tasks.get(name);
    if (task === undefined)
      throw new ConfigError(`no task ${name} (tasks: ${this.taskNames().join(', ')})`);
    return task;
  }

  private partitionsOf(topic: string): number {
    return (
      this.partitionCounts.get(topic) ??
      this.options.topicPartitions?.[topic] ??
      this.options.partitions ??
      1
    );
  }

  private sizeInternalTopics(): void {
    const specs = this.topology.internalTopics;
    const sizeOf = (sub: number, seen: Set<string>): number => {
      const topics = this.topology.subtopologies[sub]?.sourceTopics ?? [];
      return Math.max(
        1,
        ...topics.map((t) => (t.internal ? size(t.name, seen) : this.partitionsOf(t.name))),
      );
    };
    const size = (name: string, seen: Set<string>): number => {
      const full = resolveTopic({ name, internal: true }, this.applicationId);
      const known = this.partitionCounts.get(full);
      if (known !== undefined) return known;
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined || seen.has(name)) return this.partitionsOf(full);
      seen.add(name);
      const n =
        this.options.topicPartitions?.[full] ??
        spec.partitions ??
        Math.max(1, ...spec.partitionsFrom.map((s) => sizeOf(s, seen)));
      this.partitionCounts.set(full, n);
      return n;
    };
    for (const spec of specs) size(spec.name, new Set());
  }

  private assertOpen(): void {
    if (this.closed) throw new ConfigError('the TestDriver is closed');
  }
}

function driverDslStore(value: unknown): DslStoreType {
  const type = value === undefined ? 'in-memory' : dslStoreTypeOf(value);
  if (type === undefined)
    throw new ConfigError(
      `defaultDslStore=${JSON.stringify(value)}: expected one of ${DSL_STORE_VALUES.join(', ')}`,
    );
  return type;
}
