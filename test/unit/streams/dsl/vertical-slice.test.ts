import * as rxjs from 'rxjs';
import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, TestDriver } from '../../../../streams/index.js';

interface Order {
  readonly id: string;
  readonly amount: number;
}

describe('the issue example', () => {
  it('filters, maps values, applies an RxJS operator and writes the topic', () => {
    const b = new StreamsBuilder();
    b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
      .filter((_k, o) => o.amount > 0)
      .mapValues((o) => ({ ...o, amount: Math.round(o.amount * 100) }))
      .pipe(rxjs.filter((r) => r.headers.test === undefined))
      .to('orders-clean');
    const driver = new TestDriver(b.build());
    const input = driver.createInputTopic('orders', Serdes.string(), Serdes.json<Order>());
    const output = driver.createOutputTopic('orders-clean', Serdes.string(), Serdes.json<Order>());
    input.pipeInput('a', { id: 'a', amount: 1.5 }, { timestamp: 10, headers: { trace: 't1' } });
    input.pipeInput('b', { id: 'b', amount: 0 }, { timestamp: 11 });
    input.pipeInput('c', { id: 'c', amount: 2 }, { timestamp: 12, headers: { test: 'yes' } });
    const records = output.readRecordsToList();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      key: 'a',
      value: { id: 'a', amount: 150 },
      timestamp: 10,
      partition: 0,
    });
    expect(records[0]?.headers.trace).toEqual(Buffer.from('t1'));
    driver.close();
  });
});
