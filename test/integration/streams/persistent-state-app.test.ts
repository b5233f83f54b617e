import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, Producer } from '../../../core/index.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import type { StreamsConfig } from '../../../streams/runtime/streams-config.js';
import { CHECKPOINT_FILE, readCheckpoint } from '../../../streams/runtime/task-checkpoint.js';
import { waitUntil } from '../../helpers/groups.js';
import {
  COUNT_STORE,
  latestCounts,
  storeCountTopology,
  type CountStoreOptions,
} from '../../helpers/stateful-pipelines.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** Sends `n` records over `keys` keys (`k0`..) from `offset` on; adds the true counts to `truth`. */
async function sendKeys(
  producer: Producer,
  topic: string,
  n: number,
  keys: number,
  offset: number,
  truth: Map<string, number>,
): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let i = offset; i < offset + n; i++) {
    const key = `k${i % keys}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    sends.push(producer.send({ topic, key, value: `v${i}` }));
  }
  await Promise.all(sends);
}

/** Records in `topic` (the sum of its partitions' end offsets). */
async function endOffsets(admin: Admin, topic: string, partitions: number): Promise<number> {
  const ends = await admin.listOffsets(
    topic,
    'latest',
    Array.from({ length: partitions }, (_, p) => p),
  );
  return [...ends.values()].reduce((n, o) => n + o.offset, 0);
}

describe('StreamsApp with persistent and cached stores', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsApp[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await cluster.closeReaders();
    for (const c of cleanups.splice(0)) c();
  });
  afterAll(() => cluster.close());

  function stateDir(): string {
    const t = makeTempDir('fjord-state-dir-');
    cleanups.push(t.cleanup);
    return t.dir;
  }

  function app(
    input: string,
    output: string,
    store: CountStoreOptions,
    config: Partial<StreamsConfig> & { 'application.id': string },
  ): StreamsApp {
    const a = new StreamsApp(
      storeCountTopology(input, output, store),
      {
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 200,
        'consumer.fetch.max.wait.ms': 50,
        ...config,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  it('restores a persistent store from its checkpoint: only the changelog another instance wrote meanwhile', async () => {
    await admin.createTopic('pers-in', 2, 1);
    await admin.createTopic('pers-out', 2, 1);
    const changelog = 'pers-counts-changelog';
    const [dirA, dirB] = [stateDir(), stateDir()];
    const truth = new Map<string, number>();
    const out = await cluster.reader('pers-out');
    const config = (dir: string) => ({ 'application.id': 'pers', 'state.dir': dir });

    // A processes 200 records and stops cleanly: its checkpoints name the changelog's end.
    const a1 = app('pers-in', 'pers-out', { persistent: true }, config(dirA));
    await a1.start();
    await sendKeys(producer, 'pers-in', 200, 10, 0, truth);
    await out.until('200 updates', (r) => r.records.length === 200);
    expect(await a1.close({ timeoutMs: 10_000 })).toBe(true);
    expect(await endOffsets(admin, changelog, 2)).toBe(200);
    const checkpoints = ['0_0', '0_1'].map((t) => readCheckpoint(join(dirA, 'pers', t)));
    const checkpointed = checkpoints.flatMap((c) => (c.kind === 'found' ? c.offsets : []));
    expect(checkpointed.map((o) => o.topic)).toEqual([changelog, changelog]);
    expect(checkpointed.reduce((n, o) => n + o.offset, 0)).toBe(200);

    // B, with a state dir of its own (no checkpoint), restores everything and counts 50 more.
    const b = app('pers-in', 'pers-out', { persistent: true }, config(dirB));
    await b.start();
    await waitUntil('B running', () => b.state === 'RUNNING' || undefined);
    expect(b.metrics.recordsRestored).toBe(200);
    await sendKeys(producer, 'pers-in', 50, 10, 200, truth);
    await out.until('250 updates', (r) => r.records.length === 250);
    expect(await b.close({ timeoutMs: 10_000 })).toBe(true);

    // A again: its stores still hold the first 200 counts; it reads only B's 50 changes.
    const a2 = app('pers-in', 'pers-out', { persistent: true }, config(dirA));
    await a2.start();
    await waitUntil('A running again', () => a2.state === 'RUNNING' || undefined);
    expect(a2.metrics.recordsRestored).toBe(50);
    expect(a2.store<string, number>(COUNT_STORE).get('k3')).toBe(truth.get('k3'));
    await sendKeys(producer, 'pers-in', 10, 10, 250, truth);
    await out.until('260 updates', (r) => r.records.length === 260);
    expect(latestCounts(out.records)).toEqual(truth);
  });

  it('wipes a persistent store without a checkpoint and restores it from the start', async () => {
    await admin.createTopic('wipe-in', 1, 1);
    await admin.createTopic('wipe-out', 1, 1);
    const dir = stateDir();
    const truth = new Map<string, number>();
    const out = await cluster.reader('wipe-out');
    const config = { 'application.id': 'wipe', 'state.dir': dir };
    const first = app('wipe-in', 'wipe-out', { persistent: true }, config);
    await first.start();
    await sendKeys(producer, 'wipe-in', 40, 4, 0, truth);
    await out.until('40 updates', (r) => r.records.length === 40);
    expect(await first.close({ timeoutMs: 10_000 })).toBe(true);
    const checkpoint = join(dir, 'wipe', '0_0', CHECKPOINT_FILE);
    expect(existsSync(checkpoint)).toBe(true);
    rmSync(checkpoint);
    const second = app('wipe-in', 'wipe-out', { persistent: true }, config);
    await second.start();
    await waitUntil('running', () => second.state === 'RUNNING' || undefined);
    expect(second.metrics.recordsRestored).toBe(40);
    await sendKeys(producer, 'wipe-in', 4, 4, 40, truth);
    await out.until('44 updates', (r) => r.records.length === 44);
    // counted once: the wiped store did not keep its old data under the restored records
    expect(latestCounts(out.records)).toEqual(truth);
  });

  it('with the record cache, the changelog gets one record per key per commit instead of every update', async () => {
    await admin.createTopic('cache-in', 2, 1);
    await admin.createTopic('cache-out', 2, 1);
    await admin.createTopic('nocache-in', 2, 1);
    await admin.createTopic('nocache-out', 2, 1);
    const truth = new Map<string, number>();
    const otherTruth = new Map<string, number>();
    // Records go in before the apps start, so each app reads them in few, large batches.
    await sendKeys(producer, 'cache-in', 2000, 20, 0, truth);
    await sendKeys(producer, 'nocache-in', 2000, 20, 0, otherTruth);
    const cached = app(
      'cache-in',
      'cache-out',
      { caching: true },
      {
        'application.id': 'cache',
        'commit.interval.ms': 1000,
      },
    );
    const uncached = app(
      'nocache-in',
      'nocache-out',
      { caching: true },
      {
        'application.id': 'nocache',
        'commit.interval.ms': 1000,
        'statestore.cache.max.bytes': 0,
      },
    );
    const [out, otherOut] = [
      await cluster.reader('cache-out'),
      await cluster.reader('nocache-out'),
    ];
    await Promise.all([cached.start(), uncached.start()]);
    await out.until('2000 updates', (r) => r.records.length === 2000);
    await otherOut.until('2000 updates', (r) => r.records.length === 2000);
    expect(await cached.close({ timeoutMs: 10_000 })).toBe(true);
    expect(await uncached.close({ timeoutMs: 10_000 })).toBe(true);
    // downstream still sees every update (the processor forwards each); the changelog does not
    expect(latestCounts(out.records)).toEqual(truth);
    const cachedLog = await endOffsets(admin, 'cache-counts-changelog', 2);
    const uncachedLog = await endOffsets(admin, 'nocache-counts-changelog', 2);
    console.log(
      `changelog records for 2000 updates of 20 keys: cached ${cachedLog}, uncached ${uncachedLog}`,
    );
    expect(uncachedLog).toBe(2000);
    expect(cachedLog).toBeGreaterThanOrEqual(20);
    expect(cachedLog).toBeLessThan(500);
    const log = await cluster.reader('cache-counts-changelog');
    await log.until('the whole changelog', (r) => r.records.length === cachedLog);
    expect(latestCounts(log.records)).toEqual(truth);
  });
});
