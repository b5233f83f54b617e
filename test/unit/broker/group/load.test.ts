import { describe, expect, it, vi } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, TEST_GROUP_CONFIG, settle } from '../../../helpers/group-harness.js';

/** A new coordinator over the same log and clock, loaded. */
async function restart(h: GroupHarness): Promise<GroupHarness> {
  await h.coordinator.stop();
  const next = new GroupHarness(TEST_GROUP_CONFIG, h.log, h.time);
  await next.coordinator.start();
  return next;
}

describe('loading groups from __consumer_offsets', () => {
  it('restores a stable group: members keep their generation and assignment', async () => {
    const first = new GroupHarness();
    const a = first.join('g', { clientId: 'a', groupInstanceId: 'ia' });
    const b = first.join('g', { clientId: 'b' });
    first.time.advance(200);
    await settle();
    const [aId, bId] = [a.value.memberId, b.value.memberId];
    first.sync('g', bId, 1);
    first.sync('g', aId, 1, { [aId]: 'pa', [bId]: 'pb' }, 'ia');
    await settle();
    first.coordinator.commitOffsets(
      'g',
      { generationId: 1, memberId: aId, groupInstanceId: 'ia' },
      [{ topic: 't', partition: 0, offset: 77, leaderEpoch: 2, metadata: 'm' }],
    );

    const h = await restart(first);
    const described = h.coordinator.describeGroup('g');
    expect(described).toEqual(
      expect.objectContaining({ state: 'Stable', protocolType: 'consumer', protocolData: 'range' }),
    );
    expect(
      described.members.map((m) => [m.memberId, m.groupInstanceId, m.assignment.toString()]),
    ).toEqual([
      [aId, 'ia', 'pa'],
      [bId, null, 'pb'],
    ]);
    expect(h.heartbeat('g', aId, 1, 'ia')).toBe(0);
    expect(h.heartbeat('g', bId, 1)).toBe(0);
    const synced = h.sync('g', bId, 1);
    await settle();
    expect(synced.value.assignment.toString()).toBe('pb');
    expect(h.coordinator.fetchOffsets('g', null).topics).toEqual([
      {
        name: 't',
        partitions: [{ partition: 0, offset: 77, leaderEpoch: 2, metadata: 'm', errorCode: 0 }],
      },
    ]);
    // The static member restarts once more: still no rebalance.
    const again = h.join('g', { groupInstanceId: 'ia' });
    await settle();
    expect(again.value).toEqual(expect.objectContaining({ errorCode: 0, generationId: 1 }));
  });

  it('expires restored members that do not heartbeat and rebalances the others', async () => {
    const first = new GroupHarness();
    const a = first.join('g', { clientId: 'a' });
    const b = first.join('g', { clientId: 'b' });
    first.time.advance(200);
    await settle();
    first.sync('g', b.value.memberId, 1);
    first.sync('g', a.value.memberId, 1, {});
    await settle();
    const h = await restart(first);
    h.time.advance(9_000);
    expect(h.heartbeat('g', b.value.memberId, 1)).toBe(0);
    h.time.advance(2_000);
    expect(h.heartbeat('g', b.value.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = h.join('g', { memberId: b.value.memberId });
    await settle();
    expect(rejoin.value).toEqual(
      expect.objectContaining({ generationId: 2, leaderId: b.value.memberId }),
    );
  });

  it('keeps the generation of an empty group and forgets deleted ones', async () => {
    const first = new GroupHarness();
    const a = await first.stableGroupOfOne('kept');
    first.coordinator.leaveGroup('kept', [{ memberId: a.memberId, groupInstanceId: null }]);
    first.coordinator.commitOffsets(
      'kept',
      { generationId: -1, memberId: '', groupInstanceId: null },
      [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }],
    );
    first.coordinator.commitOffsets(
      'gone',
      { generationId: -1, memberId: '', groupInstanceId: null },
      [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }],
    );
    expect(first.coordinator.deleteGroup('gone')).toBe(0);

    const h = await restart(first);
    expect(h.coordinator.listGroups([]).groups).toEqual([
      { groupId: 'kept', protocolType: 'consumer', state: 'Empty' },
    ]);
    const joined = h.join('kept');
    h.time.advance(100);
    await settle();
    expect(joined.value.generationId).toBe(3);
  });

  it('loads nothing, and needs no loading, before the topic exists', async () => {
    const h = new GroupHarness();
    await h.coordinator.start();
    expect(h.coordinator.listGroups([])).toEqual({ errorCode: 0, groups: [] });
    expect(h.log.created).toBe(false);
    expect(h.coordinator.findCoordinator()).toBe(0);
    expect(h.log.created).toBe(true);
  });
});

describe('leadership of a __consumer_offsets partition moving away and back', () => {
  it('drops the partition’s groups on resignation, so coming back loads the newer log state', async () => {
    const h = new GroupHarness();
    const admin = { generationId: -1, memberId: '', groupInstanceId: null };
    h.coordinator.commitOffsets('g', admin, [
      { topic: 't', partition: 0, offset: 77, leaderEpoch: 0, metadata: '' },
    ]);
    await settle();
    const parked = h.join('g', { clientId: 'a' });
    await settle();
    const partition = h.coordinator.partitionFor('g');

    // Another broker leads the partition meanwhile and commits on the same log.
    h.coordinator.onResign(partition);
    await settle();
    expect(parked.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const other = new GroupHarness(TEST_GROUP_CONFIG, h.log, h.time);
    await other.coordinator.start();
    other.coordinator.commitOffsets('g', admin, [
      { topic: 't', partition: 0, offset: 99, leaderEpoch: 1, metadata: '' },
    ]);
    await settle();

    h.coordinator.onBecomeLeader(partition);
    await vi.waitFor(() => {
      expect(h.coordinator.groupError('g')).toBe(ErrorCode.NONE);
    });
    expect(h.coordinator.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(99);
  });
});
