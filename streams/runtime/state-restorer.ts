/**
 * Restoration: before a newly assigned task processes, each of its logged stores replays its
 * changelog partition (the task's partition of `<application.id>-<store>-changelog`) from the
 * store's checkpoint (a persistent store's, see task-checkpoint.ts; else the beginning) up to the
 * end offset read when the restore began. Progress is logged (every 5 s of a long restore) and
 * kept per store, so interactive queries can say how far a store still is
 * behind (its lag) while it restores.
 */
import type { ConsumerRecord, Logger } from '../../core/index.js';

import type { Task, TaskStore } from './task.js';
import { taskName } from './task.js';

/** How often a long restore logs its progress. */
const PROGRESS_LOG_INTERVAL_MS = 5_000;

/** One changelog partition to read, from `from` (inclusive) to `to` (exclusive). */
export interface ChangelogRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

/** What restoration needs of the cluster (a restore consumer and an admin client). */
export interface ChangelogReader {
  /** The end offset (high watermark) of each partition of `topic` asked for. */
  endOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, number>>;
  /** Reads the ranges, handing each fetched batch to `onRecords`; resolves when all are read. */
  read(
    ranges: readonly ChangelogRange[],
    onRecords: (topic: string, partition: number, records: readonly ConsumerRecord[]) => void,
  ): Promise<void>;
}

/**
 * How far a store instance is restored.
 *
 * @example
 * ```ts
 * const p: RestoreProgress = { store: 'counts', task: '0_1', topic: 'app-counts-changelog', partition: 1, endOffset: 900, position: 450 };
 * ```
 */
export interface RestoreProgress {
  readonly store: string;
  readonly task: string;
  readonly topic: string;
  readonly partition: number;
  /** The changelog end offset when the restore began. */
  readonly endOffset: number;
  /** The next changelog offset to apply; the lag is `endOffset - position`. */
  position: number;
}

/** Counters of the restores done so far. */
export interface RestoreStats {
  readonly restores: number;
  readonly records: number;
}

/**
 * Restores tasks' stores.
 *
 * @example
 * ```ts
 * const restorer = new StateRestorer(reader, logger, () => Date.now());
 * await restorer.restore(newTasks); // then the tasks may process
 * ```
 */
export class StateRestorer {
  private readonly progressByKey = new Map<string, RestoreProgress>();
  private counts = { restores: 0, records: 0 };

  constructor(
    private readonly reader: ChangelogReader,
    private readonly logger: Logger,
    private readonly nowMs: () => number,
  ) {}

  get stats(): RestoreStats {
    return { ...this.counts };
  }

  /** The progress of store `store` in task `task`, while and after it restored. */
  progress(store: string, task: string): RestoreProgress | undefined {
    return this.progressByKey.get(`${store}\u0000${task}`);
  }

  /** Restores every logged store of `tasks`; resolves once all caught up to their end offsets. */
  async restore(tasks: readonly Task[]): Promise<void> {
    const jobs = tasks.flatMap((task) =>
      (task.stateStores ?? []).flatMap((store) =>
        store.changelogTopic === undefined ? [] : [{ task, store, topic: store.changelogTopic }],
      ),
    );
    if (jobs.length === 0) return;
    const started = this.nowMs();
    const byRange = new Map<string, { store: TaskStore; progress: RestoreProgress }>();
    const ranges: ChangelogRange[] = [];
    for (const { task, store, topic } of jobs) {
      const partition = task.id.partition;
      const ends = await this.reader.endOffsets(topic, [partition]);
      const end = ends.get(partition) ?? 0;
      const from = store.built.checkpointOffset() ?? 0;
      const progress: RestoreProgress = {
        store: store.name,
        task: taskName(task.id),
        topic,
        partition,
        endOffset: end,
        position: from,
      };
      this.progressByKey.set(`${store.name}\u0000${progress.task}`, progress);
      if (from >= end) continue;
      byRange.set(`${topic}\u0000${partition}`, { store, progress });
      ranges.push({ topic, partition, from, to: end });
    }
    this.counts.restores += jobs.length;
    if (ranges.length === 0) return;
    this.logger.info(
      { changelogs: ranges.map((r) => `${r.topic}-${r.partition}[${r.from},${r.to})`) },
      'restoring state stores',
    );
    const toRestore = ranges.reduce((n, r) => n + (r.to - r.from), 0);
    let restored = 0;
    let nextLogMs = started + PROGRESS_LOG_INTERVAL_MS;
    await this.reader.read(ranges, (topic, partition, records) => {
      const job = byRange.get(`${topic}\u0000${partition}`);
      if (job === undefined) return;
      const mine = records.filter((r) => r.offset < job.progress.endOffset);
      job.store.built.restore(mine);
      this.counts.records += mine.length;
      restored += mine.length;
      const last = mine[mine.length - 1];
      if (last !== undefined) job.progress.position = last.offset + 1;
      const now = this.nowMs();
      if (now >= nextLogMs) {
        nextLogMs = now + PROGRESS_LOG_INTERVAL_MS;
        // Offsets, not records: a compacted changelog has gaps, so this is an upper bound.
        this.logger.info(
          { restored, offsets: toRestore, ms: now - started },
          'restoring state stores: progress',
        );
      }
    });
    for (const { store, progress } of byRange.values()) {
      progress.position = progress.endOffset;
      store.built.checkpoint(progress.endOffset);
    }
    this.logger.info(
      { stores: byRange.size, records: this.counts.records, ms: this.nowMs() - started },
      'state stores restored',
    );
  }
}
