import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, TEST_GROUP_CONFIG, settle } from '../../../helpers/group-harness.js';

/** Two members a and b in a stable generation 1. */
async function stablePair(h: GroupHarness, sessionTimeoutMs = 10_000) {
  const a = h.join('g', { clientId: 'a', sessionTimeoutMs });
  const b = h.join('g', { clientId: 'b', sessionTimeoutMs });
  h.time.advance(200);
  await settle();
  h.sync('g', b.value.memberId, 1);
  h.sync('g', a.value.memberId, 1, {});
  await settle();
  expect(h.state('g')).toBe('Stable');
  return { a: a.value.memberId, b: b.value.memberId };
}

describe('group timeouts in virtual time', () => {
  it('keeps a member alive while it heartbeats within its session timeout', async () => {
    const h = new GroupHarness();
    const { a, b } = await stablePair(h);
    for (let i = 0; i < 10; i++) {
      h.time.advance(9_000);
      expect(h.heartbeat('g', a, 1)).toBe(0);
      expect(h.heartbeat('g', b, 1)).toBe(0);
    }
    expect(h.state('g')).toBe('Stable');
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const h = new GroupHarness();
    const { a, b } = await stablePair(h);
    h.time.advance(6_000);
    expect(h.heartbeat('g', a, 1)).toBe(0);
    h.time.advance(4_001);
    // b never heartbeat: gone after 10 s.
    expect(h.heartbeat('g', b, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.heartbeat('g', a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = h.join('g', { memberId: a });
    await settle();
    expect(rejoin.value).toEqual(expect.objectContaining({ generationId: 2, leaderId: a }));
    expect(rejoin.value.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('counts a commit as a sign of life', async () => {
    const h = new GroupHarness();
    const { a, b } = await stablePair(h);
    h.time.advance(8_000);
    h.heartbeat('g', b, 1);
    h.coordinator.commitOffsets('g', { generationId: 1, memberId: a, groupInstanceId: null }, [
      { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null },
    ]);
    h.time.advance(8_000);
    expect(h.heartbeat('g', a, 1)).toBe(0);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const h = new GroupHarness();
    const { a, b } = await stablePair(h, 60_000);
    const c = h.join('g', { clientId: 'c', rebalanceTimeoutMs: 20_000 });
    const aAgain = h.join('g', {
      memberId: a,
      rebalanceTimeoutMs: 20_000,
      sessionTimeoutMs: 60_000,
    });
    await settle();
    // b keeps heartbeating but never rejoins.
    h.time.advance(15_000);
    expect(h.heartbeat('g', b, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(aAgain.done).toBe(false);
    // The rebalance timeout is the longest of the members' (b's is 30 s).
    h.time.advance(15_000);
    await settle();
    expect(aAgain.value.generationId).toBe(2);
    expect(c.value.generationId).toBe(2);
    expect(aAgain.value.members.map((m) => m.memberId)).toEqual([a, c.value.memberId]);
    expect(h.heartbeat('g', b, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('drops members that never send SyncGroup and rebalances again', async () => {
    const h = new GroupHarness();
    const a = h.join('g', { clientId: 'a' });
    const b = h.join('g', { clientId: 'b' });
    h.time.advance(200);
    await settle();
    // b syncs and waits; the leader a keeps heartbeating but never sends its SyncGroup.
    const waiting = h.sync('g', b.value.memberId, 1);
    for (let i = 0; i < 6; i++) {
      h.time.advance(5_000);
      await settle();
      if (waiting.done) break;
      expect(h.heartbeat('g', a.value.memberId, 1)).toBe(0);
    }
    // The sync timeout is the rebalance timeout (30 s) after the generation formed.
    h.time.advance(200);
    await settle();
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.heartbeat('g', a.value.memberId, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = h.join('g', { memberId: b.value.memberId });
    await settle();
    expect(rejoin.value).toEqual(
      expect.objectContaining({ generationId: 2, leaderId: b.value.memberId }),
    );
  });

  it('keeps a member parked in JoinGroup from expiring while others take their time', async () => {
    const h = new GroupHarness();
    const { a, b } = await stablePair(h, 6_000);
    const aAgain = h.join('g', {
      memberId: a,
      sessionTimeoutMs: 6_000,
      rebalanceTimeoutMs: 30_000,
    });
    // b heartbeats (learning of the rebalance) and rejoins only after 20 s.
    for (let i = 0; i < 4; i++) {
      h.time.advance(5_000);
      expect(h.heartbeat('g', b, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const bAgain = h.join('g', {
      memberId: b,
      sessionTimeoutMs: 6_000,
      rebalanceTimeoutMs: 30_000,
    });
    await settle();
    expect(aAgain.value.generationId).toBe(2);
    expect(bAgain.value.generationId).toBe(2);
    expect(aAgain.value.members).toHaveLength(2);
  });

  it('forgets an id handed out with MEMBER_ID_REQUIRED that is not used within the session timeout', async () => {
    const h = new GroupHarness();
    const a = await h.stableGroupOfOne('g');
    const pending = h.join('g', {
      clientId: 'p',
      requireKnownMemberId: true,
      sessionTimeoutMs: 8_000,
    });
    await settle();
    // A promised id alone does not rebalance a stable group.
    expect(h.state('g')).toBe('Stable');
    const leader = h.join('g', { memberId: a.memberId });
    await settle();
    expect(pending.value.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    // The rebalance waits for the promised member...
    expect(leader.done).toBe(false);
    h.time.advance(8_000);
    await settle();
    // ...until its id expires.
    expect(leader.value.generationId).toBe(2);
    const late = h.join('g', { memberId: pending.value.memberId, requireKnownMemberId: true });
    await settle();
    expect(late.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('stretches the initial delay while members keep arriving, up to the rebalance timeout', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, initialRebalanceDelayMs: 3_000 });
    const first = h.join('g', { rebalanceTimeoutMs: 10_000 });
    // Delays end at 3 s, 6 s and 9 s, each extended by a member that arrived during it; the
    // last extension is cut to what is left of the 10 s rebalance timeout.
    for (let i = 0; i < 3; i++) {
      h.time.advance(2_500);
      h.join('g', { clientId: `c${i}`, rebalanceTimeoutMs: 10_000 });
    }
    h.time.advance(2_000);
    await settle();
    expect(first.done).toBe(false);
    h.time.advance(500);
    await settle();
    expect(first.value.generationId).toBe(1);
    expect(first.value.members).toHaveLength(4);
  });

  it('does not wait out the initial delay again once the group has a generation', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, initialRebalanceDelayMs: 3_000 });
    const a = h.join('g');
    h.time.advance(3_000);
    await settle();
    h.sync('g', a.value.memberId, 1, {});
    await settle();
    const again = h.join('g', { memberId: a.value.memberId });
    await settle();
    expect(again.value.generationId).toBe(2);
  });

  it('runs the retention check on its interval once started', async () => {
    const h = new GroupHarness({ ...TEST_GROUP_CONFIG, offsetsRetentionMs: 60_000 });
    await h.coordinator.start();
    h.coordinator.commitOffsets(
      'simple',
      { generationId: -1, memberId: '', groupInstanceId: null },
      [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: 'm' }],
    );
    h.time.advance(600_000);
    expect(h.coordinator.fetchOffsets('simple', null).topics).toEqual([]);
    expect(h.coordinator.listGroups([]).groups).toEqual([]);
  });
});
