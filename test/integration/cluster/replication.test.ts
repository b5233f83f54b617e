/**
 * Replication between in-process brokers over one etcd: followers copy the leader's batches byte
 * for byte and join the ISR, acks=all waits for the ISR, min.insync.replicas refuses produces
 * the ISR cannot honour, and a leader that stops hands over to an in-sync follower with every
 * acknowledged record; when it returns it truncates against the new leader and rejoins.
 */
import * as path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { readLogState } from '../../../core/log/log-state.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { MetadataResponse } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import {
  ackedRecordProblems,
  replicaBatches,
  replicaDivergence,
} from '../../helpers/replication-checker.js';
import { eventually, startTestCluster } from '../../helpers/test-cluster.js';
import type { TestCluster } from '../../helpers/test-cluster.js';
import { fetchAll, produceValues } from '../../helpers/wire-client.js';

async function withConnection<T>(
  port: number,
  work: (c: KafkaConnection) => Promise<T>,
): Promise<T> {
  const conn = await KafkaConnection.connect('127.0.0.1', port);
  try {
    return await work(conn);
  } finally {
    await conn.close();
  }
}

function anyPort(c: TestCluster): number {
  const node = c.nodes.find((n) => n.broker !== undefined);
  if (node === undefined) throw new Error('no broker running');
  return node.port;
}

async function metadata(c: TestCluster, topic: string): Promise<MetadataResponse> {
  return withConnection(anyPort(c), (conn) =>
    conn.send(ApiKey.METADATA, 9, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
}

async function partitionInfo(c: TestCluster, topic: string) {
  const p = (await metadata(c, topic)).topics[0]?.partitions[0];
  if (p === undefined) throw new Error(`no metadata for ${topic}`);
  return p;
}

async function createTopic(
  c: TestCluster,
  name: string,
  rf: number,
  configs: Record<string, string> = {},
): Promise<void> {
  await withConnection(anyPort(c), async (conn) => {
    const response = await conn.send(ApiKey.CREATE_TOPICS, 5, {
      topics: [
        {
          name,
          numPartitions: 1,
          replicationFactor: rf,
          assignments: [],
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(response.topics[0]?.errorCode).toBe(0);
  });
}

function portOf(c: TestCluster, nodeId: number): number {
  const node = c.nodes.find((n) => n.nodeId === nodeId);
  if (node?.broker === undefined) throw new Error(`broker ${nodeId} is down`);
  return node.port;
}

/** A kafkajs admin on the running brokers, patient enough for an election. */
function kafkaAdmin(c: TestCluster) {
  return new Kafka({
    clientId: 'replication-test',
    brokers: c.bootstrap().split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 },
  }).admin();
}

/** Three brokers with an RF=3, min.insync.replicas=2 topic whose ISR is full. */
async function clusterWithTopic(etcd: EtcdProcess, topic: string): Promise<TestCluster> {
  const c = await startTestCluster(etcd, 3, { 'replica.lag.time.max.ms': '3000' });
  await createTopic(c, topic, 3, { 'min.insync.replicas': '2' });
  await eventually(
    async () => (await partitionInfo(c, topic)).isrNodes.length === 3,
    10_000,
    'ISR of 3',
  );
  return c;
}

describe('partition replication (in-process brokers, etcd)', () => {
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

  it('cluster replication: followers copy the batches byte for byte, join the ISR, and acks=all is answered once the whole ISR holds the batch', async () => {
    const c = (cluster = await clusterWithTopic(etcd, 'copied'));
    const p = await partitionInfo(c, 'copied');
    const acked: string[] = [];
    await withConnection(portOf(c, p.leaderId), async (conn) => {
      for (let i = 0; i < 30; i++) {
        const values = [`a${i}`, `b${i}`, `c${i}`];
        const result = await produceValues(conn, 'copied', 0, values, { acks: -1 });
        expect(result.errorCode).toBe(ErrorCode.NONE);
        acked.push(...values);
      }
      const stored = await fetchAll(conn, 'copied', 0);
      expect(ackedRecordProblems(acked, stored)).toEqual([]);
      expect(stored).toHaveLength(90);
    });
    // acks=all answered means every ISR member holds the batches: compare the files now.
    const replicas = new Map(
      c.nodes.map((n) => [`broker ${n.nodeId}`, replicaBatches(n.dataDir, 'copied', 0)] as const),
    );
    expect(replicaDivergence(replicas, 90)).toEqual([]);
    expect((await partitionInfo(c, 'copied')).isrNodes).toHaveLength(3);
  });

  it('cluster replication: min.insync.replicas above the ISR refuses acks=all with NOT_ENOUGH_REPLICAS and appends nothing, while acks=1 goes on', async () => {
    const c = (cluster = await startTestCluster(etcd, 3, { 'replica.lag.time.max.ms': '3000' }));
    await createTopic(c, 'strict', 3, { 'min.insync.replicas': '3' });
    await eventually(
      async () => (await partitionInfo(c, 'strict')).isrNodes.length === 3,
      10_000,
      'ISR of 3',
    );
    const p = await partitionInfo(c, 'strict');
    const follower = p.replicaNodes.find((id) => id !== p.leaderId) ?? -1;
    await c.stop(follower);
    await eventually(
      async () => (await partitionInfo(c, 'strict')).isrNodes.length === 2,
      15_000,
      'ISR of 2',
    );
    await withConnection(portOf(c, p.leaderId), async (conn) => {
      expect((await produceValues(conn, 'strict', 0, ['refused'], { acks: -1 })).errorCode).toBe(
        ErrorCode.NOT_ENOUGH_REPLICAS,
      );
      expect((await produceValues(conn, 'strict', 0, ['one'], { acks: 1 })).errorCode).toBe(
        ErrorCode.NONE,
      );
      await eventually(
        async () => (await fetchAll(conn, 'strict', 0)).length === 1,
        5000,
        'acks=1 committed',
      );
      expect((await fetchAll(conn, 'strict', 0)).map((r) => r.value)).toEqual(['one']);
    });
  });

  it('cluster replication: a stopped leader hands over to an in-sync follower with every acknowledged record; back, it truncates, follows and rejoins the ISR', async () => {
    const c = (cluster = await clusterWithTopic(etcd, 'handover'));
    const before = await partitionInfo(c, 'handover');
    const acked: string[] = [];
    await withConnection(portOf(c, before.leaderId), async (conn) => {
      for (let i = 0; i < 20; i++) {
        expect((await produceValues(conn, 'handover', 0, [`x${i}`], { acks: -1 })).errorCode).toBe(
          0,
        );
        acked.push(`x${i}`);
      }
    });
    await c.stop(before.leaderId);
    await eventually(
      async () => {
        const now = await partitionInfo(c, 'handover');
        return now.leaderId !== before.leaderId && now.leaderId > 0;
      },
      15_000,
      'a new leader',
    );
    const after = await partitionInfo(c, 'handover');
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch ?? 0);
    await withConnection(portOf(c, after.leaderId), async (conn) => {
      await eventually(
        async () => (await fetchAll(conn, 'handover', 0)).length >= 20,
        10_000,
        'HW on the new leader',
      );
      for (let i = 0; i < 10; i++) {
        expect((await produceValues(conn, 'handover', 0, [`y${i}`], { acks: -1 })).errorCode).toBe(
          0,
        );
        acked.push(`y${i}`);
      }
      expect(ackedRecordProblems(acked, await fetchAll(conn, 'handover', 0))).toEqual([]);
    });
    await c.start(before.leaderId);
    await eventually(
      async () => (await partitionInfo(c, 'handover')).isrNodes.length === 3,
      15_000,
      'rejoined ISR',
    );
    await withConnection(portOf(c, after.leaderId), async (conn) => {
      expect((await produceValues(conn, 'handover', 0, ['z'], { acks: -1 })).errorCode).toBe(0);
      acked.push('z');
    });
    const replicas = new Map(
      c.nodes.map((n) => [`broker ${n.nodeId}`, replicaBatches(n.dataDir, 'handover', 0)] as const),
    );
    expect(replicaDivergence(replicas, acked.length)).toEqual([]);
  });

  it('cluster replication: a committed offset survives its coordinator stopping (the commit waits for the offsets partition ISR)', async () => {
    const c = (cluster = await startTestCluster(etcd, 3, {
      'replica.lag.time.max.ms': '3000',
      'offsets.topic.num.partitions': '1',
    }));
    await createTopic(c, 'tracked', 3);
    const admin = kafkaAdmin(c);
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: 'durable',
        topic: 'tracked',
        partitions: [{ partition: 0, offset: '42' }],
      });
    } finally {
      await admin.disconnect();
    }
    const coordinator = c.nodes
      .find((n) => n.broker !== undefined)
      ?.broker?.metadata.partitionState('__consumer_offsets', 0)?.leader;
    expect(coordinator).toBeGreaterThan(0);
    await c.stop(coordinator ?? -1);
    const after = kafkaAdmin(c);
    await after.connect();
    try {
      const fetched = await after.fetchOffsets({ groupId: 'durable', topics: ['tracked'] });
      expect(fetched[0]?.partitions[0]?.offset).toBe('42');
    } finally {
      await after.disconnect();
    }
  });

  it('cluster replication: followers move their log start to the leader’s, so deleted records stay deleted after a failover', async () => {
    const c = (cluster = await clusterWithTopic(etcd, 'trimmed'));
    const before = await partitionInfo(c, 'trimmed');
    await withConnection(portOf(c, before.leaderId), async (conn) => {
      for (let i = 0; i < 30; i++) {
        expect((await produceValues(conn, 'trimmed', 0, [`r${i}`], { acks: -1 })).errorCode).toBe(
          0,
        );
      }
    });
    const admin = kafkaAdmin(c);
    await admin.connect();
    try {
      // kafkajs deletes only in topics whose metadata it has loaded.
      expect(await admin.fetchTopicOffsets('trimmed')).toEqual([
        expect.objectContaining({ partition: 0, low: '0', high: '30' }),
      ]);
      await admin.deleteTopicRecords({
        topic: 'trimmed',
        partitions: [{ partition: 0, offset: '20' }],
      });
      // Every replica's log start follows, as its next fetch response reports the leader's.
      await eventually(
        () =>
          c.nodes.every(
            (n) => readLogState(path.join(n.dataDir, 'trimmed-0'))?.logStartOffset === 20,
          ),
        10_000,
        'log start 20 on every replica',
      );
      await c.stop(before.leaderId);
      await eventually(
        async () => {
          const now = await partitionInfo(c, 'trimmed');
          return now.leaderId !== before.leaderId && now.leaderId > 0;
        },
        15_000,
        'a new leader',
      );
      const offsets = await admin.fetchTopicOffsets('trimmed');
      expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '20', high: '30' })]);
    } finally {
      await admin.disconnect();
    }
  });
});
