import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, Producer } from '../../../core/index.js';
import { readCheckpoint } from '../../../streams/runtime/task-checkpoint.js';
import { waitUntil } from '../../helpers/groups.js';
import { latestCounts } from '../../helpers/stateful-pipelines.js';
import { StreamsAppProcess, StreamsCluster } from '../../helpers/streams-harness.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const FAST_APP = {
  'commit.interval.ms': 300,
  'consumer.session.timeout.ms': 3000,
  'consumer.heartbeat.interval.ms': 300,
  'consumer.fetch.max.wait.ms': 100,
  'producer.linger.ms': 5,
};

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

async function total(admin: Admin, topic: string, partitions: number): Promise<number> {
  const ends = await admin.listOffsets(
    topic,
    'latest',
    Array.from({ length: partitions }, (_, p) => p),
  );
  return [...ends.values()].reduce((n, o) => n + o.offset, 0);
}

describe('a persistent store in a child process', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsAppProcess[] = [];
  const state = makeTempDir('fjord-crash-state-');

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    await cluster.close();
    state.cleanup();
  });

  function spawn(): StreamsAppProcess {
    const a = new StreamsAppProcess({
      bootstrap: cluster.bootstrap,
      applicationId: 'pcrash',
      input: 'pcrash-in',
      output: 'pcrash-out',
      topology: 'persistent-count',
      config: { ...FAST_APP, 'state.dir': state.dir },
    });
    apps.push(a);
    return a;
  }

  it('SIGKILLed mid-run, restarts from its checkpoint: restores only the changelog past it, and covers every input', async () => {
    await admin.createTopic('pcrash-in', 2, 1);
    await admin.createTopic('pcrash-out', 2, 1);
    const truth = new Map<string, number>();
    await send(producer, 'pcrash-in', 0, 20_000, 50, truth);
    const out = await cluster.reader('pcrash-out');
    const first = spawn();
    await out.until('a third processed', (r) => r.records.length >= 6000, 60_000);
    await waitUntil(
      'a commit',
      async () =>
        (await admin.groups.committedOffsets('pcrash')).some((o) => o.offset > 0) || undefined,
    );
    await first.stop('SIGKILL');
    const changelogAtKill = await total(admin, 'pcrash-counts-changelog', 2);
    const checkpointed = ['0_0', '0_1']
      .map((t) => readCheckpoint(join(state.dir, 'pcrash', t)))
      .flatMap((c) => (c.kind === 'found' ? c.offsets : []))
      .reduce((n, o) => n + o.offset, 0);
    await send(producer, 'pcrash-in', 20_000, 25_000, 50, truth);
    const second = spawn();
    await second.waitFor(
      'running, its restore reported',
      (p) => p.states.includes('RUNNING') && p.events.some((e) => e.event === 'restored'),
      60_000,
    );
    const restored = second.recordsRestored;
    await waitUntil(
      'counts to cover every input',
      () => {
        const latest = latestCounts(out.records);
        return [...truth].every(([k, n]) => (latest.get(k) ?? 0) >= n) || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    console.log(
      `persistent crash test: changelog ${changelogAtKill} records at the kill, checkpoints at ` +
        `${checkpointed}; the restart restored ${restored}`,
    );
    expect(checkpointed).toBeGreaterThan(0);
    // the tail past the checkpoint, not the whole changelog
    expect(restored).toBe(changelogAtKill - checkpointed);
    expect(restored).toBeLessThan(changelogAtKill);
  }, 120_000);
});
