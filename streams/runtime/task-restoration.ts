/**
 * Restoration off the rebalance path, as Kafka Streams does it: newly assigned tasks start in
 * RESTORING (created, stores empty, processors not created, their input partitions paused in
 * the consumer), so the rebalance callback returns at once and the group's rebalance is never
 * held up by a long restore. In the background, one batch at a time, each batch's stores are
 * restored from their changelogs and the committed partition times are read; then each task
 * still assigned is initialized (its processors' `init()` sees the restored stores) and its
 * partitions resumed. A task revoked while it restores is closed when its batch is done, since
 * its stores are being written by the restore until then. A restore cut short because the app
 * stops (its tasks closed, its reader aborted) is not reported as a failure.
 */
import type { Logger } from '../../core/index.js';

import type { Task } from './task.js';
import { taskName } from './task.js';

/** What the restoration needs of the app. */
export interface RestorationHost {
  /** Restores the logged stores of `tasks` (the app's StateRestorer). */
  restore(tasks: readonly Task[]): Promise<void>;
  /** The committed partition times of each task's inputs (full topic name → ms). */
  partitionTimes(tasks: readonly Task[]): Promise<Map<Task, Map<string, number>>>;
  /** Whether `task` is still assigned to this instance. */
  isLive(task: Task): boolean;
  /** The task is initialized: let its partitions be fetched. */
  ready(task: Task): void;
  /** Closes a task that was revoked while it restored. */
  close(task: Task): void;
  /** Every task is restored (the app may report RUNNING). */
  idle(): void;
  fail(err: unknown): void;
  /** Whether the app is stopping: a restore cut short then is no failure. */
  stopping(): boolean;
}

/**
 * The tasks of one app instance waiting for their stores.
 *
 * @example
 * ```ts
 * const restoration = new TaskRestoration(host, logger);
 * restoration.start(registry.assign(partitions)); // in onAssigned: returns at once
 * ```
 */
export class TaskRestoration {
  private readonly pending = new Set<Task>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: RestorationHost,
    private readonly logger: Logger,
  ) {}

  /** Whether a task is still restoring. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Whether `task` is waiting for its stores. */
  isRestoring(task: Task): boolean {
    return this.pending.has(task);
  }

  /** Queues the restoration of `tasks` (created, not initialized) behind the ones before. */
  start(tasks: readonly Task[]): void {
    if (tasks.length === 0) {
      if (!this.busy) this.host.idle();
      return;
    }
    for (const t of tasks) this.pending.add(t);
    this.chain = this.chain.then(() => this.run(tasks));
  }

  /** Resolves once every queued restoration is done. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async run(tasks: readonly Task[]): Promise<void> {
    const live = tasks.filter((t) => this.host.isLive(t));
    try {
      if (live.length > 0) {
        await this.host.restore(live);
        const times = await this.host.partitionTimes(live);
        for (const task of live) {
          if (!this.host.isLive(task)) continue;
          task.initialize?.(times.get(task));
          this.host.ready(task);
          this.logger.debug({ task: taskName(task.id) }, 'task restored and running');
        }
      }
    } catch (err) {
      if (!this.host.stopping()) this.host.fail(err);
    } finally {
      for (const task of tasks) {
        this.pending.delete(task);
        if (!this.host.isLive(task)) this.host.close(task);
      }
      if (!this.busy) this.host.idle();
    }
  }
}
