import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, Producer } from '../../../core/index.js';
import {
  sendOrders,
  StreamsAppProcess,
  StreamsCluster,
  type TopicReader,
  waitForTasksSpread,
} from '../../helpers/streams-harness.js';
import { cleanerKeeps, type Order } from '../../helpers/streams-pipelines.js';

const TASKS = ['0_0', '0_1', '0_2', '0_3'];

/** Streams settings for processes that must notice a killed peer within seconds. */
const FAST_APP = {
  'commit.interval.ms': 500,
  'consumer.session.timeout.ms': 3000,
  'consumer.heartbeat.interval.ms': 300,
  'consumer.fetch.max.wait.ms': 100,
  'producer.linger.ms': 5,
};

/** Ids in [from, to) the cleaner keeps. */
function kept(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i).filter(cleanerKeeps);
}

/** How often each id appears in the output. */
function counts(reader: TopicReader): Map<number, number> {
  const m = new Map<number, number>();
  for (const o of reader.values<Order>()) m.set(o.id, (m.get(o.id) ?? 0) + 1);
  return m;
}

function allSeen(reader: TopicReader, ids: readonly number[]): boolean {
  const seen = counts(reader);
  return ids.every((id) => seen.has(id));
}

/** A filter → mapValues → to app as two processes over 4-partition topics. */
describe('StreamsApp instances in child processes', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsAppProcess[] = [];

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    await cluster.close();
  });

  async function setup(name: string): Promise<{
    reader: TopicReader;
    spawn: (config?: Readonly<Record<string, number>>) => StreamsAppProcess;
  }> {
    await admin.createTopic(`${name}-in`, 4, 1);
    await admin.createTopic(`${name}-out`, 4, 1);
    const reader = await cluster.reader(`${name}-out`);
    const spawn = (config = {}): StreamsAppProcess => {
      const app = new StreamsAppProcess({
        bootstrap: cluster.bootstrap,
        applicationId: name,
        input: `${name}-in`,
        output: `${name}-out`,
        config: { ...FAST_APP, ...config },
      });
      apps.push(app);
      return app;
    };
    return { reader, spawn };
  }

  it('moves a SIGKILLed instance’s tasks to the other and loses no record across a restart', async () => {
    const { reader, spawn } = await setup('killed');
    await sendOrders(producer, 'killed-in', 0, 1000);
    // The instance to be killed never commits on its own: what it processes is redone.
    const a = spawn({ 'commit.interval.ms': 600_000 });
    const b = spawn();
    await waitForTasksSpread([a, b], TASKS);
    await reader.until('the first 1000 orders cleaned', (r) => allSeen(r, kept(0, 1000)));
    // Two instances sharing tasks without failures: exactly the expected multiset.
    expect(reader.values<Order>().sort((x, y) => x.id - y.id)).toEqual(
      kept(0, 1000).map((id) => ({ id, amount: id * 100 })),
    );

    // Records A processes now stay uncommitted (a commit before a hand-over covered the rest).
    await sendOrders(producer, 'killed-in', 1000, 1500);
    await reader.until('orders before the kill cleaned', (r) => allSeen(r, kept(0, 1500)));
    await a.stop('SIGKILL');
    await sendOrders(producer, 'killed-in', 1500, 2000);
    await b.waitFor('the survivor to run all tasks', (p) => p.tasks.length === 4);
    await reader.until('orders sent after the kill cleaned', (r) => allSeen(r, kept(0, 2000)));

    const restarted = spawn();
    await waitForTasksSpread([restarted, b], TASKS);
    await sendOrders(producer, 'killed-in', 2000, 3000);
    await reader.until('orders sent after the restart cleaned', (r) => allSeen(r, kept(0, 3000)));

    const seen = counts(reader);
    const expected = kept(0, 3000);
    expect([...seen.keys()].filter((id) => !cleanerKeeps(id))).toEqual([]);
    expect(expected.filter((id) => !seen.has(id))).toEqual([]);
    const duplicates = reader.records.length - seen.size;
    expect(duplicates).toBeGreaterThan(0);
    console.log(
      `[streams kill test] ${expected.length} records expected, ${reader.records.length} written, ` +
        `${duplicates} duplicates (records re-processed after the SIGKILL)`,
    );
  });

  it('shuts down gracefully on SIGTERM: commits everything, so a restart re-processes nothing', async () => {
    const { reader, spawn } = await setup('graceful');
    const first = spawn();
    await first.waitFor('one instance running all tasks', (p) => p.tasks.length === 4);
    await sendOrders(producer, 'graceful-in', 0, 500);
    await reader.until('500 orders cleaned', (r) => allSeen(r, kept(0, 500)));
    expect(await first.stop('SIGTERM')).toBe('SIGTERM');
    expect(first.states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
    expect(first.metrics).toMatchObject({ recordsProcessed: 500, recordsCommitted: 500 });
    const { partitions } = await admin.groups.lag('graceful');
    expect(partitions.filter((p) => p.topic === 'graceful-in').map((p) => p.lag)).toEqual([
      0, 0, 0, 0,
    ]);

    const second = spawn();
    await second.waitFor('the restarted instance running all tasks', (p) => p.tasks.length === 4);
    await sendOrders(producer, 'graceful-in', 500, 530);
    await reader.until('orders after the restart cleaned', (r) => allSeen(r, kept(0, 530)));
    await second.stop('SIGTERM');
    expect(second.metrics).toMatchObject({ recordsProcessed: 30 });
    expect(reader.records.length).toBe(kept(0, 530).length);
  });
});
