import { describe, expect, it } from 'vitest';

import type { PartitionState } from '../../../core/broker/metadata/cluster-view.js';
import {
  ElectionType,
  cancelReassignment,
  completeReassignment,
  electLeader,
  isReassigning,
  preferredElectionsDue,
  startReassignment,
  targetReplicas,
} from '../../../core/broker/metadata/replica-changes.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { FjordError } from '../../../core/util/errors.js';

const state = (over: Partial<PartitionState> = {}): PartitionState => ({
  leader: 1,
  leaderEpoch: 4,
  isr: [1, 2, 3],
  replicas: [1, 2, 3],
  partitionEpoch: 9,
  ...over,
});
const all = new Set([1, 2, 3, 4, 5]);

function codeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof FjordError) return err.code;
    throw err;
  }
  return undefined;
}

describe('reassignments (KIP-455)', () => {
  it('lists the new replicas at once, outside the ISR, and completes only when they caught up', () => {
    const started = startReassignment(state(), [4, 5, 1], all, all);
    expect(started).toEqual(
      state({
        replicas: [4, 5, 1, 2, 3],
        addingReplicas: [4, 5],
        removingReplicas: [2, 3],
        partitionEpoch: 10,
      }),
    );
    if (started === undefined) throw new Error('unreachable');
    expect(isReassigning(started)).toBe(true);
    expect(targetReplicas(started)).toEqual([4, 5, 1]);
    expect(completeReassignment(started, all)).toBeUndefined();
    expect(completeReassignment({ ...started, isr: [1, 2, 3, 4] }, all)).toBeUndefined();
    const done = completeReassignment({ ...started, isr: [1, 2, 3, 4, 5] }, all);
    expect(done).toEqual(state({ replicas: [4, 5, 1], isr: [1, 4, 5], partitionEpoch: 11 }));
  });

  it('hands leadership to an in-sync target replica when the leader is removed, with a new epoch', () => {
    const started = startReassignment(state(), [2, 3], all, all);
    if (started === undefined) throw new Error('unreachable');
    expect(started.leader).toBe(1);
    const done = completeReassignment(started, all);
    expect(done).toEqual(
      state({ leader: 2, leaderEpoch: 5, replicas: [2, 3], isr: [2, 3], partitionEpoch: 11 }),
    );
    // Without a live target replica to lead, the controller waits instead of going offline.
    expect(completeReassignment(started, new Set([1]))).toBeUndefined();
  });

  it('treats the current replicas as nothing to do, and a new order as an immediate change', () => {
    expect(startReassignment(state(), [1, 2, 3], all, all)).toBeUndefined();
    expect(startReassignment(state(), [3, 1, 2], all, all)).toEqual(
      state({ replicas: [3, 1, 2], partitionEpoch: 10 }),
    );
  });

  it('replaces a running reassignment, measured from the original replicas', () => {
    const first = startReassignment(state(), [1, 2, 4], all, all);
    if (first === undefined) throw new Error('unreachable');
    const second = startReassignment({ ...first, isr: [1, 2, 3, 4] }, [1, 2, 5], all, all);
    expect(second).toMatchObject({
      replicas: [1, 2, 5, 3],
      addingReplicas: [5],
      removingReplicas: [3],
      isr: [1, 2, 3],
    });
    // Back to the original list: the same as a cancel.
    expect(startReassignment(first, [1, 2, 3], all, all)).toEqual(state({ partitionEpoch: 11 }));
  });

  it('cancels back to the original replicas, and refuses a cancel with nothing running', () => {
    const started = startReassignment(state({ replicas: [1], isr: [1] }), [2], all, all);
    if (started === undefined) throw new Error('unreachable');
    expect(cancelReassignment({ ...started, isr: [1, 2] }, all)).toEqual(
      state({ replicas: [1], isr: [1], partitionEpoch: 11 }),
    );
    expect(codeOf(() => cancelReassignment(state(), all))).toBe(
      ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
    );
    // The new replica took over and the original one fell out of sync: cancelling would keep
    // no up-to-date copy.
    const moved = { ...started, leader: 2, isr: [2] };
    expect(codeOf(() => cancelReassignment(moved, all))).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });

  it('refuses empty lists, duplicates and unregistered brokers', () => {
    expect(codeOf(() => startReassignment(state(), [], all, all))).toBe(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
    expect(codeOf(() => startReassignment(state(), [1, 1], all, all))).toBe(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
    expect(codeOf(() => startReassignment(state(), [1, 9], all, all))).toBe(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
  });
});

describe('leader elections (KIP-460)', () => {
  it('moves leadership back to the preferred replica when it is alive and in sync', () => {
    expect(electLeader(state({ leader: 2 }), ElectionType.PREFERRED, all)).toEqual(
      state({ leader: 1, leaderEpoch: 5, partitionEpoch: 10 }),
    );
  });

  it('answers ELECTION_NOT_NEEDED and PREFERRED_LEADER_NOT_AVAILABLE as Kafka does', () => {
    expect(codeOf(() => electLeader(state(), ElectionType.PREFERRED, all))).toBe(
      ErrorCode.ELECTION_NOT_NEEDED,
    );
    const lagging = state({ leader: 2, isr: [2, 3] });
    expect(codeOf(() => electLeader(lagging, ElectionType.PREFERRED, all))).toBe(
      ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
    );
    expect(
      codeOf(() => electLeader(state({ leader: 2 }), ElectionType.PREFERRED, new Set([2, 3]))),
    ).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
  });

  it('elects an unclean leader only for a partition without a live leader', () => {
    expect(codeOf(() => electLeader(state(), ElectionType.UNCLEAN, all))).toBe(
      ErrorCode.ELECTION_NOT_NEEDED,
    );
    const offline = state({ leader: -1, isr: [1] });
    expect(electLeader(offline, ElectionType.UNCLEAN, new Set([2, 3]))).toEqual(
      state({ leader: 2, leaderEpoch: 5, isr: [2], partitionEpoch: 10 }),
    );
    // An in-sync replica that is alive again is preferred over an out-of-sync one.
    expect(electLeader(offline, ElectionType.UNCLEAN, new Set([1, 3]))).toMatchObject({
      leader: 1,
      isr: [1],
    });
    expect(codeOf(() => electLeader(offline, ElectionType.UNCLEAN, new Set([5])))).toBe(
      ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
    );
  });
});

describe('automatic preferred-leader rebalance', () => {
  const led = (preferred: number, leader: number, isr = [preferred, leader]): PartitionState =>
    state({ replicas: [preferred, 9], leader, isr });

  it('moves leadership back for a broker over the imbalance threshold, only where it is in sync', () => {
    const partitions = [
      ['a', led(1, 1)],
      ['b', led(1, 2)],
      ['c', led(1, 2, [2])],
      ['d', led(2, 2)],
    ] as const;
    // Broker 1 is preferred for 3 partitions and leads 1: 67 % imbalance; c is not movable.
    expect(preferredElectionsDue(partitions, all, 10)).toEqual(['b']);
    expect(preferredElectionsDue(partitions, new Set([2]), 10)).toEqual([]);
  });

  it('leaves an imbalance at or under the threshold alone', () => {
    const partitions = Array.from({ length: 10 }, (_, i) => [i, led(1, i === 0 ? 2 : 1)] as const);
    expect(preferredElectionsDue(partitions, all, 10)).toEqual([]);
    expect(preferredElectionsDue(partitions, all, 9)).toEqual([0]);
  });
});
