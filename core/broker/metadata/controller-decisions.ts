/**
 * The controller's decisions, as pure functions of a partition's state and the live brokers, so
 * they can be tested without etcd. The controller applies each with a compare-and-swap on the
 * partition's record (etcd-metadata-store.ts).
 */
import { NO_LEADER } from './cluster-view.js';
import type { PartitionState } from './cluster-view.js';

/**
 * The state a partition should move to given who is alive, or undefined when it is fine as it
 * is. A dead leader is replaced by the first live ISR member in replica order, with the leader
 * epoch bumped; with none alive the partition goes offline (leader -1) rather than elect a
 * replica that may lack committed records, unless `uncleanLeaderElection`. Dead followers leave
 * the ISR, but the ISR never becomes empty: its last member is the only replica known to hold
 * every committed record, so it stays listed and is the one to lead when it returns.
 */
export function decidePartition(
  state: PartitionState,
  live: ReadonlySet<number>,
  uncleanLeaderElection = false,
): PartitionState | undefined {
  const liveIsr = state.isr.filter((id) => live.has(id));
  if (state.leader !== NO_LEADER && live.has(state.leader)) {
    if (liveIsr.length === state.isr.length) return undefined;
    return { ...state, isr: liveIsr, partitionEpoch: state.partitionEpoch + 1 };
  }
  const candidate = state.replicas.find((id) => state.isr.includes(id) && live.has(id));
  if (candidate !== undefined) {
    return {
      ...state,
      leader: candidate,
      leaderEpoch: state.leaderEpoch + 1,
      isr: liveIsr,
      partitionEpoch: state.partitionEpoch + 1,
    };
  }
  if (uncleanLeaderElection) {
    const anyLive = state.replicas.find((id) => live.has(id));
    if (anyLive !== undefined) {
      return {
        ...state,
        leader: anyLive,
        leaderEpoch: state.leaderEpoch + 1,
        isr: [anyLive],
        partitionEpoch: state.partitionEpoch + 1,
      };
    }
  }
  if (state.leader === NO_LEADER) return undefined;
  // Offline: the ISR keeps its members (see above), the epoch moves so the old leader is fenced.
  return {
    ...state,
    leader: NO_LEADER,
    leaderEpoch: state.leaderEpoch + 1,
    partitionEpoch: state.partitionEpoch + 1,
  };
}

/** The state of a new partition on `replicas`: the first replica leads, alone in the ISR. */
export function initialPartitionState(replicas: readonly number[]): PartitionState {
  const leader = replicas[0] ?? NO_LEADER;
  // Only the leader is in the ISR at first: a follower joins once it has fetched up to the
  // leader's log end (replication), never on the assumption that an empty log is caught up.
  return {
    leader,
    leaderEpoch: 0,
    isr: leader === NO_LEADER ? [] : [leader],
    replicas,
    partitionEpoch: 0,
  };
}
