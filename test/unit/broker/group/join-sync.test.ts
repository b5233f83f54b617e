import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, settle, subscription } from '../../../helpers/group-harness.js';

describe('JoinGroup and SyncGroup', () => {
  it('hands a v4+ member without an id MEMBER_ID_REQUIRED and an id to rejoin with', async () => {
    const h = new GroupHarness();
    const first = h.join('g', { clientId: 'kcat', requireKnownMemberId: true });
    await settle();
    expect(first.value).toEqual(
      expect.objectContaining({
        errorCode: ErrorCode.MEMBER_ID_REQUIRED,
        memberId: 'kcat-1',
        generationId: -1,
      }),
    );
    expect(h.state('g')).toBe('Empty');
    const again = h.join('g', { memberId: 'kcat-1', requireKnownMemberId: true });
    await settle();
    expect(again.done).toBe(false);
    h.time.advance(100);
    await settle();
    expect(again.value).toEqual(
      expect.objectContaining({
        errorCode: 0,
        memberId: 'kcat-1',
        generationId: 1,
        leaderId: 'kcat-1',
      }),
    );
  });

  it('lets an old (v0-3) member join at once with a fresh id', async () => {
    const h = new GroupHarness();
    const joined = h.join('g', { clientId: 'old' });
    await settle();
    expect(joined.done).toBe(false);
    expect(h.state('g')).toBe('PreparingRebalance');
    h.time.advance(100);
    await settle();
    expect(joined.value.memberId).toBe('old-1');
    expect(joined.value.members.map((m) => m.memberId)).toEqual(['old-1']);
    expect(h.state('g')).toBe('CompletingRebalance');
  });

  it('forms one generation from members joining during the initial delay; followers wait for the leader', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a', topics: ['t1'] });
    h.time.advance(50);
    const b = h.join('g', { clientId: 'b', topics: ['t2'] });
    await settle();
    expect(a.done || b.done).toBe(false);
    // b arrived during the delay: the group waits one more delay for stragglers.
    h.time.advance(50);
    await settle();
    expect(a.done).toBe(false);
    h.time.advance(100);
    await settle();
    expect(a.value.generationId).toBe(1);
    expect(b.value.generationId).toBe(1);
    expect(a.value.leaderId).toBe('a-1');
    expect(a.value.protocolName).toBe('range');
    // Only the leader learns everybody's subscription.
    expect(a.value.members).toEqual([
      { memberId: 'a-1', groupInstanceId: null, metadata: subscription(['t1']) },
      { memberId: 'b-2', groupInstanceId: null, metadata: subscription(['t2']) },
    ]);
    expect(b.value.members).toEqual([]);

    const follower = h.sync('g', 'b-2', 1);
    await settle();
    expect(follower.done).toBe(false);
    const leader = h.sync('g', 'a-1', 1, { 'a-1': 'for-a', 'b-2': 'for-b' });
    await settle();
    expect(leader.value).toEqual({ errorCode: 0, assignment: Buffer.from('for-a') });
    expect(follower.value).toEqual({ errorCode: 0, assignment: Buffer.from('for-b') });
    expect(h.state('g')).toBe('Stable');
    const described = h.coordinator.describeGroup('g');
    expect(described.protocolData).toBe('range');
    expect(described.members.map((m) => m.assignment.toString())).toEqual(['for-a', 'for-b']);
  });

  it('gives members the leader left out an empty assignment', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    const follower = h.sync('g', b.value.memberId, 1);
    h.sync('g', a.value.memberId, 1, { [a.value.memberId]: 'all' });
    await settle();
    expect(follower.value).toEqual({ errorCode: 0, assignment: Buffer.alloc(0) });
  });

  it('rebalances when a member joins a stable group; the others learn it from heartbeats', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    expect(h.heartbeat('g', a.memberId, 1)).toBe(ErrorCode.NONE);
    const b = h.join('g', { clientId: 'b' });
    await settle();
    expect(h.state('g')).toBe('PreparingRebalance');
    expect(h.heartbeat('g', a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Sync of the old generation is refused while rebalancing.
    const stale = h.sync('g', a.memberId, 1);
    await settle();
    expect(stale.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // The last member to rejoin completes the join phase at once: no rebalance delay.
    const rejoin = h.join('g', { memberId: a.memberId });
    await settle();
    expect(rejoin.value.generationId).toBe(2);
    expect(b.value.generationId).toBe(2);
    expect(rejoin.value.leaderId).toBe(a.memberId);
    expect(h.heartbeat('g', a.memberId, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    // Heartbeats of the new generation are fine while waiting for the sync.
    expect(h.heartbeat('g', b.value.memberId, 2)).toBe(ErrorCode.NONE);
  });

  it('gives a follower rejoining unchanged the current generation without a rebalance', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    h.sync('g', b.value.memberId, 1);
    h.sync('g', a.value.memberId, 1, { [a.value.memberId]: 'x', [b.value.memberId]: 'y' });
    await settle();
    const again = h.join('g', { memberId: b.value.memberId });
    await settle();
    expect(again.value).toEqual(
      expect.objectContaining({
        errorCode: 0,
        generationId: 1,
        leaderId: a.value.memberId,
        members: [],
      }),
    );
    expect(h.state('g')).toBe('Stable');
    const synced = h.sync('g', b.value.memberId, 1);
    await settle();
    expect(synced.value.assignment.toString()).toBe('y');
  });

  it('rebalances when the leader rejoins a stable group or a member changes its subscription', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    const rejoin = h.join('g', { memberId: a.memberId });
    await settle();
    expect(rejoin.value.generationId).toBe(2);

    h.sync('g', a.memberId, 2, { [a.memberId]: 'x' });
    await settle();
    const changed = h.join('g', { memberId: a.memberId, topics: ['t', 'u'] });
    await settle();
    expect(changed.value.generationId).toBe(3);
    expect(changed.value.members[0]?.metadata).toEqual(subscription(['t', 'u']));
  });

  it('resends the generation to a member that rejoins unchanged while the group completes', async () => {
    const h = new GroupHarness();
    const a = h.join('g');
    h.time.advance(100);
    await settle();
    const again = h.join('g', { memberId: a.value.memberId });
    await settle();
    expect(again.value).toEqual(
      expect.objectContaining({ generationId: 1, leaderId: a.value.memberId }),
    );
    expect(again.value.members).toHaveLength(1);
    expect(h.state('g')).toBe('CompletingRebalance');
  });

  it('answers a follower waiting in SyncGroup REBALANCE_IN_PROGRESS when a rebalance starts', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    const waiting = h.sync('g', b.value.memberId, 1);
    h.join('g', { clientId: 'c' });
    await settle();
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(a.value.generationId).toBe(1);
  });

  it('moves the group to a new leader when the leader leaves', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    h.sync('g', b.value.memberId, 1);
    h.sync('g', a.value.memberId, 1, {});
    await settle();
    expect(
      h.coordinator.leaveGroup('g', [{ memberId: a.value.memberId, groupInstanceId: null }]),
    ).toEqual({
      errorCode: 0,
      members: [0],
    });
    expect(h.state('g')).toBe('PreparingRebalance');
    const rejoin = h.join('g', { memberId: b.value.memberId });
    await settle();
    expect(rejoin.value).toEqual(
      expect.objectContaining({ generationId: 2, leaderId: b.value.memberId }),
    );
  });

  it('leaves a batch of members with a code each, and the last one leaving empties the group', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    const left = h.coordinator.leaveGroup('g', [
      { memberId: a.value.memberId, groupInstanceId: null },
      { memberId: 'stranger', groupInstanceId: null },
      { memberId: b.value.memberId, groupInstanceId: null },
    ]);
    expect(left).toEqual({ errorCode: 0, members: [0, ErrorCode.UNKNOWN_MEMBER_ID, 0] });
    // Nobody is left to wait for: the rebalance ends at once in an empty generation.
    expect(h.state('g')).toBe('Empty');
    expect(h.coordinator.describeGroup('g')).toEqual(expect.objectContaining({ members: [] }));
    // The empty generation is stored, as Kafka does.
    expect(h.log.appends.length).toBeGreaterThan(0);
  });

  it('lets a member given an id by MEMBER_ID_REQUIRED leave before using it', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    const pending = h.join('g', { requireKnownMemberId: true, clientId: 'p' });
    await settle();
    expect(pending.value.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(
      h.coordinator.leaveGroup('g', [{ memberId: pending.value.memberId, groupInstanceId: null }]),
    ).toEqual({ errorCode: 0, members: [0] });
    expect(h.state('g')).toBe('Stable');
    expect(h.heartbeat('g', a.memberId, 1)).toBe(0);
  });

  it('answers parked requests NOT_COORDINATOR when the coordinator stops', async () => {
    const h = new GroupHarness();
    const joined = h.join('g');
    await h.coordinator.stop();
    await settle();
    expect(joined.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.time.pending).toBe(0);
    expect(h.heartbeat('g', 'x', 1)).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.findCoordinator()).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});
