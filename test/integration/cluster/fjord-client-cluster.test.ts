import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import type { ConsumerRecord } from '../../../core/client/consumer/types.js';
import { Producer } from '../../../core/client/producer/producer.js';
import { consumeUntil } from '../../helpers/consumer-fixtures.js';
import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import { FAST_GROUP_PROPS } from '../../helpers/groups.js';
import { eventually, startTestCluster } from '../../helpers/test-cluster.js';
import type { TestCluster } from '../../helpers/test-cluster.js';

/** fjord's own client (admin, idempotent producer, group consumer) against a 3-broker cluster. */
describe("fjord's client against a fjord cluster", () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startTestCluster(etcd, 3, FAST_GROUP_PROPS);
    await eventually(() =>
      cluster.nodes.every((n) => n.broker?.metadata.liveBrokers().length === 3),
    );
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('creates an RF=3 topic, produces idempotently to every leader and consumes it in a group', async () => {
    // Bootstrap from one broker only: the client learns the others from Metadata.
    const bootstrap = cluster.bootstrap().split(',')[2] ?? '';
    const admin = await Admin.connect(bootstrap);
    try {
      await admin.createTopic('fjord-client', 6, 3);
    } finally {
      await admin.close();
    }
    const producer = new Producer({ bootstrap, idempotent: true });
    await producer.connect();
    const sent = Array.from({ length: 120 }, (_, i) => `v${i}`);
    const acks = await Promise.all(
      sent.map((value, i) => producer.send({ topic: 'fjord-client', key: `k${i}`, value })),
    );
    await producer.close();
    expect(new Set(acks.map((a) => a.partition)).size).toBe(6);
    const consumer = new Consumer({
      bootstrap,
      groupId: 'fjord-client-group',
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 200,
    });
    consumer.subscribe(['fjord-client']);
    const seen: ConsumerRecord[] = [];
    try {
      await consumeUntil(consumer, (records) => records.length >= sent.length, seen);
    } finally {
      await consumer.close();
    }
    expect(seen.map((r) => r.value?.toString()).sort()).toEqual([...sent].sort());
  });

  it('retries a send across its leader stopping and returning (NOT_LEADER_OR_FOLLOWER, metadata refresh)', async () => {
    const bootstrap = cluster.bootstrap();
    const admin = await Admin.connect(bootstrap);
    try {
      await admin.createTopic('fjord-failover', 1, 3);
    } finally {
      await admin.close();
    }
    const producer = new Producer({ bootstrap, idempotent: true });
    await producer.connect();
    try {
      const first = await producer.send({ topic: 'fjord-failover', partition: 0, value: 'a' });
      expect(first.offset).toBe(0);
      const leader =
        cluster.nodes[0]?.broker?.metadata.partitionState('fjord-failover', 0)?.leader ?? -1;
      await cluster.stop(leader);
      const pending = producer.send({ topic: 'fjord-failover', partition: 0, value: 'b' });
      await new Promise((r) => setTimeout(r, 500));
      await cluster.start(leader);
      const second = await pending;
      expect(second.offset).toBe(1);
    } finally {
      await producer.close();
    }
  });
});
