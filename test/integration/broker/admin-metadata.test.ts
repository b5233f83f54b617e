import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTopic } from '../../../core/broker/topic-admin.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { MetadataRequest } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { call, openAdminBroker } from '../../helpers/admin-broker.js';
import type { AdminBroker } from '../../helpers/admin-broker.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const names = (topics: readonly { name: string }[]): string[] => topics.map((t) => t.name);

describe('Metadata and DescribeCluster on a single broker', () => {
  let dir: string;
  let cleanup: () => void;
  let admin: AdminBroker;

  beforeEach(async () => {
    ({ dir, cleanup } = makeTempDir('fjord-metadata-'));
    admin = openAdminBroker(dir, { 'node.id': '7' });
    await createTopic(admin.broker, 'alpha', 2, 1, {});
    await createTopic(admin.broker, 'beta', 1, -1, {});
    await createTopic(admin.broker, '__consumer_offsets', 3, 1, { 'cleanup.policy': 'compact' });
  });
  afterEach(async () => {
    await admin.close();
    cleanup();
  });

  async function reopen(props: Record<string, string>): Promise<void> {
    await admin.close();
    admin = openAdminBroker(dir, { 'node.id': '7', ...props });
  }

  const metadata = (version: number, request: MetadataRequest) =>
    call(admin.broker, ApiKey.METADATA, version, request);

  it('describes this node as the only broker and the controller, with the cluster id', async () => {
    const res = await metadata(9, { topics: [], allowAutoTopicCreation: true });
    expect(res.brokers).toEqual([{ nodeId: 7, host: '127.0.0.1', port: 9092, rack: null }]);
    expect(res.controllerId).toBe(7);
    expect(res.clusterId).toBe(admin.broker.clusterId);
    expect(res.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.topics).toEqual([]);
  });

  it('advertises 127.0.0.1 for a wildcard listener and advertised.listeners when set', async () => {
    await reopen({ listeners: 'PLAINTEXT://0.0.0.0:19092' });
    let res = await metadata(1, { topics: [] });
    expect(res.brokers[0]).toEqual(expect.objectContaining({ host: '127.0.0.1', port: 19092 }));
    await reopen({
      listeners: 'PLAINTEXT://0.0.0.0:19092',
      'advertised.listeners': 'PLAINTEXT://kafka.example:29092',
    });
    res = await metadata(1, { topics: [] });
    expect(res.brokers[0]).toEqual(expect.objectContaining({ host: 'kafka.example', port: 29092 }));
  });

  it('lists every non-internal topic for null topics (v1+) and none for []', async () => {
    for (const version of [1, 4, 9]) {
      const auto = version >= 4 ? { allowAutoTopicCreation: false } : {};
      const all = await metadata(version, { topics: null, ...auto });
      expect(names(all.topics)).toEqual(['alpha', 'beta']);
      const none = await metadata(version, { topics: [], ...auto });
      expect(none.topics).toEqual([]);
    }
  });

  it('reads [] as all topics in v0', async () => {
    const res = await metadata(0, { topics: [] });
    expect(names(res.topics)).toEqual(['alpha', 'beta']);
  });

  it('describes every partition led by this node with epoch 0 and a one-node ISR', async () => {
    const res = await metadata(9, { topics: [{ name: 'alpha' }], allowAutoTopicCreation: false });
    expect(res.topics).toEqual([
      {
        errorCode: 0,
        name: 'alpha',
        isInternal: false,
        partitions: [0, 1].map((p) => ({
          errorCode: 0,
          partitionIndex: p,
          leaderId: 7,
          leaderEpoch: 0,
          replicaNodes: [7],
          isrNodes: [7],
          offlineReplicas: [],
        })),
        topicAuthorizedOperations: -2147483648,
      },
    ]);
  });

  it('answers an internal topic asked by name, marked internal', async () => {
    const res = await metadata(5, {
      topics: [{ name: '__consumer_offsets' }],
      allowAutoTopicCreation: false,
    });
    expect(res.topics[0]).toEqual(
      expect.objectContaining({ name: '__consumer_offsets', errorCode: 0, isInternal: true }),
    );
    expect(res.topics[0]?.partitions).toHaveLength(3);
  });

  it('auto-creates an unknown topic when the request and the broker allow it', async () => {
    const res = await metadata(9, {
      topics: [{ name: 'fresh' }, { name: 'fresh' }, { name: 'alpha' }],
      allowAutoTopicCreation: true,
    });
    expect(res.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([
      ['fresh', 0, 1],
      ['alpha', 0, 2],
    ]);
    expect(admin.store.get('fresh')?.partitionCount).toBe(1);
    expect(admin.broker.partitions.get('fresh', 0)).toBeDefined();
  });

  it('gives UNKNOWN_TOPIC_OR_PARTITION when the request forbids auto-creation (v4+)', async () => {
    const res = await metadata(4, { topics: [{ name: 'fresh' }], allowAutoTopicCreation: false });
    expect(res.topics[0]).toEqual(
      expect.objectContaining({ name: 'fresh', errorCode: 3, partitions: [] }),
    );
    expect(admin.store.get('fresh')).toBeUndefined();
  });

  it('always auto-creates for v0-3, which cannot forbid it', async () => {
    for (const version of [0, 3]) {
      const name = `legacy-${version}`;
      const res = await metadata(version, { topics: [{ name }] });
      expect(res.topics[0]?.errorCode).toBe(0);
      expect(admin.store.get(name)).toBeDefined();
    }
  });

  it('never auto-creates with auto.create.topics.enable=false', async () => {
    await reopen({ 'auto.create.topics.enable': 'false', 'num.partitions': '3' });
    for (const [version, request] of [
      [2, { topics: [{ name: 'fresh' }] }],
      [9, { topics: [{ name: 'fresh' }], allowAutoTopicCreation: true }],
    ] as const) {
      const res = await metadata(version, request);
      expect(res.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    expect(admin.store.get('fresh')).toBeUndefined();
  });

  it('auto-creates with num.partitions', async () => {
    await reopen({ 'num.partitions': '3' });
    const res = await metadata(9, { topics: [{ name: 'wide' }], allowAutoTopicCreation: true });
    expect(res.topics[0]?.partitions).toHaveLength(3);
  });

  it('answers an illegal name with INVALID_TOPIC_EXCEPTION and creates nothing', async () => {
    const res = await metadata(9, {
      topics: [{ name: 'no spaces' }, { name: '..' }, { name: 'x'.repeat(250) }],
      allowAutoTopicCreation: true,
    });
    expect(res.topics.map((t) => t.errorCode)).toEqual([17, 17, 17]);
    expect(names(admin.store.list())).toEqual(['__consumer_offsets', 'alpha', 'beta']);
  });

  it('never auto-creates an internal topic', async () => {
    const res = await metadata(9, {
      topics: [{ name: '__transaction_state' }],
      allowAutoTopicCreation: true,
    });
    expect(res.topics[0]).toEqual(
      expect.objectContaining({ errorCode: 3, isInternal: true, partitions: [] }),
    );
  });

  it('reports a failed auto-create with its error code', async () => {
    await reopen({ 'default.replication.factor': '2' });
    const res = await metadata(9, { topics: [{ name: 'fresh' }], allowAutoTopicCreation: true });
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  it('DescribeCluster describes this node, the controller and the cluster id', async () => {
    for (const version of [0, 1]) {
      const res = await call(admin.broker, ApiKey.DESCRIBE_CLUSTER, version, {
        includeClusterAuthorizedOperations: false,
        endpointType: 1,
      });
      expect(res).toEqual(
        expect.objectContaining({
          errorCode: 0,
          errorMessage: null,
          clusterId: admin.broker.clusterId,
          controllerId: 7,
          brokers: [{ brokerId: 7, host: '127.0.0.1', port: 9092, rack: null }],
        }),
      );
    }
    const controllers = await call(admin.broker, ApiKey.DESCRIBE_CLUSTER, 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 2,
    });
    expect(controllers.brokers.map((b) => b.brokerId)).toEqual([7]);
    const unknown = await call(admin.broker, ApiKey.DESCRIBE_CLUSTER, 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 9,
    });
    expect(unknown.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
