import { describe, expect, it } from 'vitest';

import {
  FjordError,
  silentLogger,
  type Consumer,
  type ConsumerBatch,
  type ConsumerRecord,
  type Logger,
} from '../../../../core/index.js';
import { StandbyTasks } from '../../../../streams/runtime/standby-tasks.js';
import type { ChangelogReader } from '../../../../streams/runtime/state-restorer.js';
import type { Task, TaskId, TaskStore } from '../../../../streams/runtime/task.js';

const TOPIC = 'app-counts-changelog';

function record(offset: number): ConsumerRecord {
  const key = Buffer.from(`k${offset}`);
  return { topic: TOPIC, partition: 0, offset, timestamp: 0, key, value: key, headers: [] };
}

function batch(from: number, to: number): ConsumerBatch {
  const records = Array.from({ length: to - from }, (_, i) => record(from + i));
  return { topic: TOPIC, partition: 0, records, highWatermark: to };
}

/** A task with one logged store that remembers the offsets restored into it. */
function taskWithStore(id: TaskId, restored: number[]): Task {
  const store = {
    name: 'counts',
    kind: 'keyValue',
    changelogTopic: TOPIC,
    built: {
      restore: (records: readonly ConsumerRecord[]) => {
        restored.push(...records.map((r) => r.offset));
      },
      checkpointOffset: () => undefined,
      checkpoint: () => undefined,
      wipe: () => undefined,
    },
  } as unknown as TaskStore;
  return {
    id,
    streamTimeMs: -1,
    stateStores: [store],
    process: () => undefined,
    punctuateWallClock: () => undefined,
    close: () => undefined,
  };
}

/**
 * Scripted standby consumers: the n-th consumer created answers its polls from `scripts[n]`
 * (a batch, or an error to throw); once its script is spent a poll waits for its abort.
 */
function scriptedConsumers(scripts: (ConsumerBatch | Error)[][]) {
  const assigned: number[][] = [];
  const closed: boolean[] = [];
  let idle: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (idle = resolve));
  const newConsumer = (): Consumer => {
    const n = assigned.length;
    const script = [...(scripts[n] ?? [])];
    assigned.push([]);
    closed.push(false);
    return {
      connect: () => Promise.resolve(),
      assign: (ps: readonly { offset?: number }[]) => {
        assigned[n] = ps.map((p) => p.offset ?? -1);
      },
      poll: (signal?: AbortSignal) => {
        const next = script.shift();
        if (next instanceof Error) return Promise.reject(next);
        if (next !== undefined) return Promise.resolve(next);
        if (n === scripts.length - 1) idle();
        return new Promise<undefined>((resolve) => {
          signal?.addEventListener('abort', () => {
            resolve(undefined);
          });
        });
      },
      close: () => {
        closed[n] = true;
        return Promise.resolve();
      },
    } as unknown as Consumer;
  };
  return { newConsumer, assigned, closed, waiting };
}

function capturingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    ...silentLogger,
    warn: (_fields: unknown, msg: string) => {
      warnings.push(msg);
    },
    child: () => logger,
  };
  return logger;
}

const noReader: ChangelogReader = {
  endOffsets: () => Promise.resolve(new Map()),
  read: () => Promise.resolve(),
};

describe('StandbyTasks: a failing changelog reader', () => {
  it('is restarted on its own, with a growing backoff, from the positions it reached', async () => {
    const restored: number[] = [];
    const warnings: string[] = [];
    const sleeps: number[] = [];
    const standbys = new StandbyTasks({
      createTask: (id) => taskWithStore(id, restored),
      logger: capturingLogger(warnings),
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    const lost = new FjordError('fetch failed: connection reset');
    const consumers = scriptedConsumers([
      [batch(0, 3), lost], // reads 3 records, then fails
      [lost], // fails at once: the backoff doubles
      [batch(3, 5)], // reads on from offset 3
    ]);
    standbys.connect(noReader, consumers.newConsumer);
    await standbys.update(['0_0']);
    await consumers.waiting;

    expect(restored).toEqual([0, 1, 2, 3, 4]);
    expect(consumers.assigned).toEqual([[0], [3], [3]]);
    expect(consumers.closed).toEqual([true, true, false]);
    expect(sleeps).toEqual([100, 200]);
    expect(warnings).toEqual([
      'standby reader failed; restarting it',
      'standby reader failed; restarting it',
    ]);
    expect(standbys.stats).toMatchObject({ records: 5, readerRestarts: 2 });
    await standbys.close();
    expect(consumers.closed).toEqual([true, true, true]);
  });

  it('goes back to the shortest backoff once it reads again', async () => {
    const sleeps: number[] = [];
    const standbys = new StandbyTasks({
      createTask: (id) => taskWithStore(id, []),
      logger: silentLogger,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    const lost = new FjordError('fetch failed');
    const consumers = scriptedConsumers([[lost], [lost], [batch(0, 1), lost], [batch(1, 2)]]);
    standbys.connect(noReader, consumers.newConsumer);
    await standbys.update(['0_0']);
    await consumers.waiting;
    expect(sleeps).toEqual([100, 200, 100]);
    await standbys.close();
  });
});
