import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEtcd } from '../helpers/etcd-process.js';
import type { EtcdProcess } from '../helpers/etcd-process.js';
import { run } from '../helpers/run.js';
import { eventually, startTestCluster } from '../helpers/test-cluster.js';
import type { TestCluster } from '../helpers/test-cluster.js';

/** kcat (librdkafka), unmodified, against a three-broker cluster with metadata in etcd. */
describe('kcat against a fjord cluster', () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startTestCluster(etcd, 3);
    await eventually(() =>
      cluster.nodes.every((n) => n.broker?.metadata.liveBrokers().length === 3),
    );
    const kafka = new Kafka({
      clientId: 'kcat-cluster-setup',
      brokers: cluster.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'kcat-cluster', numPartitions: 3, replicationFactor: 3 }],
    });
    await admin.disconnect();
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('lists all three brokers and every partition with its leader, replicas and ISR', async () => {
    const { stdout } = await run('kcat', ['-L', '-b', cluster.bootstrap().split(',')[0] ?? '']);
    const text = stdout.toString();
    for (const n of cluster.nodes)
      expect(text).toContain(`broker ${n.nodeId} at 127.0.0.1:${n.port}`);
    expect(text).toMatch(/topic "kcat-cluster" with 3 partitions/);
    expect(text.match(/replicas: \d+,\d+,\d+/g)).toHaveLength(3);
  });

  it('produces to every partition leader and consumes it all back', async () => {
    const input = Array.from({ length: 300 }, (_, i) => `k${i}\tv${i}\n`).join('');
    // One bootstrap broker: kcat finds the leaders of the other partitions from Metadata.
    const bootstrap = cluster.bootstrap().split(',')[1] ?? '';
    await run('kcat', ['-P', '-b', bootstrap, '-t', 'kcat-cluster', '-K', '\t', '-X', 'acks=all'], {
      input,
      timeoutMs: 60_000,
    });
    const { stdout } = await run(
      'kcat',
      [
        '-C',
        '-b',
        bootstrap,
        '-t',
        'kcat-cluster',
        '-o',
        'beginning',
        '-c',
        '300',
        '-q',
        '-f',
        '%p %k\n',
      ],
      { timeoutMs: 60_000 },
    );
    const lines = stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(3);
  });
});
