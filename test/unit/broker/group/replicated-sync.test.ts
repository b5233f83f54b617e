import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../../core/util/error-codes.js';
import { GroupHarness, TEST_GROUP_CONFIG, settle } from '../../../helpers/group-harness.js';
import { MemoryOffsetsLog } from '../../../helpers/memory-offsets-log.js';

/** An offsets log whose replication the test completes by hand, as a follower fetch would. */
class ReplicatedOffsetsLog extends MemoryOffsetsLog {
  readonly waits: { partition: number; timeoutMs: number; answer: (code: ErrorCode) => void }[] =
    [];

  awaitReplicated(partition: number, timeoutMs: number): Promise<ErrorCode> {
    return new Promise((resolve) => {
      this.waits.push({ partition, timeoutMs, answer: resolve });
    });
  }
}

/** Two members joined into generation 1; the follower's sync is parked. */
async function joined(h: GroupHarness) {
  const a = h.join('g', { clientId: 'a' });
  const b = h.join('g', { clientId: 'b' });
  h.time.advance(200);
  await settle();
  const [aId, bId] = [a.value.memberId, b.value.memberId];
  const leaderId = a.value.leaderId;
  const followerId = leaderId === aId ? bId : aId;
  const followerSync = h.sync('g', followerId, 1);
  return { leaderId, followerId, followerSync };
}

describe('SyncGroup in a replicated __consumer_offsets', () => {
  it('answers the members only once the ISR holds the stored assignment', async () => {
    const log = new ReplicatedOffsetsLog();
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    const { leaderId, followerId, followerSync } = await joined(h);
    const leaderSync = h.sync('g', leaderId, 1, { [leaderId]: 'pl', [followerId]: 'pf' });
    await settle();
    expect(log.waits.map((w) => w.timeoutMs)).toEqual([TEST_GROUP_CONFIG.offsetsCommitTimeoutMs]);
    expect(log.all()).toHaveLength(1);
    expect(leaderSync.done).toBe(false);
    expect(followerSync.done).toBe(false);
    expect(h.coordinator.describeGroup('g').state).toBe('CompletingRebalance');

    log.waits[0]?.answer(ErrorCode.NONE);
    await settle();
    expect(leaderSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('pl') });
    expect(followerSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('pf') });
    expect(h.coordinator.describeGroup('g').state).toBe('Stable');
  });

  it('fails the sync and rebalances when the ISR cannot take the assignment in time', async () => {
    const log = new ReplicatedOffsetsLog();
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    const { leaderId, followerId, followerSync } = await joined(h);
    const leaderSync = h.sync('g', leaderId, 1, { [leaderId]: 'pl', [followerId]: 'pf' });
    await settle();
    log.waits[0]?.answer(ErrorCode.REQUEST_TIMED_OUT);
    await settle();
    expect(leaderSync.value.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(followerSync.value.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance');
  });

  it('answers NOT_COORDINATOR when leadership of the offsets partition moved during the wait', async () => {
    const log = new ReplicatedOffsetsLog();
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    const { leaderId, followerId } = await joined(h);
    const leaderSync = h.sync('g', leaderId, 1, { [leaderId]: 'pl', [followerId]: 'pf' });
    await settle();
    log.waits[0]?.answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    await settle();
    expect(leaderSync.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('ignores a late replication answer for a generation the group has left behind', async () => {
    const log = new ReplicatedOffsetsLog();
    const h = new GroupHarness(TEST_GROUP_CONFIG, log);
    const { leaderId, followerId, followerSync } = await joined(h);
    const leaderSync = h.sync('g', leaderId, 1, { [leaderId]: 'pl', [followerId]: 'pf' });
    await settle();
    // The follower leaves while the assignment is being replicated: the group rebalances.
    expect(
      h.coordinator.leaveGroup('g', [{ memberId: followerId, groupInstanceId: null }]),
    ).toEqual({ errorCode: ErrorCode.NONE, members: [ErrorCode.NONE] });
    await settle();
    expect(followerSync.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(leaderSync.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    log.waits[0]?.answer(ErrorCode.NONE);
    await settle();
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance');
  });
});
