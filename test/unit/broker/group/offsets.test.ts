import { describe, expect, it } from 'vitest';

import type { CommitInput, Committer } from '../../../../core/broker/group/offsets.js';
import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, TEST_GROUP_CONFIG, settle } from '../../../helpers/group-harness.js';

const SIMPLE: Committer = { generationId: -1, memberId: '', groupInstanceId: null };
const at = (
  topic: string,
  partition: number,
  offset: number,
  metadata: string | null = null,
): CommitInput => ({
  topic,
  partition,
  offset,
  leaderEpoch: 3,
  metadata,
});
const member = (memberId: string, generationId: number): Committer => ({
  generationId,
  memberId,
  groupInstanceId: null,
});

describe('committed offsets', () => {
  it('accepts commits outside group management for a group without members, and fetches them back', () => {
    const h = new GroupHarness();
    expect(
      h.coordinator.commitOffsets('simple', SIMPLE, [at('t', 0, 10, 'hi'), at('t', 1, 20)]),
    ).toEqual([0, 0]);
    expect(h.coordinator.fetchOffsets('simple', [{ name: 't', partitions: [0, 1, 2] }])).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 10, leaderEpoch: 3, metadata: 'hi', errorCode: 0 },
            { partition: 1, offset: 20, leaderEpoch: 3, metadata: '', errorCode: 0 },
            { partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(
      h.coordinator.fetchOffsets('simple', null).topics[0]?.partitions.map((p) => p.offset),
    ).toEqual([10, 20]);
    expect(h.coordinator.listGroups([])).toEqual({
      errorCode: 0,
      groups: [{ groupId: 'simple', protocolType: '', state: 'Empty' }],
    });
  });

  it('answers -1 for a group that never committed and does not create it', () => {
    const h = new GroupHarness();
    expect(h.coordinator.fetchOffsets('none', [{ name: 't', partitions: [0] }]).topics).toEqual([
      {
        name: 't',
        partitions: [{ partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 }],
      },
    ]);
    expect(h.coordinator.fetchOffsets('none', null)).toEqual({ errorCode: 0, topics: [] });
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
  });

  it('takes commits from members of the current generation only', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    expect(h.coordinator.commitOffsets('g', member(a.memberId, 1), [at('t', 0, 5)])).toEqual([0]);
    expect(h.coordinator.commitOffsets('g', member(a.memberId, 0), [at('t', 0, 6)])).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(h.coordinator.commitOffsets('g', member('stranger', 1), [at('t', 0, 7)])).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    // Outside group management while the group has members: refused.
    expect(h.coordinator.commitOffsets('g', SIMPLE, [at('t', 0, 8)])).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    // A generation for a group that does not exist: the member's group is gone.
    expect(h.coordinator.commitOffsets('gone', member('m', 3), [at('t', 0, 1)])).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(
      h.coordinator.fetchOffsets('g', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]
        ?.offset,
    ).toBe(5);
    expect(h.coordinator.listGroups([]).groups.map((g) => g.groupId)).toEqual(['g']);
  });

  it('takes commits during PreparingRebalance but not during CompletingRebalance', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    h.join('g', { clientId: 'b' });
    await settle();
    expect(h.state('g')).toBe('PreparingRebalance');
    // A member commits what it processed before it rejoins.
    expect(h.coordinator.commitOffsets('g', member(a.memberId, 1), [at('t', 0, 9)])).toEqual([0]);
    h.join('g', { memberId: a.memberId });
    await settle();
    expect(h.state('g')).toBe('CompletingRebalance');
    expect(h.coordinator.commitOffsets('g', member(a.memberId, 2), [at('t', 0, 10)])).toEqual([
      ErrorCode.REBALANCE_IN_PROGRESS,
    ]);
    expect(h.coordinator.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(9);
  });

  it('refuses only the partitions whose metadata is over offset.metadata.max.bytes', () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, offsetMetadataMaxBytes: 4 });
    expect(
      h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1, 'four'), at('t', 1, 2, 'fives')]),
    ).toEqual([0, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    const fetched = h.coordinator.fetchOffsets('s', [{ name: 't', partitions: [0, 1] }]);
    expect(fetched.topics[0]?.partitions.map((p) => p.offset)).toEqual([1, -1]);
  });

  it('changes nothing when the append fails', () => {
    const h = new GroupHarness();
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1)]);
    h.log.failAppends = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect(h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 2), at('u', 0, 3)])).toEqual([
      ErrorCode.NOT_COORDINATOR,
      ErrorCode.NOT_COORDINATOR,
    ]);
    h.log.failAppends = ErrorCode.MESSAGE_TOO_LARGE;
    expect(h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 2)])).toEqual([
      ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
    ]);
    h.log.failAppends = undefined;
    expect(h.coordinator.fetchOffsets('s', null).topics).toEqual([
      { name: 't', partitions: [expect.objectContaining({ offset: 1 })] },
    ]);
    // A first commit that fails leaves no group.
    h.log.failAppends = ErrorCode.KAFKA_STORAGE_ERROR;
    h.coordinator.commitOffsets('other', SIMPLE, [at('t', 0, 1)]);
    expect(h.coordinator.listGroups([]).groups.map((g) => g.groupId)).toEqual(['s']);
  });

  it('sends the group back to rebalancing when the leader assignment cannot be stored', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    const follower = h.sync('g', b.value.memberId, 1);
    h.log.failAppends = ErrorCode.NOT_ENOUGH_REPLICAS;
    const leader = h.sync('g', a.value.memberId, 1, { [a.value.memberId]: 'x' });
    await settle();
    expect(leader.value.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(follower.value.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.state('g')).toBe('PreparingRebalance');
  });
});

describe('offset retention', () => {
  const DAY = 24 * 3_600_000;
  const LONG_SESSION = { sessionTimeoutMs: 1_800_000 };

  /** Lets `ms` pass while `memberId` heartbeats every 20 minutes. */
  function keepAlive(h: GroupHarness, memberId: string, ms: number): void {
    for (let left = ms; left > 0; left -= 1_200_000) {
      h.time.advance(Math.min(left, 1_200_000));
      expect(h.heartbeat('g', memberId, 1)).toBe(0);
    }
  }

  it('expires the offsets of an empty group a retention period after it became empty', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, offsetsRetentionMs: DAY });
    const a = await h.stableGroupOfOne('g', 'x', LONG_SESSION);
    h.coordinator.commitOffsets('g', member(a.memberId, 1), [at('t', 0, 4)]);
    // A stable group keeps the offsets of the topics it reads, however old.
    keepAlive(h, a.memberId, 2 * DAY);
    expect(h.coordinator.expireOffsets()).toBe(0);
    h.coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(h.state('g')).toBe('Empty');
    h.time.advance(DAY - 1);
    expect(h.coordinator.expireOffsets()).toBe(0);
    h.time.advance(1);
    expect(h.coordinator.expireOffsets()).toBe(1);
    // Empty and without offsets: the group is gone, with a tombstone for its metadata.
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
    expect(h.log.all().at(-1)?.value).toBeNull();
  });

  it('expires offsets a stable consumer group no longer subscribes to', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, offsetsRetentionMs: DAY });
    const a = await h.stableGroupOfOne('g', 'x', { topics: ['t'], ...LONG_SESSION });
    h.coordinator.commitOffsets('g', member(a.memberId, 1), [at('t', 0, 4), at('old', 0, 9)]);
    keepAlive(h, a.memberId, DAY - 1_200_000);
    expect(h.coordinator.expireOffsets()).toBe(0);
    keepAlive(h, a.memberId, 1_200_000);
    expect(h.coordinator.expireOffsets()).toBe(1);
    expect(h.coordinator.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t']);
  });

  it('expires each offset of a group outside group management from its commit', () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, offsetsRetentionMs: DAY });
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1)]);
    h.time.advance(DAY / 2);
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 1, 1)]);
    h.time.advance(DAY / 2);
    expect(h.coordinator.expireOffsets()).toBe(1);
    expect(
      h.coordinator.fetchOffsets('s', null).topics[0]?.partitions.map((p) => p.partition),
    ).toEqual([1]);
  });

  it('drops the offsets of a deleted topic', () => {
    const h = new GroupHarness();
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1), at('u', 0, 2)]);
    h.coordinator.onTopicDeleted('t');
    expect(h.coordinator.fetchOffsets('s', null).topics.map((t) => t.name)).toEqual(['u']);
  });
});

describe('deleting groups and offsets', () => {
  it('deletes an empty group with all its offsets', () => {
    const h = new GroupHarness();
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1), at('t', 1, 2)]);
    const before = h.log.all().length;
    expect(h.coordinator.deleteGroup('s')).toBe(0);
    // Two offset tombstones and the group's.
    expect(
      h.log
        .all()
        .slice(before)
        .map((r) => r.value),
    ).toEqual([null, null, null]);
    expect(h.coordinator.deleteGroup('s')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(h.coordinator.fetchOffsets('s', null).topics).toEqual([]);
  });

  it('refuses to delete a group with members', async () => {
    const h = new GroupHarness();
    await h.stableGroupOfOne('g');
    expect(h.coordinator.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(h.coordinator.deleteGroup('unknown')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('deletes offsets of topics a live consumer group does not subscribe to', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g', 'x', { topics: ['t'] });
    h.coordinator.commitOffsets('g', member(a.memberId, 1), [at('t', 0, 1), at('u', 0, 2)]);
    expect(
      h.coordinator.deleteOffsets('g', [
        { topic: 't', partition: 0 },
        { topic: 'u', partition: 0 },
        { topic: 'u', partition: 5 },
      ]),
    ).toEqual({ errorCode: 0, partitions: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0, 0] });
    expect(h.coordinator.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t']);
    expect(h.coordinator.deleteOffsets('nope', []).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('forgets an empty group once its last offset is deleted', () => {
    const h = new GroupHarness();
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1)]);
    expect(h.coordinator.deleteOffsets('s', [{ topic: 't', partition: 0 }])).toEqual({
      errorCode: 0,
      partitions: [0],
    });
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
  });
});

describe('describing and listing groups', () => {
  it('describes a stable group with metadata and assignments, others without', async () => {
    const h = new GroupHarness();
    await h.stableGroupOfOne('g', 'assigned');
    expect(h.coordinator.describeGroup('g')).toEqual({
      errorCode: 0,
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [
        expect.objectContaining({
          memberId: 'client-1',
          clientId: 'client',
          clientHost: '/127.0.0.1',
          assignment: Buffer.from('assigned'),
        }),
      ],
    });
    h.join('g', { clientId: 'b' });
    await settle();
    const rebalancing = h.coordinator.describeGroup('g');
    expect(rebalancing.state).toBe('PreparingRebalance');
    expect(rebalancing.protocolData).toBe('');
    expect(rebalancing.members.every((m) => m.assignment.length === 0)).toBe(true);
    expect(h.coordinator.describeGroup('unknown')).toEqual(
      expect.objectContaining({ errorCode: 0, state: 'Dead', members: [] }),
    );
  });

  it('lists groups filtered by state, in any case', async () => {
    const h = new GroupHarness();
    await h.stableGroupOfOne('g');
    h.coordinator.commitOffsets('s', SIMPLE, [at('t', 0, 1)]);
    expect(h.coordinator.listGroups(['stable']).groups).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
    ]);
    expect(h.coordinator.listGroups(['Empty', 'Dead']).groups.map((g) => g.groupId)).toEqual(['s']);
    expect(h.coordinator.listGroups([]).groups).toHaveLength(2);
  });
});
