import { describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  type KStream,
  type Serde,
  type TestRecord,
} from '../../../../streams/index.js';

interface Order {
  readonly id: string;
  readonly user: string;
  readonly amount: number;
}

const orderSerde = Serdes.json<Order>();

/** Builds `orders → build(stream) → out` and runs it with one partition. */
function run<K, V>(
  build: (orders: KStream<string, Order>) => KStream<K, V>,
  keySerde: Serde<K>,
  valueSerde: Serde<V>,
  inputs: readonly (readonly [string, Order])[],
): TestRecord<K, V>[] {
  const b = new StreamsBuilder();
  build(b.stream('orders', { key: Serdes.string(), value: orderSerde })).to('out', {
    key: keySerde,
    value: valueSerde,
  });
  const driver = new TestDriver(b.build());
  const input = driver.createInputTopic('orders', Serdes.string(), orderSerde);
  inputs.forEach(([k, v], i) => {
    input.pipeInput(k, v, { timestamp: 100 + i, headers: { n: String(i) } });
  });
  const records = driver.createOutputTopic('out', keySerde, valueSerde).readRecordsToList();
  driver.close();
  return records;
}

const o1: Order = { id: 'o1', user: 'ann', amount: 10 };
const o2: Order = { id: 'o2', user: 'bob', amount: -5 };
const o3: Order = { id: 'o3', user: 'ann', amount: 7 };
const inputs = [
  ['o1', o1],
  ['o2', o2],
  ['o3', o3],
] as const;

describe('stateless operators through the TestDriver', () => {
  it('filter keeps accepted records with their headers and timestamps', () => {
    const out = run((s) => s.filter((_k, o) => o.amount > 0), Serdes.string(), orderSerde, inputs);
    expect(out.map((r) => [r.key, r.value.id, r.timestamp])).toEqual([
      ['o1', 'o1', 100],
      ['o3', 'o3', 102],
    ]);
    expect(out[1]?.headers).toEqual({ n: Buffer.from('2') });
  });

  it('filterNot drops accepted records', () => {
    const out = run(
      (s) => s.filterNot((_k, o) => o.amount > 0),
      Serdes.string(),
      orderSerde,
      inputs,
    );
    expect(out.map((r) => r.key)).toEqual(['o2']);
  });

  it('map changes key and value types', () => {
    const out = run(
      (s) => s.map((k, o): [number, string] => [o.amount, `${k}:${o.user}`]),
      Serdes.int32(),
      Serdes.string(),
      inputs,
    );
    expect(out.map((r) => [r.key, r.value])).toEqual([
      [10, 'o1:ann'],
      [-5, 'o2:bob'],
      [7, 'o3:ann'],
    ]);
  });

  it('mapValues gets the value and the key', () => {
    const out = run(
      (s) => s.mapValues((o, k) => `${k}=${o.amount * 2}`),
      Serdes.string(),
      Serdes.string(),
      inputs,
    );
    expect(out.map((r) => r.value)).toEqual(['o1=20', 'o2=-10', 'o3=14']);
  });

  it('flatMap emits any number of records per input, each with the input headers', () => {
    const out = run(
      (s) =>
        s.flatMap((_k, o) =>
          o.amount > 0 ? [[o.user, 1] as const, [o.id, o.amount] as const] : [],
        ),
      Serdes.string(),
      Serdes.int32(),
      inputs,
    );
    expect(out.map((r) => [r.key, r.value, r.headers.n])).toEqual([
      ['ann', 1, Buffer.from('0')],
      ['o1', 10, Buffer.from('0')],
      ['ann', 1, Buffer.from('2')],
      ['o3', 7, Buffer.from('2')],
    ]);
  });

  it('flatMapValues keeps the key', () => {
    const out = run(
      (s) => s.flatMapValues((o) => o.id.split('')),
      Serdes.string(),
      Serdes.string(),
      [['k', o1]],
    );
    expect(out.map((r) => [r.key, r.value])).toEqual([
      ['k', 'o'],
      ['k', '1'],
    ]);
  });

  it('selectKey re-keys and keeps the value serde', () => {
    const b = new StreamsBuilder();
    const rekeyed = b
      .stream('orders', { key: Serdes.string(), value: orderSerde })
      .selectKey((_k, o) => o.user);
    expect(rekeyed.repartitionRequired).toBe(true);
    rekeyed.to('out', { key: Serdes.string() });
    const driver = new TestDriver(b.build());
    driver.createInputTopic('orders', Serdes.string(), orderSerde).pipeInput('o1', o1);
    expect(driver.createOutputTopic('out', Serdes.string(), orderSerde).readKeyValue()).toEqual([
      'ann',
      o1,
    ]);
  });

  it('peek sees every record and passes it on; foreach is terminal', () => {
    const peeked: string[] = [];
    const seen: number[] = [];
    const b = new StreamsBuilder();
    const s = b
      .stream('orders', { key: Serdes.string(), value: orderSerde })
      .peek((k) => peeked.push(k));
    s.foreach((_k, o) => seen.push(o.amount));
    s.to('out');
    const driver = new TestDriver(b.build());
    driver.createInputTopic('orders', Serdes.string(), orderSerde).pipeKeyValues(inputs);
    expect(peeked).toEqual(['o1', 'o2', 'o3']);
    expect(seen).toEqual([10, -5, 7]);
    expect(driver.createOutputTopic('out', Serdes.string(), orderSerde).queueSize()).toBe(3);
  });

  it('key-preserving operators keep the stream partitioned; key-changing ones mark it', () => {
    const s = new StreamsBuilder().stream<string, Order>('orders');
    expect(
      s
        .filter(() => true)
        .mapValues((o) => o.amount)
        .flatMapValues((n) => [n]).repartitionRequired,
    ).toBe(false);
    expect(s.map((k, v) => [k, v] as const).repartitionRequired).toBe(true);
    expect(s.flatMap((k, v) => [[k, v] as const]).repartitionRequired).toBe(true);
    expect(s.selectKey((k) => k).mapValues((o) => o).repartitionRequired).toBe(true);
    expect(s.selectKey((k) => k).repartition().repartitionRequired).toBe(false);
  });
});
