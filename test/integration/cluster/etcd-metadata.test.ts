import * as fs from 'node:fs';
import * as path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { EtcdMetadataStore } from '../../../core/broker/metadata/etcd-metadata-store.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { readBatchHeader } from '../../../core/protocol/records/batch-header.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import { eventually, startTestCluster } from '../../helpers/test-cluster.js';
import { produceValues } from '../../helpers/wire-client.js';
import type { TestCluster } from '../../helpers/test-cluster.js';

/** Three in-process brokers whose metadata lives in one etcd. */
describe('a cluster with metadata in etcd', () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster | undefined;

  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });
  afterAll(async () => {
    await etcd.stop();
  });

  const kafkaFor = (c: TestCluster): Kafka =>
    new Kafka({
      clientId: 'cluster-test',
      brokers: c.bootstrap().split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 },
    });
  const store = (c: TestCluster, nodeId: number): EtcdMetadataStore => {
    const broker = c.nodes[nodeId - 1]?.broker;
    if (broker === undefined) throw new Error(`broker ${nodeId} is down`);
    const metadata = broker.metadata;
    if (!(metadata instanceof EtcdMetadataStore)) throw new Error('not an etcd cluster');
    return metadata;
  };

  it('lists every live broker and one elected controller in Metadata from any broker', async () => {
    const c = (cluster = await startTestCluster(etcd, 3));
    await eventually(() => c.nodes.every((n) => store(c, n.nodeId).liveBrokers().length === 3));
    await eventually(() => store(c, 1).controllerId() > 0, 10_000, 'a controller');
    const admin = kafkaFor(c).admin();
    await admin.connect();
    try {
      const described = await admin.describeCluster();
      expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      expect([1, 2, 3]).toContain(described.controller);
      // Every broker agrees on the controller.
      const ids = new Set(c.nodes.map((n) => store(c, n.nodeId).controllerId()));
      expect(ids.size).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('places RF=3 replicas with leaders spread evenly and opens each replica on its broker', async () => {
    const c = (cluster = await startTestCluster(etcd, 3));
    await eventually(() => c.nodes.every((n) => store(c, n.nodeId).liveBrokers().length === 3));
    const admin = kafkaFor(c).admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [{ topic: 'orders', numPartitions: 6, replicationFactor: 3 }],
        }),
      ).toBe(true);
      const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      expect(partitions).toHaveLength(6);
      const leaders = new Map<number, number>();
      for (const p of partitions) {
        expect([...p.replicas].sort()).toEqual([1, 2, 3]);
        expect(p.replicas[0]).toBe(p.leader);
        // The leader is in sync from the start; followers join once they have fetched.
        expect(p.isr).toContain(p.leader);
        expect(p.replicas).toEqual(expect.arrayContaining([...p.isr]));
        leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
      }
      expect([...leaders.values()]).toEqual([2, 2, 2]);
      // Every broker holds a replica of every partition: each opened all six folders.
      await eventually(() =>
        c.nodes.every((n) =>
          [0, 1, 2, 3, 4, 5].every((p) => fs.existsSync(path.join(n.dataDir, `orders-${p}`))),
        ),
      );
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] })).toBe(
        false,
      );
      const tooWide = await admin
        .createTopics({ topics: [{ topic: 'too-wide', replicationFactor: 4 }] })
        .catch((err: unknown) => err);
      expect(JSON.stringify(tooWide)).toContain('INVALID_REPLICATION_FACTOR');
      await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 9 }] });
      const grown = await admin.fetchTopicMetadata({ topics: ['orders'] });
      expect(grown.topics[0]?.partitions).toHaveLength(9);
      await admin.deleteTopics({ topics: ['orders'] });
      await eventually(
        () => c.nodes.every((n) => !fs.existsSync(path.join(n.dataDir, 'orders-0'))),
        10_000,
        'every replica deleted',
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('routes kafkajs produce and a consumer group to the leaders across brokers', async () => {
    const c = (cluster = await startTestCluster(etcd, 3, { 'offsets.topic.num.partitions': '3' }));
    await eventually(() => c.nodes.every((n) => store(c, n.nodeId).liveBrokers().length === 3));
    const kafka = kafkaFor(c);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'events', numPartitions: 3, replicationFactor: 2 }],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => `v${i}`);
    await producer.send({
      topic: 'events',
      messages: sent.map((value, i) => ({ value, partition: i % 3 })),
    });
    await producer.disconnect();
    const consumer = kafka.consumer({
      groupId: 'g1',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'events', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await eventually(() => seen.length >= 30, 30_000, 'all records consumed');
    await consumer.disconnect();
    expect([...seen].sort()).toEqual([...sent].sort());
  });

  it('answers NOT_LEADER_OR_FOLLOWER on a follower, and takes a partition offline and back when its only in-sync replica stops and returns', async () => {
    const c = (cluster = await startTestCluster(etcd, 3));
    await eventually(() => c.nodes.every((n) => store(c, n.nodeId).liveBrokers().length === 3));
    const admin = kafkaFor(c).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 't', numPartitions: 1, replicationFactor: 3 }] });
    await admin.disconnect();
    const state = store(c, 1).partitionState('t', 0);
    if (state === undefined) throw new Error('no state');
    const leader = state.leader;
    const other = [1, 2, 3].find((id) => id !== leader) ?? 0;
    const follower = await KafkaConnection.connect('127.0.0.1', c.nodes[other - 1]?.port ?? 0);
    try {
      const refused = await produceValues(follower, 't', 0, ['x'], { acks: 1 });
      expect(refused.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    } finally {
      await follower.close();
    }
    // The followers go first: the ISR shrinks to the leader alone, the only replica that then
    // holds everything committed.
    const followers = [1, 2, 3].filter((id) => id !== leader);
    for (const id of followers) await c.stop(id);
    await eventually(
      () => store(c, leader).partitionState('t', 0)?.isr.length === 1,
      10_000,
      'an ISR of the leader alone',
    );
    await c.stop(leader);
    const watcher = await c.start(other);
    expect(watcher.port).toBeGreaterThan(0);
    await eventually(
      () => store(c, other).partitionState('t', 0)?.leader === -1,
      10_000,
      'the partition offline',
    );
    expect(store(c, other).partitionState('t', 0)?.leaderEpoch).toBe(1);
    // Unclean election is off: a replica outside the ISR never leads.
    expect(store(c, other).partitionState('t', 0)?.isr).toEqual([leader]);
    await c.start(leader);
    await eventually(
      () => store(c, other).partitionState('t', 0)?.leader === leader,
      10_000,
      'the leader back',
    );
    expect(store(c, other).partitionState('t', 0)?.leaderEpoch).toBe(2);
    // The returned leader stamps its new epoch into what it appends.
    const back = await KafkaConnection.connect('127.0.0.1', c.nodes[leader - 1]?.port ?? 0);
    try {
      await eventually(
        async () => (await produceValues(back, 't', 0, ['y'], { acks: -1 })).errorCode === 0,
        10_000,
        'the returned leader accepting writes',
      );
      const response = await back.send(ApiKey.FETCH, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        topics: [
          {
            topic: 't',
            partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }],
          },
        ],
      });
      const records = response.responses[0]?.partitions[0]?.records;
      if (!Buffer.isBuffer(records)) throw new Error('no records');
      expect(readBatchHeader(records, 0).partitionLeaderEpoch).toBe(2);
    } finally {
      await back.close();
    }
  });

  it('elects another controller when the controller stops; topic creation still works', async () => {
    const c = (cluster = await startTestCluster(etcd, 3));
    await eventually(() => store(c, 1).controllerId() > 0, 10_000, 'a controller');
    const first = store(c, 1).controllerId();
    await c.stop(first);
    const rest = [1, 2, 3].filter((id) => id !== first);
    const survivor = rest[0] ?? 0;
    await eventually(
      () => {
        const now = store(c, survivor).controllerId();
        return now > 0 && now !== first;
      },
      10_000,
      'a new controller',
    );
    const admin = kafkaFor(c).admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [{ topic: 'after', numPartitions: 2, replicationFactor: 2 }],
        }),
      ).toBe(true);
      const metadata = await admin.fetchTopicMetadata({ topics: ['after'] });
      for (const p of metadata.topics[0]?.partitions ?? []) {
        expect(rest).toContain(p.leader);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
