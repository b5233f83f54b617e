import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import type { ConsumerRecord } from '../../../core/client/consumer/types.js';
import { Producer } from '../../../core/client/producer/producer.js';
import { EtcdMetadataStore } from '../../../core/broker/metadata/etcd-metadata-store.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { consumeUntil } from '../../helpers/consumer-fixtures.js';
import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import { eventually, startTestCluster } from '../../helpers/test-cluster.js';
import type { TestCluster } from '../../helpers/test-cluster.js';

/**
 * Manual placement, reassignments and leader elections on three in-process brokers over etcd,
 * through fjord's Admin (which finds the controller in Metadata).
 */
describe('replica administration in a cluster', () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster;
  let admin: Admin;

  const store = (nodeId: number): EtcdMetadataStore => {
    const metadata = cluster.nodes[nodeId - 1]?.broker?.metadata;
    if (!(metadata instanceof EtcdMetadataStore)) throw new Error(`broker ${nodeId} is down`);
    return metadata;
  };
  // The controller refreshes its view before it answers a change, so its view is the one to read.
  const stateOf = (topic: string, partition = 0) =>
    store(store(1).controllerId()).partitionState(topic, partition);

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startTestCluster(etcd, 3);
    await eventually(() => cluster.nodes.every((n) => store(n.nodeId).liveBrokers().length === 3));
    await eventually(() => store(1).controllerId() > 0, 10_000, 'a controller');
    admin = await Admin.connect(cluster.bootstrap());
  });
  afterAll(async () => {
    await admin.close();
    await cluster.close();
    await etcd.stop();
  });

  it('places partitions by hand with CreateTopics and CreatePartitions', async () => {
    await admin.createTopic('pinned', 0, 0, {}, [
      [3, 1],
      [2, 3],
    ]);
    // Created through another broker: the controller sees it after its watch fires.
    await eventually(() => stateOf('pinned', 1) !== undefined, 10_000, 'the new topic');
    expect(stateOf('pinned', 0)).toMatchObject({ replicas: [3, 1], leader: 3 });
    expect(stateOf('pinned', 1)).toMatchObject({ replicas: [2, 3], leader: 2 });
    const described = await admin.describeTopic('pinned');
    expect(described.partitions.map((p) => p.replicas)).toEqual([
      [3, 1],
      [2, 3],
    ]);
    await expect(admin.createTopic('bad', 0, 0, {}, [[1, 7]])).rejects.toMatchObject({
      code: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    });
    await expect(admin.createTopic('uneven', 0, 0, {}, [[1, 2], [3]])).rejects.toMatchObject({
      code: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    });
  });

  it('completes a reassignment whose target is in sync, moving leadership off a removed leader', async () => {
    await admin.createTopic('shrink', 0, 0, {}, [[1, 2, 3]]);
    await eventually(() => stateOf('shrink') !== undefined, 10_000, 'the new topic');
    const before = stateOf('shrink');
    expect(before).toMatchObject({ leader: 1 });
    await admin.partitions.reassign([{ topic: 'shrink', partition: 0, replicas: [1] }]);
    // The target [1] is in the ISR already: the controller completes it without waiting.
    await eventually(() => stateOf('shrink')?.replicas.length === 1, 10_000, 'completion');
    expect(stateOf('shrink')).toMatchObject({ replicas: [1], isr: [1], leader: 1 });
    expect(await admin.partitions.reassignments()).toEqual([]);
    expect(stateOf('shrink')?.leaderEpoch).toBe(before?.leaderEpoch);
  });

  it('answers elections per partition and refuses them on brokers that are not the controller', async () => {
    await admin.createTopic('elect', 0, 0, {}, [[2, 1]]);
    await eventually(() => stateOf('elect') !== undefined, 10_000, 'the new topic');
    const [notNeeded] = await admin.partitions.electLeaders('preferred', [
      { topic: 'elect', partitions: [0] },
    ]);
    expect(notNeeded?.error?.code).toBe(ErrorCode.ELECTION_NOT_NEEDED);
    const [unknown] = await admin.partitions.electLeaders('preferred', [
      { topic: 'nope', partitions: [0] },
    ]);
    expect(unknown?.error?.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // Every partition: only those an election was tried for are reported (none needed one).
    const everything = await admin.partitions.electLeaders('preferred');
    expect(everything.every((o) => o.error?.code !== ErrorCode.ELECTION_NOT_NEEDED)).toBe(true);

    const controller = store(1).controllerId();
    const other = cluster.nodes.find((n) => n.nodeId !== controller);
    if (other === undefined) throw new Error('no other broker');
    const conn = await KafkaConnection.connect('127.0.0.1', other.port);
    try {
      await conn.apiVersions();
      const response = await conn.send(ApiKey.ELECT_LEADERS, 2, {
        electionType: 0,
        topicPartitions: null,
        timeoutMs: 1000,
      });
      expect(response.errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    } finally {
      await conn.close();
    }
  });

  it('moves a partition with its records to new brokers, then drops the old replica', async () => {
    await admin.createTopic('relocate', 0, 0, {}, [[1]]);
    await eventually(() => stateOf('relocate') !== undefined, 10_000, 'the new topic');
    const producer = new Producer({ bootstrap: cluster.bootstrap(), acks: 'all' });
    const values = Array.from({ length: 500 }, (_, i) => `record-${i}`);
    try {
      await producer.sendBatch(values.map((value) => ({ topic: 'relocate', value })));
    } finally {
      await producer.close();
    }
    const oldCopy = path.join(cluster.nodes[0]?.dataDir ?? '', 'relocate-0');
    expect(fs.existsSync(oldCopy)).toBe(true);

    await admin.partitions.reassign([{ topic: 'relocate', partition: 0, replicas: [2, 3] }]);
    // The new replicas catch up, join the ISR, and the controller completes the move.
    await eventually(
      async () => (await admin.partitions.reassignments()).length === 0,
      30_000,
      'the reassignment to complete',
    );
    const moved = stateOf('relocate');
    expect(moved?.replicas).toEqual([2, 3]);
    expect([2, 3]).toContain(moved?.leader);
    expect(moved?.leaderEpoch).toBeGreaterThan(0);
    await eventually(() => !fs.existsSync(oldCopy), 10_000, 'the old replica to be deleted');

    const consumer = new Consumer({ bootstrap: cluster.bootstrap() });
    const records: ConsumerRecord[] = [];
    try {
      consumer.assign([{ topic: 'relocate', partition: 0, offset: 0 }]);
      await consumeUntil(consumer, (r) => r.length >= values.length, records);
    } finally {
      await consumer.close();
    }
    expect(records.map((r) => r.value?.toString())).toEqual(values);
    expect(records.map((r) => r.offset)).toEqual(values.map((_, i) => i));
  });

  it('moves leadership back to the preferred replica once it is in sync', async () => {
    await admin.createTopic('prefer', 0, 0, {}, [[1, 2]]);
    await eventually(() => stateOf('prefer')?.isr.length === 2, 20_000, 'both replicas in sync');
    // Reordering the replicas makes broker 2 preferred while broker 1 keeps leading.
    await admin.partitions.reassign([{ topic: 'prefer', partition: 0, replicas: [2, 1] }]);
    const before = stateOf('prefer');
    expect(before).toMatchObject({ replicas: [2, 1], leader: 1 });
    const [elected] = await admin.partitions.electLeaders('preferred', [
      { topic: 'prefer', partitions: [0] },
    ]);
    expect(elected?.error).toBeUndefined();
    expect(stateOf('prefer')).toMatchObject({
      leader: 2,
      leaderEpoch: (before?.leaderEpoch ?? 0) + 1,
    });
  });

  it('removes at startup the replicas reassigned away and the topics deleted while the broker was down', async () => {
    for (const topic of ['left-behind', 'dropped', 'kept']) {
      await admin.createTopic(topic, 0, 0, {}, [[3, 1]]);
    }
    const view = () => cluster.nodes[0]?.broker?.metadata;
    for (const topic of ['left-behind', 'dropped', 'kept']) {
      await eventually(() => view()?.partitionState(topic, 0)?.isr.length === 2, 20_000, topic);
    }
    const folder = (topic: string) => path.join(cluster.nodes[2]?.dataDir ?? '', `${topic}-0`);
    await cluster.stop(3);
    await admin.partitions.reassign([{ topic: 'left-behind', partition: 0, replicas: [1, 2] }]);
    await eventually(
      async () => (await admin.partitions.reassignments()).length === 0,
      30_000,
      'the reassignment to complete',
    );
    await admin.deleteTopic('dropped');
    await eventually(() => view()?.partitionState('dropped', 0) === undefined, 10_000, 'deleted');
    // Broker 3 was down for both changes: its copies are still on disk.
    for (const topic of ['left-behind', 'dropped', 'kept']) {
      expect(fs.existsSync(folder(topic))).toBe(true);
    }
    await cluster.start(3);
    expect(fs.existsSync(folder('left-behind'))).toBe(false);
    expect(fs.existsSync(folder('dropped'))).toBe(false);
    expect(fs.existsSync(folder('kept'))).toBe(true);
  });
});

describe('automatic preferred-leader rebalance', () => {
  let etcd: EtcdProcess;
  let cluster: TestCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startTestCluster(etcd, 2, { 'leader.imbalance.check.interval.seconds': '1' });
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('gives leadership back to the preferred replica after it returned and caught up', async () => {
    const view = () => cluster.nodes[1]?.broker?.metadata;
    await eventually(() => view()?.liveBrokers().length === 2, 10_000, 'both brokers');
    const admin = await Admin.connect(cluster.bootstrap());
    try {
      await admin.createTopic('rebalanced', 0, 0, {}, [[1, 2]]);
    } finally {
      await admin.close();
    }
    const state = () => view()?.partitionState('rebalanced', 0);
    await eventually(() => state()?.isr.length === 2, 20_000, 'both replicas in sync');
    await cluster.stop(1);
    await eventually(() => state()?.leader === 2, 20_000, 'failover to broker 2');
    const failedOverEpoch = state()?.leaderEpoch ?? -1;
    await cluster.start(1);
    // Broker 1 catches up, rejoins the ISR, and the controller hands leadership back to it.
    await eventually(() => state()?.leader === 1, 30_000, 'leadership back on broker 1');
    expect(state()?.leaderEpoch).toBeGreaterThan(failedOverEpoch);
    expect(state()?.isr).toContain(1);
  });

  it('elects an out-of-sync replica only for a topic whose config allows unclean elections', async () => {
    const admin = await Admin.connect(cluster.bootstrap());
    try {
      await admin.createTopic('unclean-ok', 0, 0, { 'unclean.leader.election.enable': 'true' }, [
        [1, 2],
      ]);
      await admin.createTopic('unclean-no', 0, 0, {}, [[1, 2]]);
    } finally {
      await admin.close();
    }
    const stateOn = (nodeId: number, topic: string) =>
      cluster.nodes[nodeId - 1]?.broker?.metadata.partitionState(topic, 0);
    for (const topic of ['unclean-ok', 'unclean-no']) {
      await eventually(() => stateOn(1, topic)?.isr.length === 2, 20_000, `${topic} in sync`);
    }
    await cluster.stop(2);
    await eventually(() => stateOn(1, 'unclean-ok')?.isr.length === 1, 20_000, 'ISR shrunk');
    await cluster.stop(1);
    // Broker 2 comes back alone, behind broker 1: only the topic that allows it gets a leader.
    await cluster.start(2);
    await eventually(() => stateOn(2, 'unclean-ok')?.leader === 2, 20_000, 'unclean leader');
    await eventually(() => stateOn(2, 'unclean-no')?.leader === -1, 20_000, 'offline partition');
    expect(stateOn(2, 'unclean-ok')?.isr).toEqual([2]);
    expect(stateOn(2, 'unclean-no')?.isr).toEqual([1]);
    await cluster.start(1);
  });
});
