import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Admin, ConsumerRecord, Producer } from '../../../core/index.js';
import {
  Serdes,
  SessionWindows,
  StreamsBuilder,
  WindowedSerdes,
  type Topology,
} from '../../../streams/index.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import type { StreamsConfig } from '../../../streams/runtime/streams-config.js';
import { waitUntil } from '../../helpers/groups.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';
import { sendKeys } from '../../helpers/stateful-pipelines.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const s = Serdes.string();
const long = Serdes.nullable(Serdes.int64());
const STORE = 'counts';

/** A DSL count per key (the store persistent, the DSL's choice), its updates to `output`. */
function countTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: s, value: s })
    .groupByKey()
    .count({ name: STORE, storeType: 'persistent' })
    .toStream()
    .to(output, { key: s, value: long });
  return b.build();
}

/** A count per key and session (gap 1 s), its updates to `output`. */
function sessionCountTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: s, value: s })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_000))
    .count({ name: 'sessions' })
    .toStream()
    .to(output, { key: WindowedSerdes.sessionWindowed(s), value: long });
  return b.build();
}

const BIG_ORDERS = 'big-orders';
const amounts = Serdes.int64();

/** Orders (id → amount) as a table; those over 100 kept in their own store. */
function bigOrders(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.table(input, { key: s, value: amounts, name: 'orders' })
    .filter((_id, amount) => amount > 100, { materialized: { name: BIG_ORDERS } })
    .toStream()
    .to(output, { key: s, value: long });
  return b.build();
}

/** Sends `amounts` as orders o0, o1, ... */
async function sendOrders(producer: Producer, topic: string, values: readonly number[]) {
  await Promise.all(
    values.map((a, i) =>
      producer.send({ topic, key: `o${i}`, value: amounts.serialize(a, { topic }) }),
    ),
  );
}

async function endOffset(admin: Admin, topic: string): Promise<number> {
  const ends = await admin.listOffsets(topic, 'latest', [0]);
  return [...ends.values()].reduce((n, o) => n + o.offset, 0);
}

function latest(records: readonly ConsumerRecord[], topic: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) {
    const value = long.deserialize(r.value, { topic });
    if (r.key !== null && value !== null) m.set(r.key.toString(), value);
  }
  return m;
}

describe("StreamsApp: the DSL's stores (record cache, persistence, materialized tables)", () => {
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

  function app(
    topology: Topology,
    config: Partial<StreamsConfig> & { 'application.id': string },
  ): StreamsApp {
    const t = makeTempDir('fjord-cached-dsl-');
    cleanups.push(t.cleanup);
    const a = new StreamsApp(
      topology,
      {
        'bootstrap.servers': cluster.bootstrap,
        'consumer.fetch.max.wait.ms': 50,
        'state.dir': t.dir,
        ...config,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  /**
   * Runs `topology` over the records `send` wrote in one commit interval (longer than the test:
   * only the close commits); returns the output records once `expected` arrived, after checking
   * that the changelog of `store` got as many.
   */
  async function oneCommit(
    id: string,
    topology: (input: string, output: string) => Topology,
    store: string,
    cacheBytes: number | undefined,
    expected: number,
    send: (input: string) => Promise<void>,
  ): Promise<ConsumerRecord[]> {
    const [input, output] = [`${id}-in`, `${id}-out`];
    await admin.createTopic(input, 1, 1);
    await admin.createTopic(output, 1, 1);
    await send(input);
    const a = app(topology(input, output), {
      'application.id': id,
      'commit.interval.ms': 600_000,
      ...(cacheBytes === undefined ? {} : { 'statestore.cache.max.bytes': cacheBytes }),
    });
    await a.start();
    await waitUntil('300 processed', () => a.metrics.recordsProcessed >= 300 || undefined);
    expect(await a.close({ timeoutMs: 10_000 })).toBe(true);
    expect(await endOffset(admin, `${id}-${store}-changelog`)).toBe(expected);
    const out = await cluster.reader(output);
    await out.until(`${expected} outputs`, (r) => r.records.length >= expected);
    expect(out.records).toHaveLength(expected);
    return out.records;
  }

  it.each([
    ['the default 10 MiB cache', 10, undefined],
    ['statestore.cache.max.bytes=0', 300, 0],
  ])(
    'with %s, 300 updates of 10 keys in one commit interval give %i records downstream and to the changelog',
    async (_what, expected, cacheBytes) => {
      const id = cacheBytes === 0 ? 'uncached-dsl' : 'cached-dsl';
      const truth = new Map<string, number>();
      const records = await oneCommit(id, countTopology, STORE, cacheBytes, expected, (input) =>
        sendKeys(producer, input, 300, 10, truth),
      );
      expect(latest(records, `${id}-out`)).toEqual(truth);
    },
  );

  it.each([
    // Each record past a key's first merges its session into a longer one: without the cache
    // that is a tombstone and a new session per record (10 + 2 × 290).
    ['the default 10 MiB cache', 10, undefined],
    ['statestore.cache.max.bytes=0', 590, 0],
  ])(
    'with %s, 300 records in 10 sessions in one commit interval give %i records downstream and to the changelog',
    async (_what, expected, cacheBytes) => {
      const id = cacheBytes === 0 ? 'uncached-sessions' : 'cached-sessions';
      const output = `${id}-out`;
      const records = await oneCommit(
        id,
        sessionCountTopology,
        'sessions',
        cacheBytes,
        expected,
        async (input) => {
          const sends: Promise<unknown>[] = [];
          for (let i = 0; i < 300; i++)
            sends.push(
              producer.send({ topic: input, key: `k${i % 10}`, value: 'x', timestamp: 1_000 + i }),
            );
          await Promise.all(sends);
        },
      );
      // Whatever came before, each key's last record is its whole session: 30 records.
      const keys = WindowedSerdes.sessionWindowed(s);
      const last = new Map<string, string>();
      for (const r of records) {
        const k = keys.deserialize(r.key, { topic: output });
        const n = long.deserialize(r.value, { topic: output });
        last.set(k.key, `${k.window.startMs}-${k.window.endMs}=${n ?? 'null'}`);
      }
      expect(last.size).toBe(10);
      for (let k = 0; k < 10; k++) expect(last.get(`k${k}`)).toBe(`${1_000 + k}-${1_290 + k}=30`);
    },
  );

  it('a persistent store chosen through the DSL restores from its checkpoint after a restart', async () => {
    const id = 'dsl-persistent';
    const [input, output] = [`${id}-in`, `${id}-out`];
    await admin.createTopic(input, 1, 1);
    await admin.createTopic(output, 1, 1);
    const truth = new Map<string, number>();
    const t = makeTempDir('fjord-dsl-persistent-');
    cleanups.push(t.cleanup);
    const config = { 'application.id': id, 'state.dir': t.dir, 'commit.interval.ms': 100 };
    await sendKeys(producer, input, 100, 5, truth);
    const first = app(countTopology(input, output), config);
    await first.start();
    await waitUntil('100 processed', () => first.metrics.recordsProcessed >= 100 || undefined);
    expect(await first.close({ timeoutMs: 10_000 })).toBe(true);

    const second = app(countTopology(input, output), config);
    await second.start();
    await waitUntil('running', () => second.state === 'RUNNING' || undefined);
    // The checkpoint names the changelog's end: nothing to restore, the LMDB files hold it all.
    expect(second.metrics.recordsRestored).toBe(0);
    expect(second.store<string, number>(STORE).get('k3')).toBe(truth.get('k3'));
    await sendKeys(producer, input, 10, 5, truth);
    const out = await cluster.reader(output);
    await out.until(
      'the new counts',
      (r) => latest(r.records, output).get('k4') === truth.get('k4'),
    );
    expect(latest(out.records, output)).toEqual(truth);
  });

  it('a materialized KTable.filter is queryable by its name, in process and over HTTP, and restored from its changelog after a restart', async () => {
    const [input, output] = ['orders-in', 'orders-big'];
    await admin.createTopic(input, 2, 1);
    await admin.createTopic(output, 2, 1);
    await sendOrders(producer, input, [50, 150, 300, 20, 101]);
    const config = { 'application.id': 'big-orders', 'commit.interval.ms': 100 };
    const first = app(bigOrders(input, output), { ...config, 'application.server': '127.0.0.1:0' });
    await first.start();
    await waitUntil('5 processed', () => first.metrics.recordsProcessed >= 5 || undefined);
    await waitUntil('o4 kept', () => first.store<string, number>(BIG_ORDERS).get('o4'));
    const store = first.store<string, number>(BIG_ORDERS);
    expect(['o0', 'o1', 'o2', 'o3', 'o4'].map((k) => store.get(k))).toEqual([
      undefined,
      150,
      300,
      undefined,
      101,
    ]);
    const body = (await (
      await fetch(`http://127.0.0.1:${String(first.queryPort)}/stores/${BIG_ORDERS}/keys/o2`)
    ).json()) as { value: number };
    expect(body.value).toBe(300);
    expect(await first.close({ timeoutMs: 10_000 })).toBe(true);
    expect(
      (await admin.describeTopic(`big-orders-${BIG_ORDERS}-changelog`)).partitions,
    ).toHaveLength(2);

    const second = app(bigOrders(input, output), config);
    await second.start();
    await waitUntil('running', () => second.state === 'RUNNING' || undefined);
    // Both stores restored from their changelogs: 5 source rows, 3 kept.
    expect(second.metrics.recordsRestored).toBe(8);
    expect(second.store<string, number>(BIG_ORDERS).get('o1')).toBe(150);
    // o1 drops under the threshold: the restored store knows it passed, so it is deleted.
    await producer.send({ topic: input, key: 'o1', value: amounts.serialize(7, { topic: input }) });
    await waitUntil('o1 gone', () =>
      second.store<string, number>(BIG_ORDERS).get('o1') === undefined ? true : undefined,
    );
    const out = await cluster.reader(output);
    await out.until('o1 deleted downstream', (r) =>
      r.records.some((x) => x.key?.toString() === 'o1' && x.value === null),
    );
  });
});
