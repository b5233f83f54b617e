import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, Producer } from '../../../core/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { latestCounts } from '../../helpers/stateful-pipelines.js';
import {
  StreamsAppProcess,
  StreamsCluster,
  type TopicReader,
  waitForTasksSpread,
} from '../../helpers/streams-harness.js';

/**
 * Streams settings for processes that must notice a killed peer within seconds. No record cache:
 * these tests count one output and one changelog record per input to account for duplicates
 * exactly (the DSL's count forwards once per key per commit with the cache).
 */
const FAST_APP = {
  'commit.interval.ms': 300,
  'statestore.cache.max.bytes': 0,
  'consumer.session.timeout.ms': 3000,
  'consumer.heartbeat.interval.ms': 300,
  'consumer.fetch.max.wait.ms': 100,
  'producer.linger.ms': 5,
};

/** Sends records `from` ≤ i < `to` with key `k<i % keys>`; adds them to `truth`. */
async function send(
  producer: Producer,
  topic: string,
  from: number,
  to: number,
  keys: number,
  truth: Map<string, number>,
): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let i = from; i < to; i++) {
    const key = `k${i % keys}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    sends.push(producer.send({ topic, key, value: `v${i}` }));
  }
  await Promise.all(sends);
}

/** The input records group `group` has committed (the sum of its committed offsets). */
async function committed(admin: Admin, group: string): Promise<number> {
  const offsets = await admin.groups.committedOffsets(group);
  return offsets.reduce((n, o) => n + o.offset, 0);
}

/**
 * Waits until every key's latest count covers its true count and the output is quiet; returns
 * the duplicates (counted beyond the truth: records processed again after a crash).
 */
async function settled(out: TopicReader, truth: ReadonlyMap<string, number>): Promise<number> {
  let seen = -1;
  await waitUntil(
    'counts to cover every input and the output to settle',
    () => {
      const latest = latestCounts(out.records);
      const covered = [...truth].every(([k, n]) => (latest.get(k) ?? 0) >= n);
      const quiet = covered && out.records.length === seen;
      seen = out.records.length;
      return quiet || undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  const latest = latestCounts(out.records);
  return [...truth].reduce((dups, [k, n]) => dups + (latest.get(k) ?? 0) - n, 0);
}

describe('stateful StreamsApp instances in child processes', () => {
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

  function spawn(name: string, config: Readonly<Record<string, number>> = {}): StreamsAppProcess {
    const a = new StreamsAppProcess({
      bootstrap: cluster.bootstrap,
      applicationId: name,
      input: `${name}-in`,
      output: `${name}-out`,
      topology: 'count',
      config: { ...FAST_APP, ...config },
    });
    apps.push(a);
    return a;
  }

  it('SIGKILLed mid-run, a restarted app restores its counts from the changelog and covers every input', async () => {
    await admin.createTopic('crash-in', 2, 1);
    await admin.createTopic('crash-out', 2, 1);
    const truth = new Map<string, number>();
    await send(producer, 'crash-in', 0, 20_000, 50, truth);
    const out = await cluster.reader('crash-out');
    const first = spawn('crash');
    await out.until('a third processed', (r) => r.records.length >= 6000, 60_000);
    await waitUntil('a commit', async () => (await committed(admin, 'crash')) > 0 || undefined);
    await first.stop('SIGKILL');
    const committedAtKill = await committed(admin, 'crash');
    await send(producer, 'crash-in', 20_000, 25_000, 50, truth);
    const second = spawn('crash');
    await second.waitFor('restored and running', (p) => p.recordsRestored > 0, 60_000);
    const duplicates = await settled(out, truth);
    console.log(
      `crash test: ${committedAtKill} input offsets committed at the kill; restored ` +
        `${second.recordsRestored} changelog records; ${duplicates} duplicate counts of 25000 inputs`,
    );
    expect(second.recordsRestored).toBeGreaterThan(0);
    // At least once, exactly accounted: every count in the changelog whose input offset was not
    // committed is counted again, and nothing else is.
    expect(duplicates).toBe(second.recordsRestored - committedAtKill);
  }, 120_000);

  it('when one of two instances is killed, its tasks and stores move to the other by restore', async () => {
    await admin.createTopic('pair-in', 4, 1);
    await admin.createTopic('pair-out', 4, 1);
    const truth = new Map<string, number>();
    const out = await cluster.reader('pair-out');
    const a = spawn('pair');
    const b = spawn('pair');
    await waitForTasksSpread([a, b], ['0_0', '0_1', '0_2', '0_3']);
    await send(producer, 'pair-in', 0, 2000, 40, truth);
    await out.until('2000 updates', (r) => r.records.length >= 2000, 60_000);
    const moved = a.tasks;
    await a.stop('SIGKILL');
    await b.waitFor('all tasks', (p) => p.tasks.length === 4, 60_000);
    await b.waitFor('restored the moved stores', (p) => p.recordsRestored > 0, 60_000);
    await send(producer, 'pair-in', 2000, 2400, 40, truth);
    const duplicates = await settled(out, truth);
    console.log(
      `failover: tasks ${moved.join(',')} moved, ${b.recordsRestored} changelog records restored, ` +
        `${duplicates} duplicate counts`,
    );
    expect(b.recordsRestored).toBeGreaterThan(0);
  }, 120_000);

  it('with a standby replica, the instance taking over a killed active restores only the tail', async () => {
    await admin.createTopic('warm-in', 1, 1);
    await admin.createTopic('warm-out', 1, 1);
    const truth = new Map<string, number>();
    const out = await cluster.reader('warm-out');
    const a = spawn('warm', { 'num.standby.replicas': 1 });
    await a.waitFor('the task', (p) => p.tasks.includes('0_0'), 60_000);
    const b = spawn('warm', { 'num.standby.replicas': 1 });
    await b.waitFor('a standby of the task', (p) => p.standby.tasks.includes('0_0'), 60_000);
    expect(a.tasks).toEqual(['0_0']);
    await send(producer, 'warm-in', 0, 3000, 30, truth);
    await out.until('3000 updates', (r) => r.records.length >= 3000, 60_000);
    await b.waitFor('the standby caught up', (p) => p.standby.records >= 3000, 60_000);
    await send(producer, 'warm-in', 3000, 3200, 30, truth);
    await out.until('3200 updates', (r) => r.records.length >= 3200, 60_000);
    const standbyAtKill = b.standby.records;
    await a.stop('SIGKILL');
    const listed = await admin.listOffsets('warm-counts-changelog', 'latest', [0]);
    const changelogEnd = listed.get(0)?.offset ?? 0;
    await b.waitFor('the task moved', (p) => p.tasks.includes('0_0'), 60_000);
    await b.waitFor('restored', (p) => p.events.some((e) => e.event === 'restored'), 60_000);
    const duplicates = await settled(out, truth);
    const restored = b.recordsRestored;
    console.log(
      `standby failover: changelog end ${changelogEnd} at the kill, standby had applied ` +
        `${standbyAtKill}; the new active restored ${restored} records; ${duplicates} duplicate counts`,
    );
    // The restore reads only what the standby had not applied yet, never the whole changelog.
    expect(restored).toBeLessThanOrEqual(changelogEnd - standbyAtKill);
    expect(restored).toBeLessThan(changelogEnd);
    expect(duplicates).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
