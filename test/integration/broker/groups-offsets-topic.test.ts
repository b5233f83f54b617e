import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { groupPartition } from '../../../core/broker/group/group-partition.js';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
} from '../../../core/broker/group/offsets-records.js';
import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { RequestOf, ResponseOf } from '../../../core/protocol/messages/index.js';
import { decodeRecordBatch, iterateBatches } from '../../../core/protocol/records/record-batch.js';
import type { Record } from '../../../core/protocol/records/record.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { subscription } from '../../helpers/group-harness.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

const PARTITIONS = 7;

describe('__consumer_offsets on disk', () => {
  let tb: TestBroker;
  let conn: KafkaConnection;

  beforeAll(async () => {
    tb = await startTestBroker({
      'offsets.topic.num.partitions': String(PARTITIONS),
      'group.initial.rebalance.delay.ms': '0',
    });
    const admin = await Admin.connect(tb.bootstrap);
    await admin.createTopic('events', 2, 1);
    await admin.close();
    conn = await KafkaConnection.connect('127.0.0.1', tb.port);
  });
  afterAll(async () => {
    await conn.close();
    await tb.close();
  });

  /** Sends a request, retrying while the coordinator loads (as clients do after a restart). */
  async function send<K extends ApiKey>(
    apiKey: K,
    version: number,
    body: RequestOf<K>,
    loading: (r: ResponseOf<K>) => boolean = () => false,
  ): Promise<ResponseOf<K>> {
    for (let attempt = 0; ; attempt++) {
      const response = await conn.send(apiKey, version, body);
      if (!loading(response) || attempt > 100) return response;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Every record of one `__consumer_offsets` partition. */
  async function offsetsRecords(partition: number): Promise<Record[]> {
    const res = await conn.send(ApiKey.FETCH, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [
        {
          topic: '__consumer_offsets',
          partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 }],
        },
      ],
    });
    const data = res.responses[0]?.partitions[0];
    expect(data?.errorCode).toBe(0);
    const bytes = data?.records;
    const buf =
      bytes === null || bytes === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(bytes)
          ? bytes
          : Buffer.concat(bytes);
    return [...iterateBatches(buf)].flatMap(
      ({ pos, size }) => decodeRecordBatch(buf.subarray(pos, pos + size)).records,
    );
  }

  const commit = (groupId: string, offset: number, member = { generationId: -1, memberId: '' }) =>
    conn.send(ApiKey.OFFSET_COMMIT, 8, {
      groupId,
      generationIdOrMemberEpoch: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
      topics: [
        {
          name: 'events',
          partitions: [
            {
              partitionIndex: 1,
              committedOffset: offset,
              committedLeaderEpoch: 9,
              committedMetadata: 'note',
            },
          ],
        },
      ],
    });

  it("stores a commit in the group's partition (Java hashCode) as Kafka's key v1 / value v3", async () => {
    const before = Date.now();
    expect((await commit('group', 1234)).topics[0]?.partitions[0]?.errorCode).toBe(0);
    const partition = groupPartition('group', PARTITIONS);
    expect(partition).toBe(98629247 % PARTITIONS);
    const records = await offsetsRecords(partition);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.key?.readInt16BE(0)).toBe(1);
    expect(decodeOffsetsKey(record!.key!)).toEqual({
      kind: 'offset',
      group: 'group',
      topic: 'events',
      partition: 1,
    });
    expect(record?.value?.readInt16BE(0)).toBe(3);
    const value = decodeOffsetCommitValue(record!.value!);
    expect(value).toEqual(
      expect.objectContaining({
        offset: 1234,
        leaderEpoch: 9,
        metadata: 'note',
        expireTimestamp: -1,
      }),
    );
    expect(value.commitTimestamp).toBeGreaterThanOrEqual(before);
    expect(record?.timestamp).toBe(value.commitTimestamp);
    for (let p = 0; p < PARTITIONS; p++)
      if (p !== partition) expect(await offsetsRecords(p)).toEqual([]);
  });

  it('stores group metadata v3 with the generation, subscriptions and assignments', async () => {
    const groupId = 'stored-group';
    const sub = subscription(['events']);
    const joined = await conn.send(ApiKey.JOIN_GROUP, 3, {
      groupId,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 40_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: sub }],
    });
    await conn.send(ApiKey.SYNC_GROUP, 3, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('events-0-1') }],
    });
    const records = await offsetsRecords(groupPartition(groupId, PARTITIONS));
    const stored = records.filter((r) => {
      const key = decodeOffsetsKey(r.key!);
      return key.kind === 'group' && key.group === groupId;
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.value?.readInt16BE(0)).toBe(3);
    expect(decodeGroupMetadataValue(stored[0]!.value!)).toEqual(
      expect.objectContaining({
        protocolType: 'consumer',
        generation: 1,
        protocol: 'range',
        leader: joined.memberId,
        members: [
          {
            memberId: joined.memberId,
            groupInstanceId: null,
            clientId: 'fjord',
            clientHost: '/127.0.0.1',
            rebalanceTimeout: 40_000,
            sessionTimeout: 30_000,
            subscription: sub,
            assignment: Buffer.from('events-0-1'),
          },
        ],
      }),
    );
    await conn.send(ApiKey.LEAVE_GROUP, 3, {
      groupId,
      members: [{ memberId: joined.memberId, groupInstanceId: null }],
    });
  });

  it('writes tombstones when a group is deleted', async () => {
    await commit('tombstoned', 5);
    expect(
      (await conn.send(ApiKey.DELETE_GROUPS, 1, { groupsNames: ['tombstoned'] })).results[0]
        ?.errorCode,
    ).toBe(0);
    const records = await offsetsRecords(groupPartition('tombstoned', PARTITIONS));
    const mine = records.filter((r) => {
      const key = decodeOffsetsKey(r.key!);
      return key.kind !== 'other' && key.group === 'tombstoned';
    });
    expect(mine.map((r) => [decodeOffsetsKey(r.key!).kind, r.value === null])).toEqual([
      ['offset', false],
      ['offset', true],
      ['group', true],
    ]);
  });

  it('brings groups and offsets back after a restart', async () => {
    await commit('survivor', 77);
    const groupId = 'stable-survivor';
    const joined = await conn.send(ApiKey.JOIN_GROUP, 3, {
      groupId,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(['events']) }],
    });
    await conn.send(ApiKey.SYNC_GROUP, 3, {
      groupId,
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('mine') }],
    });
    await commit(groupId, 11, { generationId: 1, memberId: joined.memberId });
    await conn.close();
    await tb.restart();
    conn = await KafkaConnection.connect('127.0.0.1', tb.port);

    const loading = (r: { groups?: readonly { errorCode: number }[] }) =>
      r.groups?.some((g) => g.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) === true;
    const fetched = await send(
      ApiKey.OFFSET_FETCH,
      8,
      {
        groups: [
          { groupId: 'survivor', topics: null },
          { groupId, topics: null },
          { groupId: 'tombstoned', topics: null },
        ],
        requireStable: false,
      },
      loading,
    );
    expect(
      fetched.groups?.map((g) => [
        g.groupId,
        g.errorCode,
        g.topics.flatMap((t) =>
          t.partitions.map((p) => [
            t.name,
            p.partitionIndex,
            p.committedOffset,
            p.committedLeaderEpoch,
            p.metadata,
          ]),
        ),
      ]),
    ).toEqual([
      ['survivor', 0, [['events', 1, 77, 9, 'note']]],
      [groupId, 0, [['events', 1, 11, 9, 'note']]],
      ['tombstoned', 0, []],
    ]);
    // The member kept its generation and assignment: it heartbeats and syncs as before.
    const hb = await conn.send(ApiKey.HEARTBEAT, 3, {
      groupId,
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
    });
    expect(hb.errorCode).toBe(0);
    const described = await conn.send(ApiKey.DESCRIBE_GROUPS, 5, {
      groups: [groupId],
      includeAuthorizedOperations: false,
    });
    expect(described.groups[0]).toEqual(
      expect.objectContaining({ groupState: 'Stable', protocolData: 'range' }),
    );
    expect(described.groups[0]?.members[0]?.memberAssignment).toEqual(Buffer.from('mine'));
    const listed = await conn.send(ApiKey.LIST_GROUPS, 4, { statesFilter: [] });
    expect(listed.groups.map((g) => [g.groupId, g.groupState]).sort()).toEqual([
      ['group', 'Empty'],
      [groupId, 'Stable'],
      // Emptied by its member leaving: kept until its offsets (none) expire, as Kafka does.
      ['stored-group', 'Empty'],
      ['survivor', 'Empty'],
    ]);
  });
});
