/**
 * The collaborators of one {@link StreamsApp}, wired together: the group consumer (with the
 * streams assignor and the rebalance listeners), the clients, the record collector, the error
 * handling, the task registry, the global tables, the stores, the commits and the task
 * assignment. The app keeps only its lifecycle (states, start, close); it reaches these through
 * the {@link AppLifecycle} callbacks it hands in.
 */
import { FjordError, type Clock, type Consumer, type Logger } from '../../core/index.js';
import { RecordCache } from '../state/index.js';

import { AppClients } from './app-clients.js';
import { appErrorHandling, taskEnvironment } from './app-environment.js';
import { AppStores } from './app-stores.js';
import type { DefaultErrorHandling } from './default-error-handling.js';
import { GlobalStores, globalTablesOf } from './global-tables.js';
import { topicLayout } from './internal-topics.js';
import { OffsetCommits } from './offset-commits.js';
import { ProducerRecordCollector } from './producer-record-collector.js';
import type { RunnableTopology } from './runnable-topology.js';
import { streamsAssignor } from './streams-assignor.js';
import { createStreamsConsumer, createStreamsProducer } from './streams-clients.js';
import type { ResolvedStreamsConfig } from './streams-config.js';
import { TaskAssignment } from './task-assignment.js';
import { taskOffsetSums } from './task-offset-sums.js';
import { StandbyTasks } from './standby-tasks.js';
import { TaskRegistry } from './task-registry.js';

/** What the parts tell the app, and ask of it. */
export interface AppLifecycle {
  readonly logger: Logger;
  readonly clock: Clock;
  failed(): boolean;
  /** Whether the app is stopping (closing or failed). */
  stopping(): boolean;
  fail(err: unknown): void;
  /** A rebalance began or took tasks away. */
  rebalancing(): void;
  /** Every assigned task is restored and processing. */
  running(): void;
}

/** The wired collaborators. */
export interface AppParts {
  readonly consumer: Consumer;
  readonly clients: AppClients;
  readonly collector: ProducerRecordCollector;
  readonly errors: DefaultErrorHandling;
  readonly registry: TaskRegistry;
  readonly globals: GlobalStores;
  readonly stores: AppStores;
  readonly commits: OffsetCommits;
  readonly assignment: TaskAssignment;
  readonly standbys: StandbyTasks;
  /** Full names of the topics the group consumer subscribes to. */
  readonly sourceTopics: readonly string[];
}

/**
 * Wires the parts of an app running `topology` with config `c`.
 *
 * @example
 * ```ts
 * const parts = buildAppParts(topology, parseStreamsConfig(config), lifecycle);
 * ```
 */
export function buildAppParts(
  topology: RunnableTopology,
  c: ResolvedStreamsConfig,
  app: AppLifecycle,
): AppParts {
  const { logger, clock } = app;
  const layout = topicLayout(topology, c.applicationId);
  // Late-bound: the consumer's listeners and the registry need the assignment made below.
  const late: { assignment?: TaskAssignment; offsetSums?: () => Map<string, number> } = {};
  const assignment = (): TaskAssignment => {
    if (late.assignment === undefined) throw new FjordError('the app is not wired yet');
    return late.assignment;
  };
  const consumer = createStreamsConsumer(
    c,
    streamsAssignor(layout.sourceTopics, c.numStandbyReplicas, {
      acceptableRecoveryLag: c.acceptableRecoveryLag,
      taskOffsetSums: () => late.offsetSums?.() ?? new Map(),
    }),
    {
      onRebalanceStart: () => {
        app.rebalancing();
      },
      onAssigned: (ps) => {
        assignment().assigned(ps);
      },
      onRevoked: (ps) => assignment().revoked(ps),
      onLost: (ps) => {
        assignment().lost(ps);
      },
    },
    logger,
  );
  const clients = new AppClients(consumer, createStreamsProducer(c, logger), logger);
  const holder: { errors?: DefaultErrorHandling } = {};
  const collector = new ProducerRecordCollector({
    producer: clients.producer,
    errors: () => {
      if (holder.errors === undefined) throw new FjordError('the app is not wired yet');
      return holder.errors;
    },
    onFatal: (err) => {
      app.fail(err);
    },
    deadLetterTopic: c.deadLetterQueueTopic,
    partitionCount: async (topic) => {
      const admin = clients.admin;
      if (admin === undefined) throw new FjordError(`${topic}: the app is not started`);
      return (await admin.describeTopic(topic)).partitions.length;
    },
  });
  const errors = appErrorHandling(c, logger, collector, clock);
  holder.errors = errors;
  const globals = new GlobalStores(globalTablesOf(topology), {
    ...(c.defaultKeySerde === undefined ? {} : { key: c.defaultKeySerde }),
    ...(c.defaultValueSerde === undefined ? {} : { value: c.defaultValueSerde }),
  });
  const recordCache = c.cacheMaxBytes > 0 ? new RecordCache(c.cacheMaxBytes) : undefined;
  const deps = { globals, collector, errors, logger, clock, recordCache };
  const standbys = new StandbyTasks({
    createTask: (id) => topology.createTask(id, taskEnvironment(c, id, deps)),
    logger,
    sleep: abortableSleep,
  });
  const registry = new TaskRegistry(
    topology,
    layout.subtopologyOf,
    (id) => taskEnvironment(c, id, deps),
    logger,
    { keepOpen: (task) => assignment().keepOpen(task), adopt: (id) => standbys.take(id) },
  );
  const stores = new AppStores(
    () => registry.all,
    logger,
    () => clock.now(),
  );
  const commits = new OffsetCommits({
    registry,
    collector,
    commit: (offsets) => consumer.commit(offsets),
    canCommit: () => !app.failed(),
    purge: (topic, before) => clients.admin?.deleteRecords(topic, before) ?? Promise.resolve(),
    repartitionTopics: layout.repartitionTopics,
    purgeIntervalMs: c.repartitionPurgeIntervalMs,
    nowMs: () => clock.now(),
    logger,
  });
  late.assignment = new TaskAssignment({
    consumer,
    registry,
    stores,
    commits,
    standbys,
    logger,
    failed: () => app.failed(),
    stopping: () => app.stopping(),
    fail: (err) => {
      app.fail(err);
    },
    rebalancing: () => {
      app.rebalancing();
    },
    running: () => {
      app.running();
    },
  });
  late.offsetSums = () =>
    taskOffsetSums({
      active: registry.taskNames,
      standby: standbys.offsetSums(),
      stateDir: c.stateDir,
      applicationId: c.applicationId,
    });
  const sourceTopics = [...layout.subtopologyOf.keys()];
  return {
    ...{ consumer, clients, collector, errors, registry, globals, stores, commits, standbys },
    assignment: late.assignment,
    sourceTopics,
  };
}

/** Waits `ms`, or less when `signal` aborts (the timer adapter of the standby reader's backoff). */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
