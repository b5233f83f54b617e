/**
 * Standby replicas (`num.standby.replicas`): warm copies of other instances' tasks. A standby
 * task has the task's stores and no processors (it is created and never initialized); one
 * consumer without a group reads the changelog partitions of every standby task's logged stores
 * and applies them, remembering how far each store got. When the assignor makes this instance
 * a standby task's active owner, the task registry adopts the standby's task (stores and all)
 * and the restore reads only the changelog's tail, from where the standby was, to its end.
 *
 * A reader that fails (the connection, a fetch) is logged and restarted on its own after a
 * backoff (100 ms doubling to 10 s, back to 100 ms once it reads again), from the positions it
 * had: a standby never stays silently behind until the next change of the standby set.
 */
import type { Consumer, ConsumerRecord, Logger } from '../../core/index.js';
import { TaskDirectoryLockedError } from '../state/index.js';

import type { ChangelogReader } from './state-restorer.js';
import { parseTaskName, taskName, type Task, type TaskId, type TaskStore } from './task.js';

/** A standby task: its (never initialized) task and each logged store's next changelog offset. */
interface Standby {
  readonly task: Task;
  readonly positions: Map<string, number>;
}

/** What standbys need of the app. */
export interface StandbyHost {
  /** Creates task `id` (with its stores, not initialized). */
  createTask(id: TaskId): Task;
  readonly logger: Logger;
  /** Waits `ms` (the reader's restart backoff); resolves early (or rejects) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Counters of the standbys. */
export interface StandbyStats {
  /** Standby tasks held now. */
  readonly tasks: number;
  /** Changelog records standbys applied while standing by. */
  readonly records: number;
  /** Changelog records read to catch a promoted standby up (its restore). */
  readonly tailRecords: number;
  /** Stores of promoted standbys caught up. */
  readonly storesCaughtUp: number;
  /** Times the changelog reader failed and was restarted. */
  readonly readerRestarts: number;
}

function logged(task: Task): TaskStore[] {
  return (task.stateStores ?? []).filter((s) => s.changelogTopic !== undefined);
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** The standby reader's restart backoff after a failure: doubling from the min to the max. */
const READER_BACKOFF_MIN_MS = 100;
const READER_BACKOFF_MAX_MS = 10_000;

/**
 * The standby tasks of one app instance.
 *
 * @example
 * ```ts
 * const standbys = new StandbyTasks({ createTask: (id) => topology.createTask(id, env(id)), logger, sleep });
 * standbys.connect(reader, () => new Consumer({ bootstrap, clientId: 'app-standby-consumer' }));
 * await standbys.update(['0_1']);
 * const task = standbys.take({ subtopology: 0, partition: 1 }); // promoted: becomes active
 * await standbys.catchUp([task]);
 * ```
 */
export class StandbyTasks {
  private readonly standbys = new Map<string, Standby>();
  /** Promoted standbys not caught up yet. */
  private readonly promoted = new Map<Task, Standby>();
  private reader: ChangelogReader | undefined;
  private newConsumer: (() => Consumer) | undefined;
  private loop: { readonly stop: AbortController; readonly done: Promise<void> } | undefined;
  private counts = { records: 0, tailRecords: 0, storesCaughtUp: 0, readerRestarts: 0 };
  private updates: Promise<void> = Promise.resolve();

  constructor(private readonly host: StandbyHost) {}

  get stats(): StandbyStats {
    return { tasks: this.standbys.size, ...this.counts };
  }

  /** The names of the standby tasks held now. */
  get taskNames(): string[] {
    return [...this.standbys.keys()].sort();
  }

  /** Starts reading through the app's clients (once connected). */
  connect(reader: ChangelogReader, newConsumer: () => Consumer): void {
    this.reader = reader;
    this.newConsumer = newConsumer;
  }

  /**
   * Makes `names` the standby tasks: creates the new ones (reading their changelogs from the
   * start), closes the ones no longer wanted, and restarts the changelog reader on the new set.
   */
  update(names: readonly string[]): Promise<void> {
    const run = async (): Promise<void> => {
      const wanted = new Set(names);
      const same =
        wanted.size === this.standbys.size && [...wanted].every((n) => this.standbys.has(n));
      if (same) return;
      await this.stopLoop();
      for (const [name, s] of this.standbys)
        if (!wanted.has(name)) {
          this.standbys.delete(name);
          this.closeStandby(s);
        }
      for (const name of wanted) {
        const id = parseTaskName(name);
        if (id === undefined || this.standbys.has(name)) continue;
        const task = this.createStandby(id);
        if (task === undefined) continue;
        if (logged(task).length === 0) {
          task.close(); // a stateless task has nothing to keep warm
          continue;
        }
        // A persistent store goes on from its checkpoint (a task directory left from before).
        const positions = new Map<string, number>();
        for (const store of logged(task)) {
          const at = store.built.checkpointOffset();
          if (at !== undefined) positions.set(store.name, at);
        }
        this.standbys.set(name, { task, positions });
      }
      this.host.logger.info({ standby: this.taskNames }, 'standby tasks');
      this.startLoop();
    };
    this.updates = this.updates.then(run, run);
    return this.updates;
  }

  /**
   * A standby task for `id`; undefined while its state directory is locked by another owner (a
   * standby is a warm copy only: the next assignment tries again).
   */
  private createStandby(id: TaskId): Task | undefined {
    try {
      return this.host.createTask(id);
    } catch (err) {
      if (!(err instanceof TaskDirectoryLockedError)) throw err;
      this.host.logger.info({ task: taskName(id), err }, 'standby skipped: task directory locked');
      return undefined;
    }
  }

  /**
   * Hands standby task `id` over to become active (undefined when it is not a standby here);
   * its stores keep what they read, and {@link StandbyTasks.catchUp} reads the rest.
   */
  take(id: TaskId): Task | undefined {
    const name = taskName(id);
    const s = this.standbys.get(name);
    if (s === undefined) return undefined;
    this.standbys.delete(name);
    this.promoted.set(s.task, s);
    return s.task;
  }

  /** Whether `task` came from a standby and still needs {@link StandbyTasks.catchUp}. */
  isPromoted(task: Task): boolean {
    return this.promoted.has(task);
  }

  /**
   * Reads the changelog tails of promoted standby tasks: from where each store's standby got to
   * the end offset now (the active task's restore, without replaying what the standby had).
   */
  async catchUp(tasks: readonly Task[]): Promise<void> {
    const reader = this.reader;
    const taken = tasks.flatMap((t) => {
      const s = this.promoted.get(t);
      return s === undefined ? [] : [s];
    });
    if (taken.length === 0 || reader === undefined) return;
    await this.updates;
    await this.stopLoop(); // no batch of a taken task is applied after this
    const ranges = [];
    const byKey = new Map<string, { store: TaskStore; end: number }>();
    for (const s of taken)
      for (const store of logged(s.task)) {
        const topic = store.changelogTopic ?? '';
        const partition = s.task.id.partition;
        const end = (await reader.endOffsets(topic, [partition])).get(partition) ?? 0;
        const from = s.positions.get(store.name) ?? 0;
        this.counts.storesCaughtUp++;
        if (from >= end) continue;
        byKey.set(key(topic, partition), { store, end });
        ranges.push({ topic, partition, from, to: end });
      }
    for (const s of taken) this.promoted.delete(s.task);
    this.startLoop();
    if (ranges.length === 0) return;
    await reader.read(ranges, (topic, partition, records) => {
      const job = byKey.get(key(topic, partition));
      if (job === undefined) return;
      const mine = records.filter((r) => r.offset < job.end);
      job.store.built.restore(mine);
      this.counts.tailRecords += mine.length;
    });
    for (const { store, end } of byKey.values()) store.built.checkpoint(end);
    this.host.logger.info({ records: this.counts.tailRecords }, 'promoted standby caught up');
  }

  /** Stops reading and closes every standby task. */
  async close(): Promise<void> {
    await this.updates.catch(() => undefined);
    await this.stopLoop();
    for (const s of this.standbys.values()) this.closeStandby(s);
    this.standbys.clear();
  }

  /**
   * The sum of each standby task's changelog positions (what it would not have to restore),
   * reported to the group leader so the standby stays here (see task-offset-sums.ts).
   */
  offsetSums(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const [name, s] of this.standbys)
      sums.set(
        name,
        logged(s.task).reduce((n, store) => n + (s.positions.get(store.name) ?? 0), 0),
      );
    return sums;
  }

  /** Closes a standby task; persistent stores write their data and checkpoint first. */
  private closeStandby(s: Standby): void {
    try {
      s.task.flushStores?.();
      s.task.checkpointStores?.();
    } catch (err) {
      this.host.logger.warn({ task: taskName(s.task.id), err }, 'standby checkpoint failed');
    }
    s.task.close();
  }

  private startLoop(): void {
    const newConsumer = this.newConsumer;
    if (this.standbys.size === 0 || newConsumer === undefined) return;
    const stores = new Map<string, { standby: Standby; store: TaskStore }>();
    for (const standby of this.standbys.values())
      for (const store of logged(standby.task))
        stores.set(key(store.changelogTopic ?? '', standby.task.id.partition), { standby, store });
    const stop = new AbortController();
    const stopped = (): boolean => stop.signal.aborted;
    const apply = (topic: string, partition: number, records: readonly ConsumerRecord[]) => {
      const target = stores.get(key(topic, partition));
      const last = records[records.length - 1];
      if (target === undefined || last === undefined) return;
      target.store.built.restore(records);
      target.standby.positions.set(target.store.name, last.offset + 1);
      target.store.built.checkpoint(last.offset + 1); // a persistent store checkpoints it on close
      this.counts.records += records.length;
    };
    const done = (async () => {
      let backoffMs = READER_BACKOFF_MIN_MS;
      while (!stopped()) {
        let consumer: Consumer | undefined;
        try {
          consumer = newConsumer();
          await consumer.connect();
          // From each store's position: a restarted reader goes on where the last one stopped.
          consumer.assign(
            [...stores.values()].map(({ standby, store }) => ({
              topic: store.changelogTopic ?? '',
              partition: standby.task.id.partition,
              offset: standby.positions.get(store.name) ?? 0,
            })),
          );
          while (!stopped()) {
            const batch = await consumer.poll(stop.signal);
            if (batch === undefined) continue;
            apply(batch.topic, batch.partition, batch.records);
            backoffMs = READER_BACKOFF_MIN_MS;
          }
        } catch (err) {
          if (stopped()) break;
          // A standby that stops reading falls behind silently: restart it on its own.
          this.counts.readerRestarts++;
          this.host.logger.warn(
            { err, standby: this.taskNames, retryInMs: backoffMs },
            'standby reader failed; restarting it',
          );
          await this.host.sleep(backoffMs, stop.signal).catch(() => undefined);
          backoffMs = Math.min(backoffMs * 2, READER_BACKOFF_MAX_MS);
        } finally {
          await consumer?.close().catch(() => undefined);
        }
      }
    })();
    this.loop = { stop, done };
  }

  private async stopLoop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    if (loop === undefined) return;
    loop.stop.abort();
    await loop.done;
  }
}
