import { describe, expect, it } from 'vitest';

import type { PartitionState } from '../../../core/broker/metadata/cluster-view.js';
import {
  decidePartition,
  initialPartitionState,
} from '../../../core/broker/metadata/controller-decisions.js';

const state = (over: Partial<PartitionState> = {}): PartitionState => ({
  leader: 1,
  leaderEpoch: 4,
  isr: [1, 2, 3],
  replicas: [1, 2, 3],
  partitionEpoch: 9,
  ...over,
});

describe("the controller's partition decisions", () => {
  it('leaves a partition whose leader and ISR are alive alone', () => {
    expect(decidePartition(state(), new Set([1, 2, 3]))).toBeUndefined();
  });

  it('elects the first live ISR member in replica order and bumps both epochs', () => {
    expect(decidePartition(state(), new Set([2, 3]))).toEqual(
      state({ leader: 2, leaderEpoch: 5, isr: [2, 3], partitionEpoch: 10 }),
    );
  });

  it('never elects a replica outside the ISR (unclean election off): the partition goes offline', () => {
    const s = state({ isr: [1] });
    expect(decidePartition(s, new Set([2, 3]))).toEqual(
      state({ leader: -1, leaderEpoch: 5, isr: [1], partitionEpoch: 10 }),
    );
    // Already offline: nothing to do until an ISR member returns.
    const offline = state({ leader: -1, leaderEpoch: 5, isr: [1], partitionEpoch: 10 });
    expect(decidePartition(offline, new Set([2, 3]))).toBeUndefined();
    expect(decidePartition(offline, new Set([1, 2]))).toEqual(
      state({ leader: 1, leaderEpoch: 6, isr: [1], partitionEpoch: 11 }),
    );
  });

  it('elects any live replica when unclean election is enabled, with an ISR of itself', () => {
    expect(decidePartition(state({ isr: [1] }), new Set([3]), true)).toEqual(
      state({ leader: 3, leaderEpoch: 5, isr: [3], partitionEpoch: 10 }),
    );
  });

  it('drops dead followers from the ISR without touching the leader epoch', () => {
    expect(decidePartition(state(), new Set([1, 3]))).toEqual(
      state({ isr: [1, 3], partitionEpoch: 10 }),
    );
  });

  it('starts a partition with its first replica leading, alone in the ISR', () => {
    expect(initialPartitionState([2, 3, 1])).toEqual({
      leader: 2,
      leaderEpoch: 0,
      isr: [2],
      replicas: [2, 3, 1],
      partitionEpoch: 0,
    });
  });
});
