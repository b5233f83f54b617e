import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  Serdes,
  Stores,
  StreamsBuilder,
  TestDriver,
  TimeWindows,
  TopologyError,
  type Materialized,
} from '../../../../streams/index.js';

const s = Serdes.string();
const long = Serdes.int64();
const nullableLong = Serdes.nullable(Serdes.int64());
const MiB = 1 << 20;

/** Words of each line counted; every word of a line is an update made before one commit. */
function wordCount(options: Materialized<string, number> = {}): StreamsBuilder {
  const b = new StreamsBuilder();
  b.stream('lines', { key: s, value: s })
    .flatMapValues((line) => line.split(' '))
    .groupBy((_k, word) => word, { key: s, value: s })
    .count({ name: 'counts', ...options })
    .toStream()
    .to('word-counts', { key: s, value: nullableLong });
  return b;
}

function run(b: StreamsBuilder, lines: string[], cacheMaxBytes?: number) {
  const driver = new TestDriver(b.build(), cacheMaxBytes === undefined ? {} : { cacheMaxBytes });
  const input = driver.createInputTopic('lines', s, s);
  for (const line of lines) input.pipeInput('l', line);
  const out = driver.createOutputTopic('word-counts', s, nullableLong).readKeyValuesToList();
  const changelog = driver
    .createOutputTopic('test-driver-counts-changelog', s, long)
    .readKeyValuesToList();
  const counts = [...driver.getKeyValueStore<string, number>('counts').all()];
  driver.close();
  return { out, changelog, counts };
}

describe('DSL aggregations with the record cache', () => {
  it('emits each key once per commit: 5 updates of 2 keys give 2 records downstream and to the changelog', () => {
    const { out, changelog, counts } = run(wordCount(), ['a b a a b', 'b c'], MiB);
    // The driver commits after each input line; keys leave the cache in the order last updated.
    expect(out).toEqual([
      ['a', 3],
      ['b', 2],
      ['b', 3],
      ['c', 1],
    ]);
    expect(changelog).toEqual(out);
    expect(counts).toEqual([
      ['a', 3],
      ['b', 3],
      ['c', 1],
    ]);
  });

  it('without a cache (statestore.cache.max.bytes=0) emits every update', () => {
    const { out, changelog } = run(wordCount(), ['a b a a b'], 0);
    expect(out).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['a', 3],
      ['b', 2],
    ]);
    expect(changelog).toEqual(out);
  });

  it('caching: false on the operator emits every update though the app has a cache', () => {
    const { out, changelog } = run(wordCount({ caching: false }), ['a b a a b'], MiB);
    expect(out).toHaveLength(5);
    expect(changelog).toHaveLength(5);
  });

  it('stays correct when a tiny cache evicts between commits (evictions flush and forward)', () => {
    // Runs of 4 of each word: the cache (room for ~3 entries) folds each run into one record.
    const words = Array.from({ length: 200 }, (_, i) => `w${Math.floor(i / 4) % 37}`).join(' ');
    const cached = run(wordCount(), [words, words], 400);
    const plain = run(wordCount(), [words, words]);
    expect(cached.counts).toEqual(plain.counts);
    // The latest record of each key downstream is its count.
    const last = new Map(cached.out);
    expect([...last].sort()).toEqual([...new Map(plain.out)].sort());
    expect(cached.out.length).toBeLessThan(plain.out.length);
  });

  it("forwards through the evicted task's own pipeline when another task's write evicts", () => {
    const words = Array.from({ length: 120 }, (_, i) => `w${i % 23}`).join(' ');
    const driver = new TestDriver(wordCount().build(), { partitions: 2, cacheMaxBytes: 400 });
    driver.createInputTopic('lines', s, s).pipeInput('l', words);
    const latest = new Map(
      driver.createOutputTopic('word-counts', s, nullableLong).readKeyValuesToList(),
    );
    expect(latest.size).toBe(23);
    for (const [, n] of latest) expect(n === 5 || n === 6).toBe(true);
    const counts = new Map(driver.getKeyValueStore<string, number>('counts').all());
    expect(latest).toEqual(counts);
    driver.close();
  });

  it('keeps the timestamp and headers of the record that made the last update', () => {
    const driver = new TestDriver(wordCount().build(), { cacheMaxBytes: MiB });
    const input = driver.createInputTopic('lines', s, s);
    input.pipeInput('l', 'a a', { timestamp: 5_000, headers: { trace: 't1' } });
    const [r] = driver.createOutputTopic('word-counts', s, nullableLong).readRecordsToList();
    expect(r?.timestamp).toBe(5_000);
    expect(r?.headers.trace?.toString()).toBe('t1');
    driver.close();
  });
});

describe('KTable.groupBy aggregation with the record cache', () => {
  /** users: id → "region:balance"; sum of balances per region, with a subtractor. */
  function balances(): StreamsBuilder {
    const b = new StreamsBuilder();
    b.table('users', { key: s, value: s, name: 'users' })
      .groupBy(
        (_id, row) => {
          const [region = '', balance = '0'] = row.split(':');
          return [region, Number(balance)];
        },
        { name: 'by-region', key: s, value: long },
      )
      .aggregate(
        () => 0,
        (_r, b2, sum) => sum + b2,
        (_r, b2, sum) => sum - b2,
        { name: 'balance-per-region', value: long },
      )
      .toStream()
      .to('balances', { key: s, value: nullableLong });
    return b;
  }

  function pipe(cacheMaxBytes: number | undefined) {
    const driver = new TestDriver(
      balances().build(),
      cacheMaxBytes === undefined ? {} : { cacheMaxBytes },
    );
    const users = driver.createInputTopic('users', s, Serdes.nullable(s));
    users.pipeInput('u1', 'eu:10');
    users.pipeInput('u2', 'eu:5');
    users.pipeInput('u1', 'eu:30'); // same group: subtract 10 and add 30 in one commit
    users.pipeInput('u2', 'us:5'); // moves: eu loses 5, us gains 5
    users.pipeInput('u1', null); // deleted: eu loses 30
    const out = driver.createOutputTopic('balances', s, nullableLong).readKeyValuesToList();
    const store = [...driver.getKeyValueStore<string, number>('balance-per-region').all()];
    driver.close();
    return { out, store };
  }

  it('subtracts old values correctly and emits one result per group per commit', () => {
    const cached = pipe(MiB);
    const plain = pipe(undefined);
    expect(cached.store).toEqual([
      ['eu', 0],
      ['us', 5],
    ]);
    expect(cached.store).toEqual(plain.store);
    expect(cached.out).toEqual([
      ['eu', 10],
      ['eu', 15],
      ['eu', 35],
      ['eu', 30],
      ['us', 5],
      ['eu', 0],
    ]);
    // Uncached, the in-group update shows its intermediate subtraction (eu 5) too.
    expect(plain.out).toContainEqual(['eu', 5]);
    expect(plain.out.length).toBeGreaterThan(cached.out.length);
  });
});

describe('other DSL stores with the record cache', () => {
  it('a cogroup emits each key once per commit', () => {
    const b = new StreamsBuilder();
    const clicks = b.stream('clicks', { key: s, value: s }).flatMapValues((v) => v.split(' '));
    const views = b.stream('views', { key: s, value: s });
    clicks
      .groupByKey({ key: s, value: s })
      .cogroup<number>((_k, _v, n) => n + 1)
      .cogroup(views.groupByKey({ key: s, value: s }), (_k, _v, n) => n + 100)
      .aggregate(() => 0, { name: 'activity', value: long })
      .toStream()
      .to('activity-out', { key: s, value: nullableLong });
    const driver = new TestDriver(b.build(), { cacheMaxBytes: MiB });
    driver.createInputTopic('clicks', s, s).pipeInput('u1', 'x x x');
    driver.createInputTopic('views', s, s).pipeInput('u1', 'v');
    expect(driver.createOutputTopic('activity-out', s, nullableLong).readKeyValuesToList()).toEqual(
      [
        ['u1', 3],
        ['u1', 103],
      ],
    );
    driver.close();
  });

  it('a windowed count emits each window once per commit', () => {
    const b = new StreamsBuilder();
    b.stream('lines', { key: s, value: s })
      .flatMapValues((line) => line.split(' '))
      .groupByKey({ key: s, value: s })
      .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
      .count({ name: 'per-minute' })
      .toStream()
      .map((w, n) => [`${w.key}@${w.window.startMs}`, n])
      .to('out', { key: s, value: nullableLong });
    const driver = new TestDriver(b.build(), { cacheMaxBytes: MiB });
    const input = driver.createInputTopic('lines', s, s);
    input.pipeInput('u1', 'a b c d', { timestamp: 1_000 });
    input.pipeInput('u1', 'e f', { timestamp: 61_000 });
    const out = driver.createOutputTopic('out', s, nullableLong).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['u1@0', 4, 1_000],
      ['u1@60000', 2, 61_000],
    ]);
    driver.close();
  });

  it('a source table forwards each key once per commit, and nothing for a row added and deleted', () => {
    const b = new StreamsBuilder();
    b.stream('batches', { key: s, value: s })
      .flatMap((_k, v) => v.split(' ').map((kv) => kv.split('=') as [string, string]))
      .to('rows', { key: s, value: s });
    b.table('rows', { key: s, value: s, name: 'rows-store' })
      .toStream()
      .to('rows-out', { key: s, value: Serdes.nullable(s) });
    const driver = new TestDriver(b.build(), { cacheMaxBytes: MiB });
    driver.createInputTopic('batches', s, s).pipeInput('b', 'k1=a k1=b k2=c');
    expect(
      driver.createOutputTopic('rows-out', s, Serdes.nullable(s)).readKeyValuesToList(),
    ).toEqual([
      ['k1', 'b'],
      ['k2', 'c'],
    ]);
    driver.close();
  });
});

describe('choosing the DSL store', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const stateDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-dsl-store-'));
    dirs.push(d);
    return d;
  };

  it.each([
    ['storeType: persistent', new StreamsBuilder(), { storeType: 'persistent' } as const],
    ['a supplier', new StreamsBuilder(), { supplier: Stores.persistentKeyValueStore('counts') }],
    ['default.dsl.store', new StreamsBuilder({ 'default.dsl.store': 'persistent' }), {}],
  ])('%s makes the aggregation store persistent (LMDB under state.dir)', (_what, b, options) => {
    b.stream('lines', { key: s, value: s })
      .groupByKey({ key: s, value: s })
      .count({ name: 'counts', ...options });
    const dir = stateDir();
    const driver = new TestDriver(b.build(), { stateDir: dir, cacheMaxBytes: MiB });
    driver.createInputTopic('lines', s, s).pipeInput('a', 'x');
    const store = driver.getKeyValueStore<string, number>('counts', 0);
    expect(store.persistent).toBe(true);
    expect(store.get('a')).toBe(1);
    driver.close();
    expect(fs.readdirSync(dir).length).toBeGreaterThan(0);
  });

  it('stays in memory by default', () => {
    const b = new StreamsBuilder();
    b.stream('lines', { key: s, value: s }).groupByKey().count({ name: 'counts' });
    const driver = new TestDriver(b.build());
    expect(driver.getKeyValueStore<string, number>('counts', 0).persistent).toBe(false);
    driver.close();
  });

  it('refuses a supplier named unlike the store, and an unknown default.dsl.store', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('lines', { key: s, value: s }).groupByKey();
    expect(() =>
      grouped.count({ name: 'counts', supplier: Stores.persistentKeyValueStore('other') }),
    ).toThrow(TopologyError);
    expect(
      () => new StreamsBuilder({ 'default.dsl.store': 'rocksdb' as unknown as 'persistent' }),
    ).toThrow(TopologyError);
  });

  /** A count and a windowed count, neither placed by its operator. */
  function unplaced(b: StreamsBuilder): StreamsBuilder {
    const grouped = b.stream('lines', { key: s, value: s }).groupByKey({ key: s, value: s });
    grouped.count({ name: 'counts' });
    grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count({ name: 'per-minute' });
    return b;
  }

  it.each([
    ['the app says persistent', {}, 'persistent', true],
    ["the app says Kafka's rocksDB", {}, 'rocksDB', true],
    [
      'the builder says in-memory, the app persistent',
      { 'default.dsl.store': 'in-memory' },
      'persistent',
      false,
    ],
    [
      'the builder says persistent, the app in_memory',
      { 'default.dsl.store': 'persistent' },
      'in_memory',
      true,
    ],
  ] as const)(
    'places stores at app start when the builder does not: %s',
    (_what, builderOptions, appDefault, persistent) => {
      // The topology is built before the runner (and its config) exists.
      const topology = unplaced(new StreamsBuilder(builderOptions)).build();
      const driver = new TestDriver(topology, {
        stateDir: stateDir(),
        defaultDslStore: appDefault,
        cacheMaxBytes: MiB,
      });
      driver.createInputTopic('lines', s, s).pipeInput('a', 'x', { timestamp: 1_000 });
      const counts = driver.getKeyValueStore<string, number>('counts', 0);
      expect(counts.persistent).toBe(persistent);
      expect(counts.get('a')).toBe(1);
      expect(driver.getWindowStore<string, unknown>('per-minute', 0).persistent).toBe(persistent);
      driver.close();
    },
  );

  it("places the store a stream–table join materializes as the app's default says", () => {
    const b = new StreamsBuilder();
    const users = b.table('users', { key: s, value: s, name: 'users' }).filter(() => true);
    b.stream('orders', { key: s, value: s })
      .join(users, (o, u) => `${o}/${u}`, { name: 'orders-users' })
      .to('out', { key: s, value: s });
    const driver = new TestDriver(b.build(), {
      stateDir: stateDir(),
      defaultDslStore: 'persistent',
    });
    driver.createInputTopic('users', s, s).pipeInput('u1', 'ann');
    driver.createInputTopic('orders', s, s).pipeInput('u1', 'o1');
    expect(driver.createOutputTopic('out', s, s).readValuesToList()).toEqual(['o1/ann']);
    expect(driver.getKeyValueStore('orders-users-table-store', 0).persistent).toBe(true);
    driver.close();
  });

  it('refuses an unknown app default.dsl.store with the values it takes', () => {
    const topology = unplaced(new StreamsBuilder()).build();
    expect(
      () => new TestDriver(topology, { defaultDslStore: 'lmdb' as unknown as 'persistent' }),
    ).toThrow('defaultDslStore="lmdb": expected one of in-memory, in_memory, persistent, rocksDB');
  });
});
