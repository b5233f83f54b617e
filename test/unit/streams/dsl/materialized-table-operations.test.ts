import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  type KTable,
  type TableOperationOptions,
} from '../../../../streams/index.js';

const s = Serdes.string();
const long = Serdes.int64();
const nullableLong = Serdes.nullable(Serdes.int64());
const MiB = 1 << 20;

/** Table `scores` (string → int64), the rows with a positive score to `out`. */
function positive(options?: TableOperationOptions<string, number>): StreamsBuilder {
  const b = new StreamsBuilder();
  b.table('scores', { key: s, value: long, name: 'scores' })
    .filter((_k, v) => v > 0, options)
    .toStream()
    .to('out', { key: s, value: nullableLong });
  return b;
}

/** Pipes the scores of a key entering, changing in, leaving and re-entering the filter. */
function pipeScores(driver: TestDriver): void {
  const input = driver.createInputTopic('scores', s, nullableLong);
  input.pipeInput('a', 1);
  input.pipeInput('b', -1); // never passes: nothing downstream, nothing stored
  input.pipeInput('a', 2);
  input.pipeInput('a', -5); // leaves the filter: a deletion downstream and in the store
  input.pipeInput('b', 3);
  input.pipeInput('b', null); // deleted upstream: deleted here
  input.pipeInput('a', null); // deleted upstream, already absent here: nothing
  input.pipeInput('c', 7);
}

const SCORES_OUT: [string, number | null][] = [
  ['a', 1],
  ['a', 2],
  ['a', null],
  ['b', 3],
  ['b', null],
  ['c', 7],
];

describe('KTable.filter / filterNot materialized with their own store', () => {
  it('stores the rows that pass, forwards what the stateless filter forwards, and logs a tombstone for a row that leaves', () => {
    const driver = new TestDriver(positive({ materialized: { name: 'positive' } }).build());
    pipeScores(driver);
    expect(driver.createOutputTopic('out', s, nullableLong).readKeyValuesToList()).toEqual(
      SCORES_OUT,
    );
    expect(
      driver
        .createOutputTopic('test-driver-positive-changelog', s, nullableLong)
        .readKeyValuesToList(),
    ).toEqual(SCORES_OUT);
    expect([...driver.getKeyValueStore<string, number>('positive').all()]).toEqual([['c', 7]]);
    // The source table keeps every row, the filtered one only those passing.
    expect(driver.getKeyValueStore<string, number>('scores').get('b')).toBeUndefined();
    expect(driver.getKeyValueStore<string, number>('scores').get('a')).toBeUndefined();
    driver.close();

    const plain = new TestDriver(positive().build());
    pipeScores(plain);
    expect(plain.createOutputTopic('out', s, nullableLong).readKeyValuesToList()).toEqual(
      SCORES_OUT,
    );
    plain.close();
  });

  it('filterNot stores the rows the predicate rejects', () => {
    const b = new StreamsBuilder();
    b.table('scores', { key: s, value: long, name: 'scores' })
      .filterNot((_k, v) => v > 0, { materialized: { name: 'non-positive' } })
      .toStream()
      .to('out', { key: s, value: nullableLong });
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('scores', s, nullableLong);
    input.pipeInput('a', 0);
    input.pipeInput('a', 4); // now accepted by the predicate: leaves
    input.pipeInput('b', -2);
    expect(driver.createOutputTopic('out', s, nullableLong).readKeyValuesToList()).toEqual([
      ['a', 0],
      ['a', null],
      ['b', -2],
    ]);
    expect([...driver.getKeyValueStore<string, number>('non-positive').all()]).toEqual([['b', -2]]);
    driver.close();
  });

  it('declares a compacted changelog, describes the store and warns only when unnamed', () => {
    const topology = positive({ materialized: { name: 'positive' } }).build();
    expect(topology.internalTopics.map((t) => [t.name, t.configs['cleanup.policy']])).toEqual([
      ['scores-changelog', 'compact'],
      ['positive-changelog', 'compact'],
    ]);
    expect(topology.describe().toString()).toContain('(stores: [positive])');
    expect(topology.warnings).toEqual([]);

    const unnamed = positive({ materialized: {} }).build();
    expect(unnamed.warnings).toEqual([
      expect.stringContaining('KTABLE-FILTER-STATE-STORE-0000000002'),
    ]);
    // Without a Materialized the filter keeps no state.
    expect(
      positive()
        .build()
        .internalTopics.map((t) => t.name),
    ).toEqual(['scores-changelog']);
  });

  it('is the queryable store of the result table, which joins then use as they are', () => {
    const b = new StreamsBuilder();
    const active = b
      .table('scores', { key: s, value: long, name: 'scores' })
      .filter((_k, v) => v > 0, { materialized: { name: 'positive' } });
    expect(active.queryableStoreName).toBe('positive');
    expect(
      b.table('other-scores', { key: s, value: long, name: 'other' }).filter(() => true)
        .queryableStoreName,
    ).toBeUndefined();
    b.stream('orders', { key: s, value: s })
      .join(active, (o, score) => `${o}:${String(score)}`, { name: 'orders-scores' })
      .to('joined', { key: s, value: s });
    const topology = b.build();
    expect(topology.internalTopics.map((t) => t.name)).not.toContain(
      'orders-scores-table-store-changelog',
    );
    const driver = new TestDriver(topology);
    driver.createInputTopic('scores', s, long).pipeInput('a', 3);
    driver.createInputTopic('orders', s, s).pipeInput('a', 'o1');
    expect(driver.createOutputTopic('joined', s, s).readValuesToList()).toEqual(['o1:3']);
    driver.close();
  });
});

describe('KTable.mapValues materialized with its own store', () => {
  interface Account {
    readonly region: string;
    readonly balance: number;
  }
  const accounts = Serdes.json<Account>();
  /** Per input: the subtraction of its old value (if any), then the addition of its new. */
  const BALANCES: [string, number][] = [
    ['eu', 10],
    ['eu', 15],
    ['eu', 5], // u1 eu:10 → eu:30 subtracts 10 ...
    ['eu', 35], // ... and adds 30
    ['eu', 30], // u2 leaves eu
    ['us', 5], // and joins us
    ['eu', 0], // u1 deleted
  ];

  /** users: id → "region:balance", parsed by mapValues; the balance per region with a subtractor. */
  function balances(options?: TableOperationOptions<string, Account>): StreamsBuilder {
    const b = new StreamsBuilder();
    const parsed: KTable<string, Account> = b
      .table('users', { key: s, value: s, name: 'users' })
      .mapValues((row) => {
        const [region = '', balance = '0'] = row.split(':');
        return { region, balance: Number(balance) };
      }, options);
    parsed
      .groupBy((_id, a) => [a.region, a.balance], { name: 'by-region', key: s, value: long })
      .aggregate(
        () => 0,
        (_r, v, sum) => sum + v,
        (_r, v, sum) => sum - v,
        { name: 'balance-per-region', value: long, caching: false },
      )
      .toStream()
      .to('balances', { key: s, value: nullableLong });
    return b;
  }

  function pipe(options?: TableOperationOptions<string, Account>, cacheMaxBytes?: number) {
    const driver = new TestDriver(
      balances(options).build(),
      cacheMaxBytes === undefined ? {} : { cacheMaxBytes },
    );
    const users = driver.createInputTopic('users', s, Serdes.nullable(s));
    users.pipeInput('u1', 'eu:10');
    users.pipeInput('u2', 'eu:5');
    users.pipeInput('u1', 'eu:30'); // same group: subtract 10, add 30
    users.pipeInput('u2', 'us:5'); // moves: eu loses 5, us gains 5
    users.pipeInput('u1', null); // deleted: eu loses 30
    const out = driver.createOutputTopic('balances', s, nullableLong).readKeyValuesToList();
    return { driver, out };
  }

  it('forwards old values from its store, so the subtractor downstream takes out what was added', () => {
    const { driver, out } = pipe({ materialized: { name: 'accounts', value: accounts } });
    expect(out).toEqual(BALANCES);
    const store = driver.getKeyValueStore<string, Account>('accounts');
    expect([...store.all()]).toEqual([['u2', { region: 'us', balance: 5 }]]);
    expect(
      driver
        .createOutputTopic('test-driver-accounts-changelog', s, Serdes.nullable(accounts))
        .readKeyValuesToList(),
    ).toEqual([
      ['u1', { region: 'eu', balance: 10 }],
      ['u2', { region: 'eu', balance: 5 }],
      ['u1', { region: 'eu', balance: 30 }],
      ['u2', { region: 'us', balance: 5 }],
      ['u1', null],
    ]);
    driver.close();
    const plain = pipe();
    expect(plain.out).toEqual(out);
    plain.driver.close();
  });
  it('cached, forwards each key once per commit with the old value last forwarded: the same balances', () => {
    const { driver, out } = pipe({ materialized: { name: 'accounts', value: accounts } }, MiB);
    // The driver commits after each input: one change per input, each subtracting its old value.
    expect(out).toEqual(BALANCES);
    expect(driver.getKeyValueStore<string, Account>('accounts').get('u1')).toBeUndefined();
    driver.close();
  });
});

describe('materialized table operations and the record cache', () => {
  /**
   * Rows written to `rows` by a batch (all processed before one commit), read by a table that
   * does not cache, so every update reaches the filter.
   */
  function batch(caching: boolean | undefined, cacheMaxBytes: number) {
    const b = new StreamsBuilder();
    b.stream('batches', { key: s, value: s })
      .flatMap((_k, v) =>
        v.split(' ').map((kv) => {
          const [k = '', n = '0'] = kv.split('=');
          return [k, Number(n)] as [string, number];
        }),
      )
      .to('rows', { key: s, value: long });
    b.table('rows', { key: s, value: long, name: 'rows', caching: false })
      .filter((_k, v) => v > 0, {
        materialized: { name: 'kept', ...(caching === undefined ? {} : { caching }) },
      })
      .toStream()
      .to('out', { key: s, value: nullableLong });
    const driver = new TestDriver(b.build(), { cacheMaxBytes });
    driver.createInputTopic('batches', s, s).pipeInput('x', 'k1=1 k1=2 k2=-1 k1=3 k2=4 k2=-2');
    const out = driver.createOutputTopic('out', s, nullableLong).readKeyValuesToList();
    const changelog = driver
      .createOutputTopic('test-driver-kept-changelog', s, nullableLong)
      .readKeyValuesToList();
    const kept = [...driver.getKeyValueStore<string, number>('kept').all()];
    driver.close();
    return { out, changelog, kept };
  }

  it('cached (the default), forwards and logs each key once per commit; a row added and removed between commits gives nothing', () => {
    const { out, changelog, kept } = batch(undefined, MiB);
    expect(out).toEqual([['k1', 3]]);
    // The cache writes k2's deletion through, as Kafka's caching store does: a tombstone for a
    // key the changelog never had, which compaction removes.
    expect(changelog).toEqual([
      ['k1', 3],
      ['k2', null],
    ]);
    expect(kept).toEqual([['k1', 3]]);
  });

  it.each([
    ['caching: false', false, MiB],
    ['statestore.cache.max.bytes=0', undefined, 0],
  ])('with %s, forwards and logs every update', (_what, caching, cacheMaxBytes) => {
    const { out, changelog, kept } = batch(caching, cacheMaxBytes);
    const every: [string, number | null][] = [
      ['k1', 1],
      ['k1', 2],
      ['k1', 3],
      ['k2', 4],
      ['k2', null],
    ];
    expect(out).toEqual(every);
    expect(changelog).toEqual(every);
    expect(kept).toEqual([['k1', 3]]);
  });

  it('forwards from the flush the same latest change as uncached, also after an earlier commit', () => {
    const topology = positive({ materialized: { name: 'positive' } }).build();
    const driver = new TestDriver(topology, { cacheMaxBytes: MiB });
    pipeScores(driver);
    // The driver commits after each input, so each input's change is flushed on its own.
    expect(driver.createOutputTopic('out', s, nullableLong).readKeyValuesToList()).toEqual(
      SCORES_OUT,
    );
    driver.close();
  });
});

describe('the store of a materialized table operation across task moves', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['in memory', undefined],
    ['persistent', 'persistent'],
  ] as const)(
    '%s: is restored from its changelog, so a row leaving the filter after the move is still deleted',
    (_what, storeType) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-table-op-'));
      dirs.push(dir);
      const materialized = { name: 'positive', ...(storeType === undefined ? {} : { storeType }) };
      const driver = new TestDriver(positive({ materialized }).build(), {
        partitions: 3,
        stateDir: dir,
      });
      const input = driver.createInputTopic('scores', s, nullableLong);
      for (const [k, v] of [
        ['a', 1],
        ['b', 2],
        ['c', -3],
        ['d', 4],
      ] as const)
        input.pipeInput(k, v);
      const out = driver.createOutputTopic('out', s, nullableLong);
      out.readKeyValuesToList();
      expect(driver.getKeyValueStore<string, number>('positive', 0).persistent).toBe(
        storeType === 'persistent',
      );
      expect(driver.simulateRebalance().length).toBeGreaterThan(0);
      const store = driver.getKeyValueStore<string, number>('positive');
      expect(['a', 'b', 'c', 'd'].map((k) => store.get(k))).toEqual([1, 2, undefined, 4]);
      input.pipeInput('a', -1); // leaves: the restored store knows it passed before
      input.pipeInput('d', 5);
      expect(out.readKeyValuesToList()).toEqual([
        ['a', null],
        ['d', 5],
      ]);
      expect(store.get('a')).toBeUndefined();
      driver.close();
    },
  );

  it("is placed as the builder's default.dsl.store says when the operation does not say", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-table-op-'));
    dirs.push(dir);
    const b = new StreamsBuilder({ 'default.dsl.store': 'persistent' });
    b.table('scores', { key: s, value: long, name: 'scores', storeType: 'in-memory' }).mapValues(
      (v) => v * 2,
      { materialized: { name: 'doubled', value: long } },
    );
    const driver = new TestDriver(b.build(), { stateDir: dir });
    driver.createInputTopic('scores', s, long).pipeInput('a', 21);
    const doubled = driver.getKeyValueStore<string, number>('doubled', 0);
    expect(doubled.persistent).toBe(true);
    expect(doubled.get('a')).toBe(42);
    expect(driver.getKeyValueStore('scores', 0).persistent).toBe(false);
    driver.close();
  });
});
