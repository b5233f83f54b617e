import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../../core/index.js';
import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  type RecordContext,
} from '../../../../streams/index.js';

interface Order {
  readonly region: string;
  readonly amount: number;
}

const s = Serdes.string();
const orders = Serdes.json<Order>();

describe('to', () => {
  it('writes each record to the topic a function picks from key, value and record context', () => {
    const seen: (RecordContext | undefined)[] = [];
    const b = new StreamsBuilder();
    b.stream('orders', { key: s, value: orders }).to((_k, o, ctx) => {
      seen.push(ctx);
      return `orders-${o.region}`;
    });
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('orders', s, orders);
    input.pipeInput('1', { region: 'eu', amount: 1 }, { timestamp: 5 });
    input.pipeInput('2', { region: 'us', amount: 2 });
    input.pipeInput('3', { region: 'eu', amount: 3 });
    expect(driver.createOutputTopic('orders-eu', s, orders).readKeyValuesToList()).toEqual([
      ['1', { region: 'eu', amount: 1 }],
      ['3', { region: 'eu', amount: 3 }],
    ]);
    expect(driver.createOutputTopic('orders-us', s, orders).readValuesToList()).toEqual([
      { region: 'us', amount: 2 },
    ]);
    expect(seen[0]).toMatchObject({ topic: 'orders', partition: 0, offset: 0, timestamp: 5 });
  });

  it('places records with a custom partitioner, else by murmur2 of the key', () => {
    const b = new StreamsBuilder();
    const input = b.stream('orders', { key: s, value: orders });
    input.to('by-region', {
      partitioner: (_topic, _k, o, count) => (o.region === 'eu' ? 0 : count - 1),
    });
    input.to('by-key');
    const driver = new TestDriver(b.build(), { topicPartitions: { 'by-region': 3, 'by-key': 4 } });
    const pipe = driver.createInputTopic('orders', s, orders);
    for (let i = 0; i < 20; i++)
      pipe.pipeInput(`k${i}`, { region: i % 2 === 0 ? 'eu' : 'us', amount: i });
    for (const r of driver.createOutputTopic('by-region', s, orders).readRecordsToList())
      expect(r.partition).toBe(r.value.region === 'eu' ? 0 : 2);
    const byKey = driver.createOutputTopic('by-key', s, orders).readRecordsToList();
    expect(new Set(byKey.map((r) => r.partition)).size).toBeGreaterThan(1);
    // the same placement the input topic got from its one partition's point of view: deterministic per key
    const again = new TestDriver(b.build(), { topicPartitions: { 'by-region': 3, 'by-key': 4 } });
    again.createInputTopic('orders', s, orders).pipeInput('k7', { region: 'us', amount: 7 });
    expect(again.createOutputTopic('by-key', s, orders).readRecord().partition).toBe(
      byKey.find((r) => r.key === 'k7')?.partition,
    );
  });

  it('fails task creation with a ConfigError naming the sink that has no serde', () => {
    const b = new StreamsBuilder();
    b.stream('in').to('out', { name: 'the-sink' });
    expect(() => new TestDriver(b.build())).toThrow(ConfigError);
    expect(() => new TestDriver(b.build(), { defaultKeySerde: s })).toThrow(
      /sink the-sink \(value\)/,
    );
    expect(
      () => new TestDriver(b.build(), { defaultKeySerde: s, defaultValueSerde: s }),
    ).not.toThrow();
  });

  it('uses the runner default serdes before serdes inherited from upstream', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: Serdes.json<number>() })
      .mapValues((v) => v + 1)
      .to('out');
    const driver = new TestDriver(b.build(), { defaultValueSerde: Serdes.int32() });
    driver.createInputTopic('in', s, Serdes.json<number>()).pipeInput('a', 1);
    expect(driver.createOutputTopic('out', s, Serdes.int32()).readValue()).toBe(2);
  });
});
