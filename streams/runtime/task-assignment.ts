/**
 * The app's side of the group's rebalances: partitions assigned become tasks that restore in the
 * background (see {@link TaskRestoration}) with their partitions paused; partitions revoked are
 * committed (with their partition times) and their tasks closed; partitions lost are closed
 * without a commit. The consumer's callbacks return promptly, so a restore never holds up the
 * group.
 */
import type { Consumer, Logger, TopicPartition } from '../../core/index.js';

import type { AppStores } from './app-stores.js';
import type { OffsetCommits } from './offset-commits.js';
import { decodePartitionTime } from './partition-time.js';
import type { StandbyTasks } from './standby-tasks.js';
import { decodeStandbyTasks } from './streams-assignor.js';
import type { TaskRegistry } from './task-registry.js';
import { TaskRestoration } from './task-restoration.js';
import type { Task } from './task.js';

/** What the assignment needs of the app. */
export interface AssignmentHost {
  readonly consumer: Consumer;
  readonly registry: TaskRegistry;
  readonly stores: AppStores;
  readonly commits: OffsetCommits;
  readonly standbys: StandbyTasks;
  readonly logger: Logger;
  /** Whether the app failed (it then commits nothing and starts no task). */
  failed(): boolean;
  /** Whether the app is stopping (closing or failed). */
  stopping(): boolean;
  fail(err: unknown): void;
  /** A rebalance took tasks away or is under way. */
  rebalancing(): void;
  /** Every assigned task is restored and processing. */
  running(): void;
}

/**
 * The rebalance listeners of a streams app.
 *
 * @example
 * ```ts
 * const assignment = new TaskAssignment(host);
 * createStreamsConsumer(config, assignor, { onAssigned: (ps) => assignment.assigned(ps), ... }, logger);
 * ```
 */
export class TaskAssignment {
  readonly restoration: TaskRestoration;
  private rebalanceCount = 0;

  constructor(private readonly host: AssignmentHost) {
    this.restoration = new TaskRestoration(
      {
        restore: async (tasks) => {
          // A promoted standby reads only its changelogs' tails; the others restore in full.
          const warm = tasks.filter((t) => host.standbys.isPromoted(t));
          const cold = tasks.filter((t) => !warm.includes(t));
          await Promise.all([host.stores.restore(cold), host.standbys.catchUp(warm)]);
        },
        partitionTimes: (tasks) => this.partitionTimes(tasks),
        isLive: (task) => host.registry.has(task),
        ready: (task) => {
          host.consumer.resume(host.registry.partitionsOf(task));
        },
        close: (task) => {
          host.registry.closeTask(task);
        },
        idle: () => {
          if (!host.failed()) host.running();
        },
        fail: (err) => {
          host.fail(err);
        },
        stopping: () => host.stopping(),
      },
      host.logger,
    );
  }

  /** Completed assignments so far. */
  get rebalances(): number {
    return this.rebalanceCount;
  }

  /** Whether `task` must stay open after its release (its restore is still running). */
  keepOpen(task: Task): boolean {
    return this.restoration.isRestoring(task);
  }

  /**
   * New tasks start restoring (standbys of them are adopted), their partitions paused until
   * they are initialized; the standby tasks the assignor named in the userData are kept warm.
   */
  assigned(partitions: readonly TopicPartition[]): void {
    if (this.host.failed()) return;
    const { registry, consumer, standbys } = this.host;
    const created = registry.assign(partitions);
    this.rebalanceCount++;
    consumer.pause([
      ...created.flatMap((t) => registry.partitionsOf(t)),
      ...registry.pendingPartitions,
    ]);
    this.restoration.start(created);
    const active = new Set(registry.taskNames);
    const wanted = decodeStandbyTasks(consumer.assignmentUserData()).filter((n) => !active.has(n));
    standbys.update(wanted).catch((err: unknown) => {
      this.host.fail(err);
    });
  }

  /**
   * Tries again to create the tasks whose state directory was locked (called on every tick);
   * those created restore, then resume their partitions, like newly assigned ones.
   */
  retryPending(): void {
    const { registry } = this.host;
    if (this.host.failed() || registry.pendingPartitions.length === 0) return;
    const created = registry.retryPending();
    if (created.length > 0) this.restoration.start(created);
  }

  /** Partitions leave in an orderly way: flush, commit, close their tasks. */
  async revoked(partitions: readonly TopicPartition[]): Promise<void> {
    this.host.rebalancing();
    if (!this.host.failed()) await this.host.commits.commit();
    this.host.registry.release(partitions);
  }

  /** Partitions were lost (another member may own them now): close their tasks, no commit. */
  lost(partitions: readonly TopicPartition[]): void {
    this.host.rebalancing();
    this.host.registry.release(partitions);
  }

  /** The partition times committed with the offsets of the tasks' input partitions. */
  private async partitionTimes(tasks: readonly Task[]): Promise<Map<Task, Map<string, number>>> {
    const { registry, consumer } = this.host;
    const byKey = new Map<string, Task>();
    const partitions = tasks.flatMap((task) =>
      registry.partitionsOf(task).map((tp) => {
        byKey.set(`${tp.topic}\u0000${tp.partition}`, task);
        return tp;
      }),
    );
    const result = new Map<Task, Map<string, number>>();
    for (const c of await consumer.committed(partitions)) {
      const task = byKey.get(`${c.topic}\u0000${c.partition}`);
      const ms = decodePartitionTime(c.metadata);
      if (task === undefined || ms === undefined) continue;
      const times = result.get(task) ?? new Map<string, number>();
      times.set(c.topic, ms);
      result.set(task, times);
    }
    return result;
  }
}
