import { describe, expect, it } from 'vitest';

import { Serdes, StreamsBuilder, TestDriver } from '../../../../streams/index.js';

const str = Serdes.string();

describe('KStream–GlobalKTable joins (TestDriver)', () => {
  function run(kind: 'join' | 'leftJoin') {
    const b = new StreamsBuilder();
    const products = b.globalTable('products', { key: str, value: str }); // deletions never reach its serde
    const orders = b.stream('orders', { key: str, value: str });
    // the order value is "<productId>:<qty>"; the key (order id) is not the table's key
    const product = (_orderId: string, v: string) => v.split(':')[0] ?? '';
    const joiner = (v: string, name: string | null) => `${v}=${name ?? '-'}`;
    (kind === 'join'
      ? orders.join(products, product, joiner)
      : orders.leftJoin(products, product, joiner)
    ).to('out', { key: str, value: str });
    // 3 partitions for orders, 2 for products: a global table needs no co-partitioning
    const driver = new TestDriver(b.build(), { topicPartitions: { orders: 3, products: 2 } });
    const p = driver.createInputTopic('products', str, Serdes.nullable(str));
    const o = driver.createInputTopic('orders', str, str);
    p.pipeKeyValues([
      ['p1', 'apple'],
      ['p2', 'pear'],
    ]);
    o.pipeKeyValues([
      ['o1', 'p1:2'],
      ['o2', 'p2:1'],
      ['o3', 'p9:1'],
    ]);
    p.pipeInput('p1', 'green apple'); // an update reaches every task at once
    p.pipeInput('p2', null); // and so does a deletion
    o.pipeKeyValues([
      ['o4', 'p1:5'],
      ['o5', 'p2:5'],
    ]);
    const out = driver
      .createOutputTopic('out', str, str)
      .readKeyValuesToList()
      .map(([k, v]) => `${k}:${v}`)
      .sort();
    driver.close();
    return out;
  }

  it('inner: joins every task’s records with the whole table, by a key derived from the record', () => {
    expect(run('join')).toEqual(['o1:p1:2=apple', 'o2:p2:1=pear', 'o4:p1:5=green apple']);
  });

  it('left: a record whose derived key has no row joins with null', () => {
    expect(run('leftJoin')).toEqual([
      'o1:p1:2=apple',
      'o2:p2:1=pear',
      'o3:p9:1=-',
      'o4:p1:5=green apple',
      'o5:p2:5=-',
    ]);
  });
});
