/**
 * `StreamsApp` runs a topology against a Kafka-protocol cluster: one consumer in the group
 * `application.id` reads every source topic, the streams assignor hands out tasks
 * (sub-topology, partition), each batch is pushed through its task synchronously, and the
 * output goes to one producer. Input offsets are committed at least once: only after every
 * record produced from them is acknowledged (see offset-commits.ts).
 */
import { silentLogger, systemClock, type Clock, type Logger } from '../../core/index.js';
import type { Serde } from '../serde/index.js';
import type {
  ReadOnlyKeyValueStore,
  ReadOnlySessionStore,
  ReadOnlyWindowStore,
} from '../state/index.js';

import { buildAppParts, type AppParts } from './app-parts.js';
import type { StoreLag } from './app-stores.js';
import { storeKeyOwner, type KeyMetadata } from './key-metadata.js';
import { ProcessingLoop } from './processing-loop.js';
import type { RunnableTopology } from './runnable-topology.js';
import { installShutdownSignals, type SignalHandlers } from './shutdown-signals.js';
import { appStateDirectory, cleanUpAppState, StateCleaner } from './state-cleaner.js';
import type { CloseOptions, StreamsAppOptions, StreamsMetrics } from './streams-app-options.js';
import { asError, StreamsError } from './streams-error.js';
import {
  parseStreamsConfig,
  type ResolvedStreamsConfig,
  type StreamsConfig,
} from './streams-config.js';
import { StreamsStateMachine, type StateListener, type StreamsState } from './streams-state.js';

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
  private readonly parts: AppParts;
  private readonly stop = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private signals: SignalHandlers | undefined;
  private failure: Error | undefined;
  private cleanup: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private driver: ProcessingLoop | undefined;

  constructor(
    private readonly topology: RunnableTopology,
    config: StreamsConfig,
    private readonly options: StreamsAppOptions = {},
  ) {
    this.config = parseStreamsConfig(config);
    this.logger = (options.logger ?? silentLogger).child({ app: this.config.applicationId });
    this.clock = options.clock ?? systemClock;
    this.machine = new StreamsStateMachine(this.logger);
    this.parts = buildAppParts(topology, this.config, {
      logger: this.logger,
      clock: this.clock,
      failed: () => this.failure !== undefined,
      stopping: () => this.stop.signal.aborted,
      fail: (err) => {
        this.fail(asError(err));
      },
      rebalancing: () => {
        if (this.state === 'RUNNING') this.machine.moveTo('REBALANCING');
      },
      running: () => {
        // A failure meanwhile aborted `stop`.
        if (!this.stop.signal.aborted) this.machine.moveTo('RUNNING');
      },
    });
    for (const warning of topology.warnings ?? []) this.logger.warn({}, warning);
  }

  /** The current state. */
  get state(): StreamsState {
    return this.machine.state;
  }

  /** Why the app is in `ERROR`, if it is. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** The standby tasks this instance keeps warm now (`num.standby.replicas`). */
  get standbyTasks(): string[] {
    return this.parts.standbys.taskNames;
  }

  /** The tasks this instance runs now, e.g. `['0_0', '0_3', '1_0']`. */
  get tasks(): string[] {
    return this.parts.registry.taskNames;
  }

  /** Counters since start. */
  get metrics(): StreamsMetrics {
    const p = this.parts;
    const produced = p.collector.stats;
    const commits = p.commits.stats;
    const { deadLettered, ...errors } = p.errors.counters;
    return {
      recordsProcessed: this.driver?.processed ?? 0,
      recordsProduced: produced.sent,
      recordsPending: p.collector.pending,
      recordsCommitted: commits.records,
      commits: commits.commits,
      commitsFailed: commits.failed,
      errors,
      deadLettered,
      rebalances: p.assignment.rebalances,
      activeTasks: p.registry.size,
      storesRestored: p.stores.stats.restores + p.standbys.stats.storesCaughtUp,
      recordsRestored: p.stores.stats.records + p.standbys.stats.tailRecords,
      standbyTasks: p.standbys.stats.tasks,
      standbyRecords: p.standbys.stats.records,
    };
  }

  /**
   * The key-value store `name` of this instance's tasks, for interactive queries: a key held by
   * another instance is absent here (see `metadataForKey`). While a store restores, reads see
   * what is restored so far; {@link StreamsApp.storeLag} says how far behind that is.
   */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return this.parts.stores.keyValue(name);
  }

  /** The window store `name` of this instance's tasks (see {@link StreamsApp.store}). */
  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return this.parts.stores.window(name);
  }

  /** The session store `name` of this instance's tasks (see {@link StreamsApp.store}). */
  sessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    return this.parts.stores.session(name);
  }

  /** The port of the interactive-query HTTP endpoint, once started (`application.server`). */
  get queryPort(): number | undefined {
    return this.parts.clients.queryPort;
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
    const admin = this.parts.clients.admin;
    if (admin === undefined) return undefined;
    const appId = this.config.applicationId;
    return storeKeyOwner(admin, this.topology, appId, name, keySerde.serialize.bind(keySerde), key);
  }

  /** How many changelog records each local instance of store `name` still has to restore. */
  storeLag(name: string): StoreLag[] {
    return this.parts.stores.lag(name);
  }

  /**
   * Calls `listener(next, previous, error?)` on every state change; returns a function that
   * removes it.
   */
  onStateChange(listener: StateListener): () => void {
    return this.machine.listen(listener);
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
      await this.parts.clients.connect({
        ...this.parts,
        config: this.config,
        topology: this.topology,
        signal: this.stop.signal,
      });
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
    // Compares the app's clock with file times: epoch ms (the system clock by default).
    const cleaner = new StateCleaner(
      appStateDirectory(this.config.stateDir, this.config.applicationId),
      this.config.stateCleanupDelayMs,
      this.logger,
      this.clock.now(),
    );
    const driver = new ProcessingLoop({
      ...this.parts,
      housekeeping: (nowMs) => {
        this.parts.assignment.retryPending();
        cleaner.maybeClean(nowMs);
      },
      clock: this.clock,
      commitIntervalMs: this.config.commitIntervalMs,
      maxPendingRecords: this.config.maxPendingRecords,
      signal: this.stop.signal,
      failed: () => this.failure !== undefined,
      fail: (err) => {
        this.fail(asError(err));
      },
    });
    this.driver = driver;
    this.timer = setInterval(() => {
      driver.tick();
    }, this.options.tickMs ?? 100);
    this.loop = driver.run();
  }

  /**
   * Deletes this app's local state, `<state.dir>/<application.id>` (Kafka's
   * `KafkaStreams#cleanUp()`): its stores then restore from their changelogs at the next start.
   * Only before `start()` or after `close()` (or a failure): throws a `StreamsError` while the
   * app runs, and a `TaskDirectoryLockedError` (deleting nothing) while another instance holds
   * one of its task directories.
   *
   * @example
   * ```ts
   * const app = new StreamsApp(topology, config);
   * app.cleanUp(); // a reset: start from the changelogs
   * await app.start();
   * ```
   */
  cleanUp(): void {
    const state = this.state;
    if (state !== 'CREATED' && state !== 'NOT_RUNNING' && state !== 'ERROR')
      throw new StreamsError(
        `cleanUp() needs state CREATED, NOT_RUNNING or ERROR, the app is ${state}`,
      );
    cleanUpAppState(appStateDirectory(this.config.stateDir, this.config.applicationId));
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
    if (commit) await this.parts.commits.commit();
    this.parts.registry.closeAll();
    await this.parts.standbys.close();
    await this.parts.clients.close();
    this.signals?.remove();
  }
}
