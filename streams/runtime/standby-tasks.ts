/**
 * Standby replicas (`num.standby.replicas`): warm copies of other instances' tasks. A standby
 * task has the task's stores and no processors (it is created and never initialized); one
 * consumer without a group reads the changelog partitions of every standby task's logged stores
 * and applies them, remembering how far each store got. When the assignor makes this instance
 * a standby task's active owner, the task registry adopts the standby's task (stores and all)
 * and the restore reads only the changelog's tail, from where the standby was, to its end.
 */
import type { Consumer, ConsumerRecord, Logger, TopicPartition } from '../../core/index.js';
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
}

function logged(task: Task): TaskStore[] {
  return (task.stateStores ?? []).filter((s) => s.changelogTopic !== undefined);
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The standby tasks of one app instance.
 *
 * @example
 * ```ts
 * const standbys = new StandbyTasks({ createTask: (id) => topology.createTask(id, env(id)), logger });
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
  private counts = { records: 0, tailRecords: 0, storesCaughtUp: 0 };
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
          s.task.close();
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
        this.standbys.set(name, { task, positions: new Map() });
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
    for (const s of this.standbys.values()) s.task.close();
    this.standbys.clear();
  }

  private startLoop(): void {
    const newConsumer = this.newConsumer;
    if (this.standbys.size === 0 || newConsumer === undefined) return;
    const stores = new Map<string, { standby: Standby; store: TaskStore }>();
    const partitions: (TopicPartition & { offset: number })[] = [];
    for (const standby of this.standbys.values())
      for (const store of logged(standby.task)) {
        const topic = store.changelogTopic ?? '';
        const partition = standby.task.id.partition;
        stores.set(key(topic, partition), { standby, store });
        partitions.push({ topic, partition, offset: standby.positions.get(store.name) ?? 0 });
      }
    const stop = new AbortController();
    const consumer = newConsumer();
    const apply = (topic: string, partition: number, records: readonly ConsumerRecord[]) => {
      const target = stores.get(key(topic, partition));
      const last = records[records.length - 1];
      if (target === undefined || last === undefined) return;
      target.store.built.restore(records);
      target.standby.positions.set(target.store.name, last.offset + 1);
      this.counts.records += records.length;
    };
    const done = (async () => {
      try {
        await consumer.connect();
        consumer.assign(partitions);
        while (!stop.signal.aborted) {
          const batch = await consumer.poll(stop.signal);
          if (batch !== undefined) apply(batch.topic, batch.partition, batch.records);
        }
      } catch (err) {
        if (!stop.signal.aborted) this.host.logger.warn({ err }, 'standby reader failed');
      } finally {
        await consumer.close().catch(() => undefined);
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
