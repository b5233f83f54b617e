/**
 * The state stores of one task: built from the sub-topology's store builders when the task is
 * created, each with a changelog writer that sends every change to partition `task.partition`
 * of `<application.id>-<store>-changelog` through the task's record collector (the same path as
 * its output, so the commit's flush covers the changelog too), closed with the task.
 *
 * Persistent stores live in the task's directory (`<state.dir>/<application.id>/<task>`) with
 * the task's checkpoint file: at creation the checkpoint says where each store's restore starts
 * (no checkpoint: the store is wiped and restored from the start); on every commit the task
 * flushes its stores (the record cache first, then the stores to disk) and, once the changelog
 * records are acknowledged, writes the checkpoint anew (see task-checkpoint.ts).
 */
import type { Logger } from '../../core/index.js';
import {
  lockTaskDirectory,
  StateStoreError,
  taskDirectory,
  type TaskDirectoryLock,
  type BuiltStore,
  type StateStore,
  type StoreBuilder,
} from '../state/index.js';

import type { RecordContext } from './processor.js';
import { resolveTopic } from './runnable-topology.js';
import { StoreCoverage } from './store-checkpoints.js';
import type { TaskEnvironment, TaskId, TaskStore } from './task.js';
import { taskName } from './task.js';
import { readCheckpoint, writeCheckpoint, type CheckpointEntry } from './task-checkpoint.js';

/**
 * `<name>-changelog`: the changelog topic of store `name`, before the application id prefix.
 *
 * @example
 * ```ts
 * changelogTopicName('counts'); // 'counts-changelog' → topic 'my-app-counts-changelog'
 * ```
 */
export function changelogTopicName(store: string): string {
  return `${store}-changelog`;
}

/** What the stores need from their task. */
export interface TaskStoreHost {
  readonly id: TaskId;
  readonly env: TaskEnvironment;
  readonly logger: Logger;
  /** The input being processed, for the changelog record's timestamp and origin. */
  recordContext(): RecordContext | undefined;
  readonly streamTimeMs: number;
  /** Runs a cache flush as the task's work (its forwarded records reach its sinks). */
  flushing?(flush: () => void): void;
}

/** A store, its changelog topic and its coverage (set when it is persistent and logged). */
interface HeldStore {
  readonly store: TaskStore;
  readonly topic: string;
  readonly tracking: { coverage: StoreCoverage | undefined };
}

/**
 * Builds and holds a task's stores.
 *
 * @example
 * ```ts
 * const stores = new TaskStores(plan.stores, host);
 * stores.get('counts', 'count-node', ['counts']);
 * ```
 */
export class TaskStores {
  readonly list: readonly TaskStore[];
  private readonly byName: ReadonlyMap<string, TaskStore>;
  private readonly held: readonly HeldStore[];
  private readonly dir: string;
  private readonly partition: number;
  private readonly logger: Logger;
  /** The task directory's lock, taken when the first persistent store opens its files. */
  private lock: TaskDirectoryLock | undefined;

  constructor(builders: readonly StoreBuilder[], host: TaskStoreHost) {
    const { env, id } = host;
    this.dir = taskDirectory(env.stateDir, env.applicationId, taskName(id));
    this.partition = id.partition;
    this.logger = host.logger;
    const claim =
      env.lockTaskDirectories === true
        ? () => {
            this.lock ??= lockTaskDirectory(this.dir);
          }
        : undefined;
    const held: HeldStore[] = [];
    try {
      for (const b of builders) held.push(build(b, host, claim));
    } catch (err) {
      // A locked directory (or a store failing to open): the task is not created.
      for (const h of held) h.store.built.store.close();
      this.lock?.release();
      throw err;
    }
    this.held = this.withCheckpoint(held);
    this.list = this.held.map((h) => h.store);
    this.byName = new Map(this.list.map((s) => [s.name, s]));
  }

  /** The store `name` for node `node`, which must be connected to it. */
  get(name: string, node: string, connected: readonly string[]): StateStore {
    const store = this.byName.get(name);
    if (store === undefined || !connected.includes(name))
      throw new StateStoreError(
        `processor ${node} is not connected to state store ${name} ` +
          `(connected: ${connected.join(', ') || 'none'}); add it with addStateStore or the stores option`,
        { store: name },
      );
    return store.built.store;
  }

  /**
   * Flushes every store (on commit, before the record collector's flush): cached updates go to
   * the changelog, persistent stores to disk.
   */
  flush(): void {
    for (const h of this.held) {
      h.store.built.store.flush();
      h.tracking.coverage?.flushed();
    }
  }

  /**
   * Writes the task's checkpoint (on commit, once the changelog records sent before the last
   * {@link TaskStores.flush} are acknowledged). Nothing to write without persistent stores.
   */
  checkpoint(): void {
    const offsets: CheckpointEntry[] = [];
    for (const h of this.held) {
      const offset = h.tracking.coverage?.offset ?? -1;
      if (offset >= 0) offsets.push({ topic: h.topic, partition: this.partition, offset });
    }
    if (offsets.length === 0) return;
    try {
      writeCheckpoint(this.dir, offsets);
    } catch (err) {
      // The old checkpoint stays: a later restore replays a longer tail, which is idempotent.
      this.logger.warn({ dir: this.dir, err }, 'writing the checkpoint failed; it lags');
    }
  }

  /** Closes every store; returns the first failure. */
  close(): unknown {
    let failure: unknown;
    for (const s of this.list) {
      try {
        s.built.store.close();
      } catch (err) {
        failure ??= err;
      }
    }
    this.lock?.release();
    return failure;
  }

  /**
   * Reads the checkpoint for the persistent logged stores: each restores from its offset, or is
   * wiped and restored from the start when the checkpoint does not name it.
   */
  private withCheckpoint(held: HeldStore[]): HeldStore[] {
    const persistent = held.filter(
      (h) => h.store.built.store.persistent && h.store.changelogTopic !== undefined,
    );
    if (persistent.length === 0) return held;
    const read = readCheckpoint(this.dir);
    if (read.kind === 'corrupt')
      this.logger.warn(
        { dir: this.dir, reason: read.reason },
        'unreadable checkpoint: persistent stores restore from scratch',
      );
    const found = read.kind === 'found' ? read.offsets : [];
    return held.map((h) => {
      if (!persistent.includes(h)) return h;
      const at = found.find((o) => o.topic === h.topic && o.partition === this.partition)?.offset;
      if (at === undefined) {
        h.store.built.wipe();
        this.logger.info({ store: h.store.name, dir: this.dir }, 'no checkpoint: store wiped');
      }
      const coverage = new StoreCoverage(at ?? -1);
      h.tracking.coverage = coverage;
      const built: BuiltStore = {
        ...h.store.built,
        checkpointOffset: () => at,
        checkpoint: (offset) => {
          coverage.restored(offset);
        },
      };
      return { ...h, store: { ...h.store, built } };
    });
  }
}

function build(
  builder: StoreBuilder,
  host: TaskStoreHost,
  claim: (() => void) | undefined,
): HeldStore {
  const { env, id } = host;
  const topic = resolveTopic(
    { name: changelogTopicName(builder.name), internal: true },
    env.applicationId,
  );
  // Set once the store is known to be persistent: only those track acknowledged offsets.
  const tracking: HeldStore['tracking'] = { coverage: undefined };
  const changelog = {
    write: (key: Buffer, value: Buffer | null): void => {
      const ctx = host.recordContext();
      const origin =
        ctx === undefined
          ? undefined
          : { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
      const tracked = tracking.coverage;
      const seq = tracked?.written() ?? 0;
      env.collector.send(
        {
          topic,
          partition: id.partition,
          key,
          value,
          headers: {},
          timestamp: ctx?.timestamp ?? Math.max(0, host.streamTimeMs),
          ...(tracked === undefined
            ? {}
            : {
                onDelivered: (offset: number) => {
                  tracked.delivered(seq, offset);
                },
              }),
        },
        origin,
      );
    },
  };
  const built: BuiltStore = builder.build({
    applicationId: env.applicationId,
    taskName: taskName(id),
    partition: id.partition,
    changelogTopic: topic,
    changelog,
    defaultKeySerde: env.defaultKeySerde,
    defaultValueSerde: env.defaultValueSerde,
    stateDir: env.stateDir,
    defaultDslStore: env.defaultDslStore,
    claimTaskDirectory: claim,
    cache: env.recordCache,
    cacheFlushScope:
      host.flushing === undefined
        ? undefined
        : (flush: () => void) => {
            host.flushing?.(flush);
          },
    logger: host.logger,
  });
  const store: TaskStore = {
    name: builder.name,
    kind: builder.kind,
    changelogTopic: builder.loggingEnabled ? topic : undefined,
    built,
  };
  return { store, topic, tracking };
}
