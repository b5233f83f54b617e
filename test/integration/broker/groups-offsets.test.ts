import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey, apis } from '../../../core/protocol/messages/index.js';
import type { OffsetCommitRequest } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

const GROUP_APIS = [
  ApiKey.OFFSET_COMMIT,
  ApiKey.OFFSET_FETCH,
  ApiKey.FIND_COORDINATOR,
  ApiKey.JOIN_GROUP,
  ApiKey.HEARTBEAT,
  ApiKey.LEAVE_GROUP,
  ApiKey.SYNC_GROUP,
  ApiKey.DESCRIBE_GROUPS,
  ApiKey.LIST_GROUPS,
  ApiKey.DELETE_GROUPS,
  ApiKey.OFFSET_DELETE,
];

function commitBody(
  groupId: string,
  partitions: readonly {
    topic: string;
    partition: number;
    offset: number;
    metadata?: string | null;
  }[],
  member: { generationId: number; memberId: string } = { generationId: -1, memberId: '' },
): OffsetCommitRequest {
  const topics = [...new Set(partitions.map((p) => p.topic))];
  return {
    groupId,
    generationIdOrMemberEpoch: member.generationId,
    memberId: member.memberId,
    topics: topics.map((name) => ({
      name,
      partitions: partitions
        .filter((p) => p.topic === name)
        .map((p) => ({
          partitionIndex: p.partition,
          committedOffset: p.offset,
          committedLeaderEpoch: 4,
          committedMetadata: p.metadata ?? null,
        })),
    })),
  };
}

describe('group coordinator: offsets over the wire', () => {
  let tb: TestBroker;
  let conn: KafkaConnection;

  beforeAll(async () => {
    tb = await startTestBroker({
      'offsets.topic.num.partitions': '5',
      'group.initial.rebalance.delay.ms': '0',
      'offset.metadata.max.bytes': '16',
    });
    const admin = await Admin.connect(tb.bootstrap);
    await admin.createTopic('orders', 3, 1);
    await admin.createTopic('payments', 1, 1);
    await admin.close();
    conn = await KafkaConnection.connect('127.0.0.1', tb.port, { clientId: 'groups-test' });
  });
  afterAll(async () => {
    await conn.close();
    await tb.close();
  });

  it('advertises every group API with the registry ranges', async () => {
    const versions = await conn.apiVersions();
    for (const key of GROUP_APIS) {
      expect(versions.get(key)).toEqual({
        minVersion: apis[key].minVersion,
        maxVersion: apis[key].maxVersion,
      });
    }
  });

  it('names this broker as every group coordinator and creates __consumer_offsets', async () => {
    for (const version of [0, 1, 2, 3]) {
      const res = await conn.send(ApiKey.FIND_COORDINATOR, version, { key: 'g', keyType: 0 });
      expect(res).toEqual(
        expect.objectContaining({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: tb.port }),
      );
    }
    const batched = await conn.send(ApiKey.FIND_COORDINATOR, 4, {
      keyType: 0,
      coordinatorKeys: ['a', 'b'],
    });
    expect(batched.coordinators).toEqual([
      { key: 'a', nodeId: 1, host: '127.0.0.1', port: tb.port, errorCode: 0, errorMessage: null },
      { key: 'b', nodeId: 1, host: '127.0.0.1', port: tb.port, errorCode: 0, errorMessage: null },
    ]);
    const metadata = await conn.send(ApiKey.METADATA, 9, {
      topics: [{ name: '__consumer_offsets' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata.topics[0]).toEqual(expect.objectContaining({ errorCode: 0, isInternal: true }));
    expect(metadata.topics[0]?.partitions).toHaveLength(5);
    const configs = await conn.send(ApiKey.DESCRIBE_CONFIGS, 4, {
      resources: [
        {
          resourceType: 2,
          resourceName: '__consumer_offsets',
          configurationKeys: ['cleanup.policy'],
        },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(configs.results[0]?.configs[0]?.value).toBe('compact');
  });

  it('refuses transaction coordinators: fjord has none', async () => {
    const v3 = await conn.send(ApiKey.FIND_COORDINATOR, 3, { key: 'tx', keyType: 1 });
    expect(v3.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const v4 = await conn.send(ApiKey.FIND_COORDINATOR, 4, { keyType: 1, coordinatorKeys: ['tx'] });
    expect(v4.coordinators?.[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('commits and fetches offsets at every version', async () => {
    for (let version = 2; version <= 8; version++) {
      const group = `commit-v${version}`;
      const res = await conn.send(
        ApiKey.OFFSET_COMMIT,
        version,
        commitBody(group, [
          { topic: 'orders', partition: 0, offset: 100 + version, metadata: `v${version}` },
          { topic: 'orders', partition: 2, offset: 7 },
        ]),
      );
      expect(res.topics).toEqual([
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 2, errorCode: 0 },
          ],
        },
      ]);
      for (let fv = 1; fv <= 7; fv++) {
        const fetched = await conn.send(ApiKey.OFFSET_FETCH, fv, {
          groupId: group,
          topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }],
        });
        const partitions = fetched.topics?.[0]?.partitions.map((p) => [
          p.committedOffset,
          p.metadata,
        ]);
        expect(partitions).toEqual([
          [100 + version, `v${version}`],
          [-1, ''],
          [7, ''],
        ]);
        if (fv >= 5)
          expect(fetched.topics?.[0]?.partitions[0]?.committedLeaderEpoch).toBe(
            version >= 6 ? 4 : -1,
          );
        if (fv >= 2) expect(fetched.errorCode).toBe(0);
      }
    }
    const batched = await conn.send(ApiKey.OFFSET_FETCH, 8, {
      groups: [
        { groupId: 'commit-v8', topics: null },
        { groupId: 'never-committed', topics: [{ name: 'orders', partitionIndexes: [1] }] },
        { groupId: 'commit-v7', topics: [{ name: 'orders', partitionIndexes: [0] }] },
      ],
      requireStable: true,
    });
    expect(
      batched.groups?.map((g) => [
        g.groupId,
        g.errorCode,
        g.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset)),
      ]),
    ).toEqual([
      ['commit-v8', 0, [108, 7]],
      ['never-committed', 0, [-1]],
      ['commit-v7', 0, [107]],
    ]);
  });

  it('answers unknown topics and partitions, and over-long metadata, changing nothing else', async () => {
    const group = 'bad-input';
    await conn.send(
      ApiKey.OFFSET_COMMIT,
      8,
      commitBody(group, [{ topic: 'orders', partition: 1, offset: 1 }]),
    );
    const res = await conn.send(
      ApiKey.OFFSET_COMMIT,
      8,
      commitBody(group, [
        { topic: 'orders', partition: 1, offset: 2 },
        { topic: 'orders', partition: 3, offset: 9 },
        { topic: 'nope', partition: 0, offset: 9 },
        { topic: 'payments', partition: 0, offset: 9, metadata: 'x'.repeat(17) },
      ]),
    );
    expect(
      res.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode])),
    ).toEqual([
      ['orders', 1, 0],
      ['orders', 3, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['payments', 0, ErrorCode.OFFSET_METADATA_TOO_LARGE],
    ]);
    const fetched = await conn.send(ApiKey.OFFSET_FETCH, 8, {
      groups: [{ groupId: group, topics: null }],
      requireStable: false,
    });
    expect(fetched.groups?.[0]?.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          {
            partitionIndex: 1,
            committedOffset: 2,
            committedLeaderEpoch: 4,
            metadata: '',
            errorCode: 0,
          },
        ],
      },
    ]);
  });

  it('refuses a commit from a stale generation and keeps the committed offsets', async () => {
    const group = 'stale';
    const first = await conn.send(ApiKey.JOIN_GROUP, 5, {
      groupId: group,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await conn.send(ApiKey.JOIN_GROUP, 5, {
      groupId: group,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: first.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    });
    expect(joined).toEqual(expect.objectContaining({ errorCode: 0, generationId: 1 }));
    const member = { generationId: 1, memberId: joined.memberId };
    const ok = await conn.send(
      ApiKey.OFFSET_COMMIT,
      7,
      commitBody(group, [{ topic: 'orders', partition: 0, offset: 5 }], member),
    );
    // Generation 1 is still completing (no SyncGroup yet).
    expect(ok.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await conn.send(ApiKey.SYNC_GROUP, 3, {
      groupId: group,
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      assignments: [],
    });
    const committed = await conn.send(
      ApiKey.OFFSET_COMMIT,
      7,
      commitBody(group, [{ topic: 'orders', partition: 0, offset: 5 }], member),
    );
    expect(committed.topics[0]?.partitions[0]?.errorCode).toBe(0);
    const stale = await conn.send(
      ApiKey.OFFSET_COMMIT,
      7,
      commitBody(
        group,
        [
          { topic: 'orders', partition: 0, offset: 6 },
          { topic: 'payments', partition: 0, offset: 6 },
        ],
        { ...member, generationId: 0 },
      ),
    );
    expect(stale.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    const simple = await conn.send(
      ApiKey.OFFSET_COMMIT,
      7,
      commitBody(group, [{ topic: 'orders', partition: 0, offset: 6 }]),
    );
    expect(simple.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const fetched = await conn.send(ApiKey.OFFSET_FETCH, 4, { groupId: group, topics: null });
    expect(
      fetched.topics?.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)]),
    ).toEqual([['orders', [5]]]);
    await conn.send(ApiKey.LEAVE_GROUP, 1, { groupId: group, memberId: joined.memberId });
  });

  it('deletes offsets and groups', async () => {
    await conn.send(
      ApiKey.OFFSET_COMMIT,
      8,
      commitBody('doomed', [
        { topic: 'orders', partition: 0, offset: 1 },
        { topic: 'payments', partition: 0, offset: 1 },
      ]),
    );
    const deleted = await conn.send(ApiKey.OFFSET_DELETE, 0, {
      groupId: 'doomed',
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] },
        { name: 'ghost', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(deleted).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 9, errorCode: 3 },
          ],
        },
        { name: 'ghost', partitions: [{ partitionIndex: 0, errorCode: 3 }] },
      ],
    });
    const missing = await conn.send(ApiKey.OFFSET_DELETE, 0, { groupId: 'missing', topics: [] });
    expect(missing.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const groups = await conn.send(ApiKey.DELETE_GROUPS, 2, {
      groupsNames: ['doomed', 'missing', ''],
    });
    expect(groups.results).toEqual([
      { groupId: 'doomed', errorCode: 0 },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID },
    ]);
    const fetched = await conn.send(ApiKey.OFFSET_FETCH, 6, {
      groupId: 'doomed',
      topics: null,
      requireStable: false,
    });
    expect(fetched.topics).toEqual([]);
  });

  it('drops the committed offsets of a deleted topic', async () => {
    const admin = await Admin.connect(tb.bootstrap);
    await admin.createTopic('short-lived', 1, 1);
    await conn.send(
      ApiKey.OFFSET_COMMIT,
      8,
      commitBody('reader', [{ topic: 'short-lived', partition: 0, offset: 3 }]),
    );
    await admin.deleteTopic('short-lived');
    await admin.close();
    const fetched = await conn.send(ApiKey.OFFSET_FETCH, 8, {
      groups: [{ groupId: 'reader', topics: null }],
      requireStable: false,
    });
    expect(fetched.groups?.[0]?.topics).toEqual([]);
  });
});
