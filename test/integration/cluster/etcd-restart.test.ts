import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EtcdMetadataStore } from '../../../core/broker/metadata/etcd-metadata-store.js';
import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import { eventually, startTestCluster } from '../../helpers/test-cluster.js';
import type { TestCluster } from '../../helpers/test-cluster.js';

/** etcd is SIGKILLed and restarted under a running cluster. */
describe('a cluster whose etcd restarts', () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startTestCluster(etcd, 3);
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  const store = (nodeId: number): EtcdMetadataStore => {
    const metadata = cluster.nodes[nodeId - 1]?.broker?.metadata;
    if (!(metadata instanceof EtcdMetadataStore)) throw new Error(`broker ${nodeId} is down`);
    return metadata;
  };

  it('keeps serving during the outage, then every broker is registered again and metadata changes work', async () => {
    await eventually(() => [1, 2, 3].every((id) => store(id).liveBrokers().length === 3));
    const kafka = new Kafka({
      clientId: 'etcd-restart',
      brokers: cluster.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 40, initialRetryTime: 50, maxRetryTime: 500 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'kept', numPartitions: 3, replicationFactor: 2 }],
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kept', messages: [{ value: 'before' }] });

    const down = etcd.child;
    down.kill('SIGKILL');
    await etcd.exited;
    // Brokers serve from their cached metadata while etcd is away.
    await producer.send({ topic: 'kept', messages: [{ value: 'during' }] });
    etcd = await etcd.restart();

    await eventually(
      () => [1, 2, 3].every((id) => store(id).liveBrokers().length === 3),
      20_000,
      'all brokers registered again',
    );
    await eventually(() => store(1).controllerId() > 0, 20_000, 'a controller');
    await producer.send({ topic: 'kept', messages: [{ value: 'after' }] });
    expect(
      await admin.createTopics({ topics: [{ topic: 'new-after-restart', replicationFactor: 3 }] }),
    ).toBe(true);
    const offsets = await admin.fetchTopicOffsets('kept');
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(3);
    await producer.disconnect();
    await admin.disconnect();
  });
});
