/**
 * A KStream–GlobalKTable join run by StreamsApp on an embedded broker: the global table is read
 * whole (every partition) before the app processes, and follows later updates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Serdes, StreamsApp, StreamsBuilder } from '../../../streams/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { StreamsCluster } from '../../helpers/streams-harness.js';

describe('StreamsApp with a global table', () => {
  let cluster: StreamsCluster;
  beforeAll(async () => {
    cluster = await StreamsCluster.start();
  });
  afterAll(() => cluster.close());

  it('bootstraps the whole table before processing, across partition counts, and follows updates', async () => {
    const { admin, producer } = cluster;
    await admin.createTopic('gk-products', 2, 1); // not co-partitioned with the orders
    await admin.createTopic('gk-orders', 3, 1);
    await admin.createTopic('gk-out', 1, 1);
    const products = Array.from({ length: 50 }, (_, i) => [`p${i}`, `product ${i}`] as const);
    await Promise.all(
      products.map(([k, v]) => producer.send({ topic: 'gk-products', key: k, value: v })),
    );
    const str = Serdes.string();
    const b = new StreamsBuilder();
    const table = b.globalTable('gk-products', { key: str, value: str, name: 'products' });
    b.stream('gk-orders', { key: str, value: str })
      .leftJoin(
        table,
        (_id, productId) => productId,
        (productId, name) => `${productId}=${name ?? '-'}`,
      )
      .to('gk-out', { key: str, value: str });
    const app = new StreamsApp(
      b.build(),
      {
        'application.id': 'global-join',
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 200,
      },
      { handleSignals: false },
    );
    // Orders are there before the app starts: the table must be whole before they are processed.
    await Promise.all(
      products.map(([k], i) => producer.send({ topic: 'gk-orders', key: `o${i}`, value: k })),
    );
    await app.start();
    const out = await cluster.reader('gk-out');
    try {
      await out.until('50 joined orders', (r) => r.records.length >= 50);
      expect(out.records.map((r) => r.value?.toString()).sort()).toEqual(
        products.map(([k, v]) => `${k}=${v}`).sort(),
      );
      await producer.send({ topic: 'gk-products', key: 'p-new', value: 'new product' });
      await waitUntil('the update reaches the table', async () => {
        await producer.send({ topic: 'gk-orders', key: 'o-new', value: 'p-new' });
        return out.records.some((r) => r.value?.toString() === 'p-new=new product') || undefined;
      });
    } finally {
      await app.close();
    }
  }, 60_000);
});
