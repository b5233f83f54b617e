import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../../../core/index.js';
import { TaskRestoration } from '../../../../streams/runtime/task-restoration.js';
import type { Task } from '../../../../streams/runtime/task.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function fakeTask(partition: number, events: string[]): Task {
  return {
    id: { subtopology: 0, partition },
    streamTimeMs: -1,
    process: () => undefined,
    punctuateWallClock: () => undefined,
    initialize: (times) => {
      events.push(`init 0_${partition} ${JSON.stringify([...(times ?? new Map())])}`);
    },
    close: () => {
      events.push(`close 0_${partition}`);
    },
  };
}

describe('TaskRestoration', () => {
  it('returns at once; initializes each live task after its stores restored, closes a revoked one then', async () => {
    const events: string[] = [];
    const restoring = deferred();
    const live = new Set<Task>();
    let idle = 0;
    const restoration = new TaskRestoration(
      {
        restore: async (tasks) => {
          events.push(`restore ${tasks.length}`);
          await restoring.promise;
          events.push('restored');
        },
        partitionTimes: (tasks) =>
          Promise.resolve(new Map(tasks.map((t) => [t, new Map([['in', 7]])]))),
        isLive: (t) => live.has(t),
        ready: (t) => events.push(`resume 0_${t.id.partition}`),
        close: (t) => {
          t.close();
        },
        idle: () => {
          idle++;
        },
        fail: (err) => {
          throw err;
        },
        stopping: () => false,
      },
      silentLogger,
    );
    const a = fakeTask(0, events);
    const b = fakeTask(1, events);
    live.add(a).add(b);
    restoration.start([a, b]); // what the rebalance callback calls: it does not wait
    expect(restoration.isRestoring(a)).toBe(true);
    expect(events).toEqual([]);
    await Promise.resolve();
    expect(events).toEqual(['restore 2']);
    live.delete(b); // revoked while restoring
    restoring.resolve();
    await restoration.settled();
    expect(events).toEqual([
      'restore 2',
      'restored',
      'init 0_0 [["in",7]]',
      'resume 0_0',
      'close 0_1',
    ]);
    expect(restoration.busy).toBe(false);
    expect(idle).toBe(1);
  });
});
