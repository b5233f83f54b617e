import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, Producer } from '../../../core/index.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import type { StreamsConfig } from '../../../streams/runtime/streams-config.js';
import { Serdes } from '../../../streams/serde/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';
import { COUNT_STORE, countTopology, latestCounts } from '../../helpers/stateful-pipelines.js';

/** Sends `n` records over `keys` keys (`k0`..), round-robin; returns the true count per key. */
async function sendKeys(producer: Producer, topic: string, n: number, keys: number, offset = 0) {
  const sends: Promise<unknown>[] = [];
  const truth = new Map<string, number>();
  for (let i = offset; i < offset + n; i++) {
    const key = `k${i % keys}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    sends.push(producer.send({ topic, key, value: `v${i}` }));
  }
  await Promise.all(sends);
  return truth;
}

describe('StreamsApp with state stores', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsApp[] = [];

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await cluster.closeReaders();
  });
  afterAll(() => cluster.close());

  function app(
    input: string,
    output: string,
    config: Partial<StreamsConfig> & { 'application.id': string },
  ): StreamsApp {
    const a = new StreamsApp(
      countTopology(input, output),
      {
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 200,
        'consumer.fetch.max.wait.ms': 50,
        // No record cache: these tests count one output and changelog record per update (the
        // DSL's count forwards once per key per commit with it; see cached-dsl-app.test.ts).
        'statestore.cache.max.bytes': 0,
        ...config,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  it('counts per key into a compacted changelog and answers queries over HTTP while running', async () => {
    await admin.createTopic('count-in', 3, 1);
    await admin.createTopic('count-out', 3, 1);
    const a = app('count-in', 'count-out', {
      'application.id': 'counter',
      'application.server': '127.0.0.1:0',
    });
    await a.start();
    const truth = await sendKeys(producer, 'count-in', 600, 20);
    const out = await cluster.reader('count-out');
    await out.until('600 updates', (r) => r.records.length === 600);
    expect(latestCounts(out.records)).toEqual(truth);
    const configs = await admin.describeConfigs('topic', 'counter-counts-changelog');
    expect(configs.find((c) => c.name === 'cleanup.policy')?.value).toBe('compact');
    expect((await admin.describeTopic('counter-counts-changelog')).partitions).toHaveLength(3);
    // interactive queries: in process, and over HTTP
    expect(a.store<string, number>(COUNT_STORE).get('k7')).toBe(30);
    const port = a.queryPort;
    const body = (await (await fetch(`http://127.0.0.1:${port}/stores/counts/keys/k7`)).json()) as {
      value: number;
      lag: number;
    };
    expect(body).toMatchObject({ value: 30, lag: 0, stale: false });
    await sendKeys(producer, 'count-in', 20, 20, 600);
    await waitUntil('k7 counted 31 over HTTP', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/stores/counts/keys/k7`);
      return ((await r.json()) as { value?: number }).value === 31 || undefined;
    });
    const range = (await (
      await fetch(`http://127.0.0.1:${port}/stores/counts/range?from=k1&to=k11`)
    ).json()) as { entries: { key: string; value: number }[] };
    expect(range.entries.map((e) => e.key).sort()).toEqual(['k1', 'k10', 'k11']);
    const where = await a.metadataForKey(COUNT_STORE, 'k7', Serdes.string());
    expect(where).toMatchObject({ host: '127.0.0.1', port: 0 });
  });

  it('restores its store from the changelog when restarted', async () => {
    await admin.createTopic('restore-in', 2, 1);
    await admin.createTopic('restore-out', 2, 1);
    const first = app('restore-in', 'restore-out', { 'application.id': 'restorer' });
    await first.start();
    const truth = await sendKeys(producer, 'restore-in', 200, 10);
    const out = await cluster.reader('restore-out');
    await out.until('200 updates', (r) => r.records.length === 200);
    expect(await first.close({ timeoutMs: 10_000 })).toBe(true);
    const second = app('restore-in', 'restore-out', { 'application.id': 'restorer' });
    await second.start();
    await waitUntil('restored', () => second.state === 'RUNNING' || undefined);
    expect(second.metrics.recordsRestored).toBe(200);
    expect(second.storeLag(COUNT_STORE).every((l) => l.lag === 0)).toBe(true);
    const more = await sendKeys(producer, 'restore-in', 10, 10, 200);
    await out.until('210 updates', (r) => r.records.length === 210);
    for (const [k, n] of more) truth.set(k, (truth.get(k) ?? 0) + n);
    expect(latestCounts(out.records)).toEqual(truth);
  });
});
