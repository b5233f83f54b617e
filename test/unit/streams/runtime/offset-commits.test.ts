import { describe, expect, it } from 'vitest';

import {
  silentLogger,
  type ConsumerBatch,
  type ConsumerRecord,
  type TopicPartitionOffset,
} from '../../../../core/index.js';
import { OffsetCommits } from '../../../../streams/runtime/offset-commits.js';
import type { RunnableTopology } from '../../../../streams/runtime/runnable-topology.js';
import { TaskRegistry } from '../../../../streams/runtime/task-registry.js';
import type { Task, TaskId } from '../../../../streams/runtime/task.js';

/** A topology whose tasks remember what they processed (and, in `hooks`, store flushes and checkpoints). */
function recordingTopology(log: string[], hooks: string[] = []): RunnableTopology {
  return {
    subtopologies: [{ id: 0, sourceTopics: [{ name: 'in', internal: false }] }],
    internalTopics: [],
    createTask: (id: TaskId): Task => ({
      id,
      streamTimeMs: -1,
      process: (r: ConsumerRecord) => log.push(`${r.topic}-${r.partition}@${r.offset}`),
      punctuateWallClock: () => undefined,
      close: () => log.push(`close ${id.subtopology}_${id.partition}`),
      flushStores: () => hooks.push(`flush stores ${id.subtopology}_${id.partition}`),
      checkpointStores: () => hooks.push(`checkpoint ${id.subtopology}_${id.partition}`),
    }),
  };
}

function batch(topic: string, partition: number, from: number, count: number): ConsumerBatch {
  return {
    topic,
    partition,
    highWatermark: from + count,
    records: Array.from({ length: count }, (_, i) => ({
      topic,
      partition,
      offset: from + i,
      timestamp: 0,
      key: null,
      value: null,
      headers: [],
    })),
  };
}

/** A flush that resolves when the test says so. */
class ManualFlush {
  private waiting: (() => void)[] = [];

  flush = (): Promise<void> =>
    new Promise((resolve) => {
      this.waiting.push(resolve);
    });

  release(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(options: { fail?: boolean; repartition?: string[]; nowMs?: () => number } = {}) {
  const log: string[] = [];
  const hooks: string[] = [];
  const subtopologyOf = new Map([
    ['in', 0],
    ...(options.repartition ?? []).map((t) => [t, 0] as const),
  ]);
  const registry = new TaskRegistry(
    recordingTopology(log, hooks),
    subtopologyOf,
    () => ({}) as never,
    silentLogger,
  );
  const flush = new ManualFlush();
  const committed: TopicPartitionOffset[][] = [];
  const purged: [string, Map<number, number>][] = [];
  let failNext = options.fail ?? false;
  let allowed = true;
  const commits = new OffsetCommits({
    registry,
    collector: flush,
    commit: (offsets) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('REBALANCE_IN_PROGRESS'));
      }
      committed.push([...offsets]);
      hooks.push('commit');
      return Promise.resolve();
    },
    canCommit: () => allowed,
    purge: (topic, before) => {
      purged.push([topic, new Map(before)]);
      return Promise.resolve();
    },
    repartitionTopics: new Set(options.repartition ?? []),
    purgeIntervalMs: 0,
    nowMs: options.nowMs ?? (() => 0),
    logger: silentLogger,
  });
  return {
    log,
    hooks,
    registry,
    flush,
    committed,
    purged,
    commits,
    forbid: () => (allowed = false),
  };
}

describe('OffsetCommits', () => {
  it('flushes the stores before the collector flush and writes checkpoints after it, before the commit', async () => {
    const { registry, flush, hooks, commits } = setup();
    registry.process(batch('in', 0, 0, 3));
    const done = commits.commit();
    await tick();
    expect(hooks).toEqual(['flush stores 0_0']); // the collector's flush is still waiting
    flush.release();
    expect(await done).toBe(true);
    expect(hooks).toEqual(['flush stores 0_0', 'checkpoint 0_0', 'commit']);
  });

  it('writes no checkpoint once the app failed', async () => {
    const { registry, flush, hooks, commits, forbid } = setup();
    registry.process(batch('in', 0, 0, 1));
    const done = commits.commit();
    forbid();
    await tick();
    flush.release();
    expect(await done).toBe(false);
    expect(hooks).toEqual(['flush stores 0_0']);
  });

  it('commits, after the flush, exactly the offsets processed before the flush began', async () => {
    const { registry, flush, committed, commits } = setup();
    registry.process(batch('in', 0, 0, 3));
    const done = commits.commit();
    await tick();
    registry.process(batch('in', 0, 3, 2)); // while the flush waits
    expect(committed).toEqual([]);
    flush.release();
    expect(await done).toBe(true);
    expect(committed).toEqual([[{ topic: 'in', partition: 0, offset: 3 }]]);
    expect(commits.stats).toEqual({ commits: 1, failed: 0, records: 3 });
    const next = commits.commit();
    await tick();
    flush.release();
    await next;
    expect(committed[1]).toEqual([{ topic: 'in', partition: 0, offset: 5 }]);
    expect(commits.stats.records).toBe(5);
  });

  it('runs commits one at a time, in order', async () => {
    const { registry, flush, committed, commits } = setup();
    registry.process(batch('in', 0, 0, 1));
    const first = commits.commit();
    const second = commits.commit();
    expect(commits.busy).toBe(true);
    await tick();
    flush.release();
    await first;
    registry.process(batch('in', 0, 1, 1));
    await tick();
    flush.release();
    await second;
    expect(committed.map((c) => c[0]?.offset)).toEqual([1, 2]);
    expect(commits.busy).toBe(false);
  });

  it('logs a failed commit and retries those offsets with the next one', async () => {
    const { registry, flush, committed, commits } = setup({ fail: true });
    registry.process(batch('in', 1, 10, 5));
    const first = commits.commit();
    await tick();
    flush.release();
    expect(await first).toBe(false);
    const second = commits.commit();
    await tick();
    flush.release();
    expect(await second).toBe(true);
    expect(committed).toEqual([[{ topic: 'in', partition: 1, offset: 15 }]]);
    expect(commits.stats).toEqual({ commits: 1, failed: 1, records: 5 });
  });

  it('commits nothing once the app failed', async () => {
    const { registry, flush, committed, commits, forbid } = setup();
    registry.process(batch('in', 0, 0, 2));
    forbid();
    const done = commits.commit();
    await tick();
    flush.release();
    expect(await done).toBe(false);
    expect(committed).toEqual([]);
  });

  it('deletes committed records of repartition topics after a commit', async () => {
    const { registry, flush, purged, commits } = setup({ repartition: ['app-r-repartition'] });
    registry.process(batch('app-r-repartition', 2, 0, 4));
    registry.process(batch('in', 0, 0, 4));
    const done = commits.commit();
    await tick();
    flush.release();
    await done;
    expect(purged).toEqual([['app-r-repartition', new Map([[2, 4]])]]);
  });

  it('closes the tasks of released partitions and forgets their progress', () => {
    const { registry, log } = setup();
    registry.process(batch('in', 0, 0, 1));
    registry.process(batch('in', 1, 0, 1));
    expect(registry.taskNames).toEqual(['0_0', '0_1']);
    registry.release([{ topic: 'in', partition: 0 }]);
    expect(registry.taskNames).toEqual(['0_1']);
    expect(log).toContain('close 0_0');
    expect(registry.uncommitted()).toEqual([{ topic: 'in', partition: 1, offset: 1 }]);
  });
});
