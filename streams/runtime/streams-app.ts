/**
 * `StreamsApp` runs a topology against a Kafka-protocol cluster: one consumer in the group
 * `application.id` reads every source topic, the streams assignor hands out tasks
 * (sub-topology, partition), each batch is pushed through its task synchronously, and the
 * output goes to one producer. Input offsets are committed at least once: only after every
 * record produced from them is acknowledged (see offset-commits.ts).
 */
import {
  Admin,
  FjordError,
  silentLogger,
  systemClock,
  type Clock,
  type Consumer,
  type Logger,
  type Producer,
  type TopicPartition,
} from '../../core/index.js';

import { AppStores, type StoreLag } from './app-stores.js';
import { findKeyOwner, type KeyMetadata } from './key-metadata.js';
import { startQueryServer, type QueryServer } from './query-server.js';
import { clusterChangelogReader } from './changelog-reader.js';
import { createErrorHandling, type DefaultErrorHandling } from './default-error-handling.js';
import type { ErrorStage } from './error-handling.js';
import { GlobalTableConsumer } from './global-consumer.js';
import { GlobalStores, globalTablesOf } from './global-tables.js';
import { prepareTopics, topicAdminOf, topicLayout } from './internal-topics.js';
import { OffsetCommits } from './offset-commits.js';
import { ProducerRecordCollector } from './producer-record-collector.js';
import { resolveTopic, type RunnableTopology } from './runnable-topology.js';
import { installShutdownSignals, type SignalHandlers } from './shutdown-signals.js';
import { streamsAssignor } from './streams-assignor.js';
import type { Serde } from '../serde/index.js';
import {
  RecordCache,
  type ReadOnlyKeyValueStore,
  type ReadOnlySessionStore,
  type ReadOnlyWindowStore,
} from '../state/index.js';

import { createStreamsConsumer, createStreamsProducer } from './streams-clients.js';
import { asError } from './streams-error.js';
import {
  parseStreamsConfig,
  type ResolvedStreamsConfig,
  type StreamsConfig,
} from './streams-config.js';
import { StreamsStateMachine, type StateListener, type StreamsState } from './streams-state.js';
import { TaskRegistry } from './task-registry.js';
import { taskName, type TaskEnvironment, type TaskId } from './task.js';

/**
 * Runtime settings of a {@link StreamsApp} that are not Kafka Streams configs.
 *
 * @example
 * ```ts
 * const app = new StreamsApp(topology, config, {
 *   logger: createLogger('cleaner'),
 *   handleSignals: false, // the caller handles SIGTERM and calls app.close()
 * });
 * ```
 */
export interface StreamsAppOptions {
  /** Default: silent. */
  readonly logger?: Logger;
  /** Wall-clock time for punctuators and commit intervals; default the system clock. */
  readonly clock?: Clock;
  /** Install SIGTERM/SIGINT handlers that close the app gracefully; default true. */
  readonly handleSignals?: boolean;
  /** How long a signal-triggered close may take; default 30000. */
  readonly shutdownTimeoutMs?: number;
  /** How often wall-clock punctuators and the commit interval are checked; default 100. */
  readonly tickMs?: number;
}

/**
 * What a running app has done, since it started.
 *
 * @example
 * ```ts
 * const { recordsProcessed, recordsCommitted, errors } = app.metrics;
 * ```
 */
export interface StreamsMetrics {
  readonly recordsProcessed: number;
  /** Output records handed to the producer, and how many of them are not acknowledged yet. */
  readonly recordsProduced: number;
  readonly recordsPending: number;
  /** Input records whose offsets are committed. */
  readonly recordsCommitted: number;
  readonly commits: number;
  readonly commitsFailed: number;
  /** Records each error handler was asked about. */
  readonly errors: Readonly<Record<ErrorStage, number>>;
  /** Records written to the dead-letter topic. */
  readonly deadLettered: number;
  readonly rebalances: number;
  readonly activeTasks: number;
  /** Store instances restored, and changelog records read to restore them. */
  readonly storesRestored: number;
  readonly recordsRestored: number;
}

/**
 * Options of {@link StreamsApp.close}.
 *
 * @example
 * ```ts
 * if (!(await app.close({ timeoutMs: 10_000 }))) console.warn('still shutting down');
 * ```
 */
export interface CloseOptions {
  /** Resolve false after this long if the shutdown is not done (it goes on). */
  readonly timeoutMs?: number;
}

/**
 * Runs a topology against a Kafka-protocol cluster, at least once.
 *
 * @example
 * ```ts
 * const b = new StreamsBuilder();
 * b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .filter((_k, o) => o.amount > 0)
 *   .to('orders-clean');
 * const app = new StreamsApp(b.build(), {
 *   'application.id': 'cleaner',
 *   'bootstrap.servers': '127.0.0.1:9092',
 * });
 * app.onStateChange((next, previous) => console.log(`${previous} → ${next}`));
 * await app.start();
 * // ... SIGTERM, or:
 * await app.close();
 * ```
 */
export class StreamsApp {
  private readonly config: ResolvedStreamsConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly machine: StreamsStateMachine;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly collector: ProducerRecordCollector;
  private readonly errors: DefaultErrorHandling;
  private readonly registry: TaskRegistry;
  private readonly commits: OffsetCommits;
  private readonly globals: GlobalStores;
  private globalConsumer: GlobalTableConsumer | undefined;
  private readonly stores: AppStores;
  /** Shared by the stores built with caching; none with `statestore.cache.max.bytes=0`. */
  private readonly recordCache: RecordCache | undefined;
  private readonly sourceTopics: readonly string[];
  private readonly stop = new AbortController();
  private admin: Admin | undefined;
  private queryServer: QueryServer | undefined;
  private loop: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private signals: SignalHandlers | undefined;
  private failure: Error | undefined;
  private cleanup: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private nextCommitMs = 0;
  private processed = 0;
  private rebalances = 0;

  constructor(
    private readonly topology: RunnableTopology,
    config: StreamsConfig,
    private readonly options: StreamsAppOptions = {},
  ) {
    this.config = parseStreamsConfig(config);
    const c = this.config;
    this.logger = (options.logger ?? silentLogger).child({ app: c.applicationId });
    this.clock = options.clock ?? systemClock;
    this.recordCache = c.cacheMaxBytes > 0 ? new RecordCache(c.cacheMaxBytes) : undefined;
    this.machine = new StreamsStateMachine(this.logger);
    const layout = topicLayout(topology, c.applicationId);
    this.sourceTopics = [...layout.subtopologyOf.keys()];
    this.consumer = createStreamsConsumer(
      c,
      streamsAssignor(layout.sourceTopics),
      {
        onRebalanceStart: () => {
          if (this.state === 'RUNNING') this.machine.moveTo('REBALANCING');
        },
        onAssigned: (ps) => this.assigned(ps),
        onRevoked: (ps) => this.revoked(ps),
        onLost: (ps) => {
          this.lost(ps);
        },
      },
      this.logger,
    );
    this.producer = createStreamsProducer(c, this.logger);
    this.collector = new ProducerRecordCollector({
      producer: this.producer,
      errors: () => this.errors,
      onFatal: (err) => {
        this.fail(err);
      },
      deadLetterTopic: c.deadLetterQueueTopic,
      partitionCount: async (topic) => {
        if (this.admin === undefined) throw new FjordError(`${topic}: the app is not started`);
        return (await this.admin.describeTopic(topic)).partitions.length;
      },
    });
    this.errors = this.createErrors();
    this.registry = new TaskRegistry(
      topology,
      layout.subtopologyOf,
      (id) => this.environment(id),
      this.logger,
    );
    this.globals = new GlobalStores(globalTablesOf(topology), {
      ...(c.defaultKeySerde === undefined ? {} : { key: c.defaultKeySerde }),
      ...(c.defaultValueSerde === undefined ? {} : { value: c.defaultValueSerde }),
    });
    this.stores = new AppStores(
      () => this.registry.all,
      this.logger,
      () => this.clock.now(),
    );
    for (const warning of topology.warnings ?? []) this.logger.warn({}, warning);
    this.commits = new OffsetCommits({
      registry: this.registry,
      collector: this.collector,
      commit: (offsets) => this.consumer.commit(offsets),
      canCommit: () => this.failure === undefined,
      purge: (topic, before) => this.admin?.deleteRecords(topic, before) ?? Promise.resolve(),
      repartitionTopics: layout.repartitionTopics,
      purgeIntervalMs: c.repartitionPurgeIntervalMs,
      nowMs: () => this.clock.now(),
      logger: this.logger,
    });
  }

  /** The current state. */
  get state(): StreamsState {
    return this.machine.state;
  }

  /** Why the app is in `ERROR`, if it is. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** The tasks this instance runs now, e.g. `['0_0', '0_3', '1_0']`. */
  get tasks(): string[] {
    return this.registry.taskNames;
  }

  /** Counters since start. */
  get metrics(): StreamsMetrics {
    const produced = this.collector.stats;
    const commits = this.commits.stats;
    const { deadLettered, ...errors } = this.errors.counters;
    return {
      recordsProcessed: this.processed,
      recordsProduced: produced.sent,
      recordsPending: this.collector.pending,
      recordsCommitted: commits.records,
      commits: commits.commits,
      commitsFailed: commits.failed,
      errors,
      deadLettered,
      rebalances: this.rebalances,
      activeTasks: this.registry.size,
      storesRestored: this.stores.stats.restores,
      recordsRestored: this.stores.stats.records,
    };
  }

  /**
   * The key-value store `name` of this instance's tasks, for interactive queries: a key held by
   * another instance is absent here (see `metadataForKey`). While a store restores, reads see
   * what is restored so far; {@link StreamsApp.storeLag} says how far behind that is.
   */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return this.stores.keyValue(name);
  }

  /** The window store `name` of this instance's tasks (see {@link StreamsApp.store}). */
  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return this.stores.window(name);
  }

  /** The session store `name` of this instance's tasks (see {@link StreamsApp.store}). */
  sessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    return this.stores.session(name);
  }

  /** The port of the interactive-query HTTP endpoint, once started (`application.server`). */
  get queryPort(): number | undefined {
    return this.queryServer?.port;
  }

  /**
   * Which instance (its `application.server`) holds `key` of store `name`; undefined while no
   * instance holds it (during a rebalance) or before the app connected.
   */
  async metadataForKey<K>(
    name: string,
    key: K,
    keySerde: Serde<K>,
  ): Promise<KeyMetadata | undefined> {
    const admin = this.admin;
    const sub = this.topology.subtopologies.find((s) => s.stores?.includes(name));
    const source = sub?.sourceTopics[0];
    if (admin === undefined || sub === undefined || source === undefined) return undefined;
    const topic = resolveTopic(source, this.config.applicationId);
    const bytes = keySerde.serialize(key, { topic });
    if (bytes === null) return undefined;
    return findKeyOwner(admin, this.config.applicationId, sub.id, topic, bytes);
  }

  /** How many changelog records each local instance of store `name` still has to restore. */
  storeLag(name: string): StoreLag[] {
    return this.stores.lag(name);
  }

  /**
   * Calls `listener(next, previous, error?)` on every state change; returns a function that
   * removes it.
   */
  onStateChange(listener: StateListener): () => void {
    return this.machine.listen(listener);
  }

  private createErrors(): DefaultErrorHandling {
    const c = this.config;
    return createErrorHandling({
      deserialization: c.deserializationHandler,
      processing: c.processingHandler,
      production: c.productionHandler,
      ...(c.deadLetterQueueTopic === undefined
        ? {}
        : { deadLetterQueueTopic: c.deadLetterQueueTopic }),
      logger: this.logger,
      collector: this.collector,
      wallClockMs: () => this.clock.now(),
    });
  }

  private environment(id: TaskId): TaskEnvironment {
    const c = this.config;
    const name = taskName(id);
    return {
      applicationId: c.applicationId,
      globalStores: this.globals,
      collector: this.collector.forTask(name),
      errors: this.errors,
      logger: this.logger,
      wallClockMs: () => this.clock.now(),
      ...(c.defaultKeySerde === undefined ? {} : { defaultKeySerde: c.defaultKeySerde }),
      ...(c.defaultValueSerde === undefined ? {} : { defaultValueSerde: c.defaultValueSerde }),
      ...(c.timestampExtractor === undefined ? {} : { timestampExtractor: c.timestampExtractor }),
      ...(c.stateDir === undefined ? {} : { stateDir: c.stateDir }),
      ...(this.recordCache === undefined ? {} : { recordCache: this.recordCache }),
    };
  }

  /**
   * Checks the source topics, creates the internal topics, connects and starts processing in
   * the background (state REBALANCING, then RUNNING once tasks are assigned). Rejects, and
   * moves to ERROR, when a source topic is missing or co-partitioned inputs differ.
   */
  start(): Promise<void> {
    if (!this.machine.moveTo('REBALANCING'))
      return Promise.reject(new Error(`start() needs state CREATED, the app is ${this.state}`));
    this.starting = this.connectAndRun();
    return this.starting;
  }

  private async connectAndRun(): Promise<void> {
    try {
      const c = this.config;
      this.admin = await Admin.connect(c.bootstrap, c.admin.clientId ?? `${c.clientId}-admin`);
      await prepareTopics(
        topicAdminOf(this.admin),
        this.topology,
        c.applicationId,
        c.replicationFactor,
        this.logger,
      );
      this.stores.connect(
        clusterChangelogReader(this.admin, {
          bootstrap: c.bootstrap,
          clientId: `${c.clientId}-restore-consumer`,
        }),
      );
      const server = c.applicationServer;
      if (server !== undefined)
        this.queryServer = await startQueryServer({
          ...server,
          stores: this.stores,
          logger: this.logger,
        });
      // Global tables are whole before the app joins its group (so before any task processes).
      this.globalConsumer = new GlobalTableConsumer(this.globals, {
        bootstrap: c.bootstrap,
        clientId: `${c.clientId}-global-consumer`,
        logger: this.logger,
      });
      await this.globalConsumer.start(this.admin, this.stop.signal);
      await Promise.all([this.producer.connect(), this.consumer.connect()]);
      this.consumer.subscribe(this.sourceTopics);
    } catch (err) {
      this.fail(asError(err));
      throw err;
    }
    if (this.stop.signal.aborted) return;
    if (this.options.handleSignals ?? true)
      this.signals = installShutdownSignals(
        () => this.close({ timeoutMs: this.options.shutdownTimeoutMs ?? 30_000 }),
        this.logger,
      );
    this.nextCommitMs = this.clock.now() + this.config.commitIntervalMs;
    this.timer = setInterval(() => {
      this.tick();
    }, this.options.tickMs ?? 100);
    this.loop = this.run();
  }

  /** The processing loop: poll, push the batch through its task, repeat. */
  private async run(): Promise<void> {
    const signal = this.stop.signal;
    const max = this.config.maxPendingRecords;
    try {
      while (!signal.aborted) {
        if (this.collector.pending > max) {
          await this.drain(Math.floor(max / 2));
          continue;
        }
        const batch = await this.consumer.poll(signal);
        if (batch === undefined) continue;
        this.processed += this.registry.process(batch);
      }
    } catch (err) {
      this.fail(asError(err));
    }
  }

  /** Backpressure: waits for the producer to catch up, or for the app to stop. */
  private drain(limit: number): Promise<void> {
    const signal = this.stop.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      void this.collector.waitForRoom(limit).then(done);
    });
  }

  /** Timer: wall-clock punctuators, and the commit when its interval is up. */
  private tick(): void {
    if (this.failure !== undefined || this.stop.signal.aborted) return;
    const now = this.clock.now();
    try {
      this.registry.punctuate(now);
    } catch (err) {
      this.fail(asError(err));
      return;
    }
    if (now >= this.nextCommitMs && !this.commits.busy) {
      this.nextCommitMs = now + this.config.commitIntervalMs;
      this.commits.commit().catch((err: unknown) => {
        this.fail(asError(err));
      });
    }
  }

  /** New tasks restore their stores (the consumer waits for this) before they process. */
  private async assigned(partitions: readonly TopicPartition[]): Promise<void> {
    if (this.failure !== undefined) return;
    const created = this.registry.assign(partitions);
    this.rebalances++;
    try {
      await this.stores.restore(created);
    } catch (err) {
      this.fail(asError(err));
      return;
    }
    // A failure meanwhile aborted `stop`.
    if (!this.stop.signal.aborted) this.machine.moveTo('RUNNING');
  }

  /** Partitions leave in an orderly way: flush, commit, close their tasks. */
  private async revoked(partitions: readonly TopicPartition[]): Promise<void> {
    if (this.state === 'RUNNING') this.machine.moveTo('REBALANCING');
    if (this.failure === undefined) await this.commits.commit();
    this.registry.release(partitions);
  }

  /** Partitions were lost (another member may own them now): close their tasks, no commit. */
  private lost(partitions: readonly TopicPartition[]): void {
    if (this.state === 'RUNNING') this.machine.moveTo('REBALANCING');
    this.registry.release(partitions);
  }

  /** Moves to ERROR (telling the listeners) and stops everything without committing. */
  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    if (this.state === 'PENDING_SHUTDOWN' || this.state === 'NOT_RUNNING') {
      this.logger.error({ err }, 'error while shutting down');
      return;
    }
    this.failure = err;
    this.logger.error({ err }, 'streams app failed');
    this.machine.moveTo('ERROR', err);
    this.stop.abort();
    clearInterval(this.timer);
    this.cleanup = this.release(false);
  }

  /**
   * Stops gracefully: finishes the batch in hand, flushes the output, commits, closes the tasks,
   * leaves the group (so the tasks move at once) and closes the clients. Resolves true when done,
   * or false once `timeoutMs` passed (the shutdown goes on).
   */
  close(options: CloseOptions = {}): Promise<boolean> {
    this.closing ??= this.shutdown();
    const done = this.closing.then(() => true);
    if (options.timeoutMs === undefined) return done;
    const timeoutMs = options.timeoutMs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
      void done.then((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  private async shutdown(): Promise<void> {
    this.machine.moveTo('PENDING_SHUTDOWN');
    this.stop.abort();
    clearInterval(this.timer);
    await this.starting?.catch(() => undefined);
    await (this.cleanup ?? this.release(true));
    this.machine.moveTo('NOT_RUNNING');
  }

  /**
   * Once the loop has stopped: commits (flushing first) unless the app failed, closes the tasks,
   * leaves the group and closes the clients.
   */
  private async release(commit: boolean): Promise<void> {
    await this.loop;
    if (commit) await this.commits.commit();
    this.registry.closeAll();
    await this.queryServer?.close();
    const admin = this.admin;
    const clients: (readonly [string, () => Promise<void>])[] = [
      ['consumer', () => this.consumer.close()],
      ['global consumer', () => this.globalConsumer?.close() ?? Promise.resolve()],
      ['producer', () => this.producer.close()],
      ...(admin === undefined ? [] : [['admin client', () => admin.close()] as const]),
    ];
    for (const [what, close] of clients)
      await close().catch((err: unknown) => {
        this.logger.warn({ err }, `closing the ${what} failed`);
      });
    this.signals?.remove();
  }
}
