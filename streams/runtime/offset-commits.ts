/**
 * At-least-once commits: flush the tasks' stores (the record cache writes its updates to the
 * changelog, persistent stores reach the disk), take the processed offsets, wait until every
 * record sent so far is acknowledged, write the tasks' checkpoints, and only then commit those
 * offsets. Since a task processes synchronously, every
 * output of a processed record is in the collector when the offsets are read, so the flush that
 * starts right after covers it. Commits run one at a time, in order.
 *
 * After a commit, consumed records of repartition topics are deleted (as Kafka Streams purges
 * them), at most every `purgeIntervalMs`.
 */
import type { Logger, TopicPartitionOffset } from '../../core/index.js';

import type { RecordCollector } from './record-collector.js';
import type { TaskRegistry } from './task-registry.js';

/** What the commits need from the app. */
export interface OffsetCommitsOptions {
  readonly registry: TaskRegistry;
  readonly collector: Pick<RecordCollector, 'flush'>;
  /** Commits offsets for the group (the consumer's `commit`). */
  readonly commit: (offsets: readonly TopicPartitionOffset[]) => Promise<void>;
  /** False once the app failed: nothing more is committed. */
  readonly canCommit: () => boolean;
  /** Deletes records below the offsets (Admin.deleteRecords, grouped by topic). */
  readonly purge?: (topic: string, before: ReadonlyMap<number, number>) => Promise<unknown>;
  /** Repartition topics (full names) this app reads. */
  readonly repartitionTopics: ReadonlySet<string>;
  /** -1: never purge. */
  readonly purgeIntervalMs: number;
  readonly nowMs: () => number;
  readonly logger: Logger;
}

/** Commit counters. */
export interface CommitStats {
  readonly commits: number;
  readonly failed: number;
  /** Input records whose offsets have been committed. */
  readonly records: number;
}

/**
 * The commits of one app.
 *
 * @example
 * ```ts
 * const commits = new OffsetCommits({ registry, collector, commit: (o) => consumer.commit(o), ... });
 * await commits.commit(); // flush, then commit what was processed before the flush
 * ```
 */
export class OffsetCommits {
  private chain: Promise<unknown> = Promise.resolve();
  private running = 0;
  private lastPurgeMs: number;
  private readonly purged = new Map<string, number>();
  private counts = { commits: 0, failed: 0, records: 0 };

  constructor(private readonly options: OffsetCommitsOptions) {
    this.lastPurgeMs = options.nowMs();
  }

  get stats(): CommitStats {
    return { ...this.counts };
  }

  /** Whether a commit is queued or running. */
  get busy(): boolean {
    return this.running > 0;
  }

  /**
   * Flushes the collector, then commits what was processed before the flush began. Resolves
   * true when offsets were committed; a failed commit is logged and resolves false.
   */
  commit(): Promise<boolean> {
    this.running++;
    const run = async (): Promise<boolean> => {
      const o = this.options;
      // Cached updates reach the changelog and stores reach the disk before the flush below,
      // so the acknowledged changelog covers the stores' checkpoints and the offsets.
      const tasks = o.registry.all;
      for (const task of tasks) task.flushStores?.();
      const offsets = o.registry.uncommitted();
      await o.collector.flush();
      if (o.canCommit()) for (const task of tasks) task.checkpointStores?.();
      if (offsets.length === 0 || !o.canCommit()) return false;
      try {
        await o.commit(offsets);
      } catch (err) {
        this.counts.failed++;
        o.logger.warn({ err }, 'offset commit failed; the next commit retries');
        return false;
      }
      this.counts.commits++;
      this.counts.records += o.registry.markCommitted(offsets);
      this.maybePurge();
      return true;
    };
    const result = this.chain.then(run, run).finally(() => {
      this.running--;
    });
    this.chain = result.catch(() => undefined);
    return result;
  }

  private maybePurge(): void {
    const o = this.options;
    const purge = o.purge;
    if (purge === undefined || o.purgeIntervalMs < 0 || o.repartitionTopics.size === 0) return;
    const now = o.nowMs();
    if (now - this.lastPurgeMs < o.purgeIntervalMs) return;
    this.lastPurgeMs = now;
    const byTopic = new Map<string, Map<number, number>>();
    for (const c of o.registry.committedOf(o.repartitionTopics)) {
      const k = `${c.topic}\u0000${c.partition}`;
      if ((this.purged.get(k) ?? 0) >= c.offset) continue;
      this.purged.set(k, c.offset);
      const m = byTopic.get(c.topic) ?? new Map<number, number>();
      m.set(c.partition, c.offset);
      byTopic.set(c.topic, m);
    }
    for (const [topic, before] of byTopic)
      void purge(topic, before).catch((err: unknown) => {
        o.logger.debug({ topic, err }, 'purging a repartition topic failed');
      });
  }
}
