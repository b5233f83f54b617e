import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';
import { fetchAll, produceValues } from '../../helpers/wire-client.js';

describe('Admin', () => {
  let broker: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker();
    admin = await Admin.connect(broker.bootstrap);
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

  it('grows a topic with createPartitions and refuses to shrink it', async () => {
    await admin.createTopic('admin-grow', 2, 1);
    await admin.createPartitions('admin-grow', 5);
    expect((await admin.describeTopic('admin-grow')).partitions).toHaveLength(5);
    await expect(admin.createPartitions('admin-grow', 3)).rejects.toMatchObject({ code: 37 });
  });

  it('deletes records below an offset and reports the new log start', async () => {
    await admin.createTopic('admin-trim', 1, 1);
    const connection = await KafkaConnection.connect('127.0.0.1', broker.port);
    await produceValues(connection, 'admin-trim', 0, ['a', 'b', 'c', 'd', 'e']);
    expect(await admin.deleteRecords('admin-trim', new Map([[0, 3]]))).toEqual(new Map([[0, 3]]));
    expect((await fetchAll(connection, 'admin-trim', 0, 3)).map((r) => r.value)).toEqual([
      'd',
      'e',
    ]);
    expect((await admin.listOffsets('admin-trim', 'earliest')).get(0)?.offset).toBe(3);
    await connection.close();
  });

  it('describes the cluster and topic and broker configs', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cluster.brokers).toEqual([
      { nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null },
    ]);
    expect(cluster.controllerId).toBe(1);
    await admin.createTopic('admin-configs', 1, 1, { 'retention.ms': '1234' });
    const topicConfigs = await admin.describeConfigs('topic', 'admin-configs');
    expect(topicConfigs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '1234',
      isDefault: false,
    });
    expect(topicConfigs.find((c) => c.name === 'segment.bytes')).toMatchObject({ isDefault: true });
    const brokerConfigs = await admin.describeConfigs('broker', '1');
    expect(brokerConfigs.length).toBeGreaterThan(5);
  });
});
