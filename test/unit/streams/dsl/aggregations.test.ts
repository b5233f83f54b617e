import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, TestDriver } from '../../../../streams/index.js';

const s = Serdes.string();
const long = Serdes.int64();
const nullableLong = Serdes.nullable(Serdes.int64());

function wordCount(partitions = 1): { driver: TestDriver; b: StreamsBuilder } {
  const b = new StreamsBuilder();
  b.stream('lines', { key: s, value: s })
    .flatMapValues((line) => line.split(' '))
    .groupBy((_k, word) => word, { key: s, value: s })
    .count({ name: 'counts' })
    .toStream()
    .to('word-counts', { key: s, value: nullableLong });
  return { b, driver: new TestDriver(b.build(), { partitions }) };
}

describe('KGroupedStream aggregations', () => {
  it('counts words through a repartition named after the store, and emits every update', () => {
    const { driver } = wordCount();
    const lines = driver.createInputTopic('lines', s, s);
    const out = driver.createOutputTopic('word-counts', s, nullableLong);
    lines.pipeInput('l1', 'a b a');
    lines.pipeInput('l2', 'b c');
    expect(out.readKeyValuesToList()).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ]);
    const store = driver.getKeyValueStore<string, number>('counts');
    expect(store.get('a')).toBe(2);
    expect([...store.all()]).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ]);
    expect(driver.createOutputTopic('test-driver-counts-changelog', s, long).queueSize()).toBe(5);
  });

  it('declares the repartition and changelog topics, and describes the store', () => {
    const { b } = wordCount();
    const topology = b.build();
    expect(
      topology.internalTopics.map((t) => [t.name, t.kind, t.configs['cleanup.policy']]),
    ).toEqual([
      ['counts-repartition', 'repartition', 'delete'],
      ['counts-changelog', 'changelog', 'compact'],
    ]);
    expect(topology.describe().toString()).toContain('(stores: [counts])');
    expect(topology.warnings).toEqual([]);
  });

  it('warns about an unnamed aggregation', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: s }).groupByKey().count();
    expect(b.build().warnings).toEqual([
      expect.stringContaining('KSTREAM-AGGREGATE-STATE-STORE-0000000001'),
    ]);
  });

  it('keeps counts across rebalances by restoring from the changelog', () => {
    const { driver } = wordCount(3);
    const lines = driver.createInputTopic('lines', s, s);
    const out = driver.createOutputTopic('word-counts', s, nullableLong);
    lines.pipeInput('l1', 'x y z x');
    driver.simulateRebalance();
    lines.pipeInput('l2', 'x y');
    const last = new Map(out.readKeyValuesToList());
    expect(Object.fromEntries(last)).toEqual({ x: 3, y: 2, z: 1 });
    expect(driver.getKeyValueStore<string, number>('counts').get('x')).toBe(3);
  });

  it('reduces and aggregates per key, skipping null values', () => {
    const b = new StreamsBuilder();
    const grouped = b.stream('in', { key: s, value: Serdes.nullable(long) }).groupByKey();
    grouped
      .reduce((a, v) => Math.max(a ?? 0, v ?? 0), { name: 'max', value: nullableLong })
      .toStream()
      .to('max', { value: nullableLong });
    grouped
      .aggregate(
        () => '',
        (_k, v, agg) => `${agg}${v}`,
        { name: 'concat', value: s },
      )
      .toStream()
      .to('concat', { value: Serdes.nullable(s) });
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('in', s, Serdes.nullable(long));
    input.pipeKeyValues([
      ['k', 3],
      ['k', null],
      ['k', 1],
      ['j', 5],
    ]);
    expect(driver.createOutputTopic('max', s, nullableLong).readKeyValuesToList()).toEqual([
      ['k', 3],
      ['k', 3],
      ['j', 5],
    ]);
    expect(driver.createOutputTopic('concat', s, s).readValuesToList()).toEqual(['3', '31', '5']);
  });
});

describe('KTable', () => {
  interface User {
    readonly region: string;
    readonly balance: number;
  }
  const users = Serdes.json<User>();

  it('upserts and deletes on tombstones, and filters and maps changes', () => {
    const b = new StreamsBuilder();
    b.table('users', { name: 'users-store', key: s, value: users })
      .filter((_id, u) => u.balance > 0)
      .mapValues((u) => u.region)
      .toStream()
      .to('regions', { value: Serdes.nullable(s) });
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('users', s, Serdes.nullable(users));
    const out = driver.createOutputTopic('regions', s, Serdes.nullable(s));
    input.pipeInput('u1', { region: 'eu', balance: 5 });
    input.pipeInput('u1', { region: 'us', balance: 5 });
    input.pipeInput('u1', { region: 'us', balance: 0 }); // filtered out: a deletion downstream
    input.pipeInput('u2', { region: 'eu', balance: 0 }); // never visible: nothing emitted
    input.pipeInput('u1', null);
    expect(out.readKeyValuesToList()).toEqual([
      ['u1', 'eu'],
      ['u1', 'us'],
      ['u1', null],
    ]);
    const store = driver.getKeyValueStore<string, User>('users-store');
    expect(store.get('u1')).toBeUndefined();
    expect(store.get('u2')).toEqual({ region: 'eu', balance: 0 });
  });

  it('re-aggregates with groupBy: the subtractor removes a row from its old group', () => {
    const b = new StreamsBuilder();
    const table = b.table('users', { name: 'users-store', key: s, value: users });
    table
      .groupBy((_id, u) => [u.region, u.balance], { key: s, value: long })
      .aggregate(
        () => 0,
        (_r, v, sum) => sum + v,
        (_r, v, sum) => sum - v,
        { name: 'balance-per-region', value: long },
      )
      .toStream()
      .to('balances', { value: nullableLong });
    table
      .groupBy((_id, u) => [u.region, u], { key: s, value: users })
      .count({ name: 'users-per-region' })
      .toStream()
      .to('user-counts', { value: nullableLong });
    const driver = new TestDriver(b.build(), { partitions: 2 });
    const input = driver.createInputTopic('users', s, Serdes.nullable(users));
    input.pipeInput('u1', { region: 'eu', balance: 10 });
    input.pipeInput('u2', { region: 'eu', balance: 5 });
    input.pipeInput('u1', { region: 'us', balance: 7 }); // moves: eu -10, us +7
    input.pipeInput('u2', null); // deleted: eu -5
    expect(driver.createOutputTopic('balances', s, nullableLong).readKeyValuesToList()).toEqual([
      ['eu', 10],
      ['eu', 15],
      ['eu', 5],
      ['us', 7],
      ['eu', 0],
    ]);
    expect(driver.createOutputTopic('user-counts', s, nullableLong).readKeyValuesToList()).toEqual([
      ['eu', 1],
      ['eu', 2],
      ['eu', 1],
      ['us', 1],
      ['eu', 0],
    ]);
  });

  it('reduces a grouped table with adder and subtractor', () => {
    const b = new StreamsBuilder();
    b.table('scores', { name: 'scores-store', key: s, value: long })
      .groupBy((player, score) => [player.slice(0, 1), score], { key: s, value: long })
      .reduce(
        (a, v) => a + v,
        (a, v) => a - v,
        { name: 'team-scores' },
      )
      .toStream()
      .to('teams', { value: nullableLong });
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('scores', s, nullableLong);
    input.pipeInput('a1', 3);
    input.pipeInput('a2', 4);
    input.pipeInput('a1', 10);
    expect(driver.createOutputTopic('teams', s, nullableLong).readKeyValuesToList()).toEqual([
      ['a', 3],
      ['a', 7],
      ['a', 4],
      ['a', 14],
    ]);
  });
});

describe('cogroup', () => {
  it('aggregates two grouped streams into one store', () => {
    interface Stats {
      readonly clicks: number;
      readonly spent: number;
    }
    const b = new StreamsBuilder();
    const clicks = b.stream('clicks', { key: s, value: s }).groupByKey();
    const orders = b.stream('orders', { key: s, value: long }).groupByKey();
    clicks
      .cogroup<Stats>((_u, _c, st) => ({ ...st, clicks: st.clicks + 1 }))
      .cogroup(orders, (_u, amount, st) => ({ ...st, spent: st.spent + amount }))
      .aggregate(() => ({ clicks: 0, spent: 0 }), {
        name: 'user-stats',
        value: Serdes.json<Stats>(),
      })
      .toStream()
      .to('stats', { value: Serdes.nullable(Serdes.json<Stats>()) });
    const driver = new TestDriver(b.build());
    driver.createInputTopic('clicks', s, s).pipeInput('u', 'home');
    driver.createInputTopic('orders', s, long).pipeInput('u', 30);
    driver.createInputTopic('clicks', s, s).pipeInput('u', 'cart');
    expect(driver.createOutputTopic('stats', s, Serdes.json<Stats>()).readValuesToList()).toEqual([
      { clicks: 1, spent: 0 },
      { clicks: 1, spent: 30 },
      { clicks: 2, spent: 30 },
    ]);
    expect(b.build().subtopologies).toHaveLength(1);
  });
});
