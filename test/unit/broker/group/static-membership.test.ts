import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, settle, subscription } from '../../../helpers/group-harness.js';

/** A stable group of a static member `a` (instance `ia`) and a dynamic member `b`. */
async function mixedGroup(h: GroupHarness) {
  const a = h.join('g', { groupInstanceId: 'ia', topics: ['t'] });
  const b = h.join('g', { clientId: 'b' });
  h.time.advance(200);
  await settle();
  const aId = a.value.memberId;
  const bId = b.value.memberId;
  h.sync('g', bId, 1);
  h.sync('g', aId, 1, { [aId]: 'a-parts', [bId]: 'b-parts' }, 'ia');
  await settle();
  expect(h.state('g')).toBe('Stable');
  return { aId, bId };
}

describe('static membership (group.instance.id)', () => {
  it('joins a static member at once, even from JoinGroup v4+, with an id built on its instance id', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { groupInstanceId: 'host-1', requireKnownMemberId: true });
    h.time.advance(100);
    await settle();
    expect(a.value.errorCode).toBe(0);
    expect(a.value.memberId).toBe('host-1-1');
    expect(a.value.members).toEqual([
      { memberId: 'host-1-1', groupInstanceId: 'host-1', metadata: subscription(['t']) },
    ]);
  });

  it('gives a restarted static member its assignment back without a rebalance', async () => {
    const h = new GroupHarness();
    const { aId, bId } = await mixedGroup(h);
    const restarted = h.join('g', { groupInstanceId: 'ia', topics: ['t'] });
    await settle();
    // Same generation; the old leader id, so the restarted leader computes no assignment.
    expect(restarted.value).toEqual(
      expect.objectContaining({ errorCode: 0, generationId: 1, leaderId: aId, members: [] }),
    );
    const newId = restarted.value.memberId;
    expect(newId).not.toBe(aId);
    expect(h.state('g')).toBe('Stable');
    const synced = h.sync('g', newId, 1, {}, 'ia');
    await settle();
    expect(synced.value).toEqual({ errorCode: 0, assignment: Buffer.from('a-parts') });
    // The rest of the group never noticed.
    expect(h.heartbeat('g', bId, 1)).toBe(0);
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([newId, bId]);
    // The new member id was stored before it was answered.
    expect(h.log.appends.length).toBeGreaterThanOrEqual(2);
  });

  it('fences the old incarnation: its requests get FENCED_INSTANCE_ID', async () => {
    const h = new GroupHarness();
    const { aId } = await mixedGroup(h);
    h.join('g', { groupInstanceId: 'ia' });
    await settle();
    expect(h.heartbeat('g', aId, 1, 'ia')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const sync = h.sync('g', aId, 1, {}, 'ia');
    const join = h.join('g', { memberId: aId, groupInstanceId: 'ia' });
    await settle();
    expect(sync.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(join.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const commit = h.coordinator.commitOffsets(
      'g',
      { generationId: 1, memberId: aId, groupInstanceId: 'ia' },
      [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }],
    );
    expect(commit).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
    expect(
      h.coordinator.leaveGroup('g', [{ memberId: aId, groupInstanceId: 'ia' }]).members,
    ).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
  });

  it('answers a JoinGroup the old incarnation had parked with FENCED_INSTANCE_ID', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { groupInstanceId: 'ia' });
    const b = h.join('g', { clientId: 'b' });
    const c = h.join('g', { clientId: 'c' });
    h.time.advance(200);
    await settle();
    const [aId, bId, cId] = [a.value.memberId, b.value.memberId, c.value.memberId];
    h.sync('g', aId, 1, {}, 'ia');
    await settle();
    // c changes its subscription: a rebalance that waits for a and b.
    h.join('g', { memberId: cId, topics: ['t', 'u'] });
    const parked = h.join('g', { memberId: aId, groupInstanceId: 'ia' });
    await settle();
    expect(parked.done).toBe(false);
    // a's process restarts and joins without its member id.
    const restarted = h.join('g', { groupInstanceId: 'ia' });
    await settle();
    expect(parked.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(restarted.done).toBe(false);
    h.join('g', { memberId: bId });
    await settle();
    expect(restarted.value).toEqual(
      expect.objectContaining({
        errorCode: 0,
        generationId: 2,
        leaderId: restarted.value.memberId,
      }),
    );
  });

  it('rebalances when a restarted static member would change the group protocol', async () => {
    const h = new GroupHarness();
    const meta = subscription(['t']);
    const a = h.join('g', {
      groupInstanceId: 'ia',
      protocols: [{ name: 'range', metadata: meta }],
    });
    const b = h.join('g', {
      clientId: 'b',
      protocols: [
        { name: 'range', metadata: meta },
        { name: 'roundrobin', metadata: meta },
      ],
    });
    h.time.advance(200);
    await settle();
    expect(a.value.protocolName).toBe('range');
    h.sync('g', b.value.memberId, 1);
    h.sync('g', a.value.memberId, 1, {}, 'ia');
    await settle();
    // Now a prefers roundrobin: the tie goes to a's vote (first in join order).
    const restarted = h.join('g', {
      groupInstanceId: 'ia',
      protocols: [
        { name: 'roundrobin', metadata: meta },
        { name: 'range', metadata: meta },
      ],
    });
    await settle();
    expect(restarted.done).toBe(false);
    expect(h.state('g')).toBe('PreparingRebalance');
    h.join('g', {
      memberId: b.value.memberId,
      protocols: [
        { name: 'range', metadata: meta },
        { name: 'roundrobin', metadata: meta },
      ],
    });
    await settle();
    expect(restarted.value).toEqual(
      expect.objectContaining({ generationId: 2, protocolName: 'roundrobin' }),
    );
  });

  it('keeps a static member that does not rejoin until its session expires', async () => {
    const h = new GroupHarness();
    const { aId, bId } = await mixedGroup(h);
    h.coordinator.leaveGroup('g', [{ memberId: bId, groupInstanceId: null }]);
    await settle();
    expect(h.state('g')).toBe('PreparingRebalance');
    // a heartbeats but never rejoins: the rebalance timeout passes and a, being static, stays.
    for (let i = 0; i < 7; i++) {
      h.time.advance(5_000);
      expect(h.heartbeat('g', aId, 1, 'ia')).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([aId]);
    const rejoin = h.join('g', { memberId: aId, groupInstanceId: 'ia' });
    await settle();
    expect(rejoin.value.generationId).toBe(2);
  });

  it('lets a static member leave by its instance id alone', async () => {
    const h = new GroupHarness();
    const { bId } = await mixedGroup(h);
    expect(h.coordinator.leaveGroup('g', [{ memberId: '', groupInstanceId: 'ia' }])).toEqual({
      errorCode: 0,
      members: [0],
    });
    expect(h.coordinator.leaveGroup('g', [{ memberId: '', groupInstanceId: 'nobody' }])).toEqual({
      errorCode: 0,
      members: [ErrorCode.UNKNOWN_MEMBER_ID],
    });
    const rejoin = h.join('g', { memberId: bId });
    await settle();
    expect(rejoin.value.members.map((m) => m.memberId)).toEqual([bId]);
  });

  it('refuses an instance id the group does not know with UNKNOWN_MEMBER_ID', async () => {
    const h = new GroupHarness();
    const { bId } = await mixedGroup(h);
    expect(h.heartbeat('g', bId, 1, 'other-instance')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
