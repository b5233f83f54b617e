/**
 * Administrative changes of a partition's replicas, as pure functions of its state and the live
 * brokers (controller-decisions.ts holds the automatic ones): leader elections asked for through
 * ElectLeaders (KIP-460) and reassignments (KIP-455). A reassignment first lists the new replicas
 * next to the old ones, so they fetch and catch up; the controller completes it once every target
 * replica is in the ISR, and only then are the old ones dropped. Reads never lose a replica that
 * holds committed records: no step shrinks the ISR to replicas that were not in it.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { NO_LEADER } from './cluster-view.js';
import type { PartitionState } from './cluster-view.js';

/** ElectLeaders' election types (KIP-460). */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;
/** One of {@link ElectionType}. */
export type ElectionType = (typeof ElectionType)[keyof typeof ElectionType];

/** Whether a reassignment of the partition is running. */
export function isReassigning(state: PartitionState): boolean {
  return (state.addingReplicas?.length ?? 0) > 0 || (state.removingReplicas?.length ?? 0) > 0;
}

/** The replicas the partition ends up on: all of them, or a running reassignment's target. */
export function targetReplicas(state: PartitionState): readonly number[] {
  const removing = state.removingReplicas ?? [];
  return state.replicas.filter((id) => !removing.includes(id));
}

/** The replicas before the running reassignment (all of them when none runs). */
export function originalReplicas(state: PartitionState): readonly number[] {
  const adding = state.addingReplicas ?? [];
  return state.replicas.filter((id) => !adding.includes(id));
}

/**
 * Starts a reassignment to `target` (replacing a running one), or returns undefined when the
 * partition already sits on `target`. New replicas join `replicas` at once but not the ISR: they
 * join it by catching up.
 *
 * @throws FjordError INVALID_REPLICA_ASSIGNMENT for an empty target, a broker named twice or a
 *   broker that is not registered.
 */
export function startReassignment(
  state: PartitionState,
  target: readonly number[],
  registered: ReadonlySet<number>,
  live: ReadonlySet<number>,
): PartitionState | undefined {
  checkReplicaList(target, registered);
  const original = originalReplicas(state);
  if (sameList(target, original)) {
    return isReassigning(state) ? cancelReassignment(state, live) : undefined;
  }
  const adding = target.filter((id) => !original.includes(id));
  const removing = original.filter((id) => !target.includes(id));
  return withReplicas(state, [...target, ...removing], adding, removing, live);
}

/**
 * Stops a running reassignment and returns to the original replicas.
 *
 * @throws FjordError NO_REASSIGNMENT_IN_PROGRESS when none runs; INVALID_REPLICA_ASSIGNMENT when
 *   no original replica is in sync any more (cancelling would drop every up-to-date copy).
 */
export function cancelReassignment(
  state: PartitionState,
  live: ReadonlySet<number>,
): PartitionState {
  if (!isReassigning(state)) {
    throw new FjordError(
      'No reassignment is in progress for this partition.',
      ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
    );
  }
  return withReplicas(state, originalReplicas(state), [], [], live);
}

/**
 * The controller's step that completes a reassignment once every target replica is in the ISR:
 * the replicas become the target, the removed ones leave the ISR, and a leader outside the target
 * hands over to the first target replica that is in sync and alive. Undefined while nothing is
 * to be done.
 */
export function completeReassignment(
  state: PartitionState,
  live: ReadonlySet<number>,
): PartitionState | undefined {
  if (!isReassigning(state)) return undefined;
  const target = targetReplicas(state);
  if (!target.every((id) => state.isr.includes(id))) return undefined;
  // A leader leaving needs a live successor; without one, wait rather than go offline.
  if (!target.includes(state.leader) && !target.some((id) => live.has(id))) return undefined;
  return withReplicas(state, target, [], [], live);
}

/**
 * A leader election asked for by an administrator.
 * - preferred: the first replica leads, if it is alive and in sync;
 * - unclean: a partition without a live leader gets the first live in-sync replica, else the first
 *   live replica at all (which may lack committed records: the operator chose that).
 *
 * @throws FjordError ELECTION_NOT_NEEDED when the wanted leader already leads,
 *   PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE when it cannot lead now.
 */
export function electLeader(
  state: PartitionState,
  type: ElectionType,
  live: ReadonlySet<number>,
): PartitionState {
  if (type === ElectionType.PREFERRED) {
    const preferred = state.replicas[0] ?? NO_LEADER;
    if (state.leader === preferred) {
      throw new FjordError('The preferred replica already leads.', ErrorCode.ELECTION_NOT_NEEDED);
    }
    if (!live.has(preferred) || !state.isr.includes(preferred)) {
      throw new FjordError(
        `The preferred replica ${preferred} is not alive and in sync.`,
        ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
      );
    }
    return leadBy(state, preferred, state.isr);
  }
  if (state.leader !== NO_LEADER && live.has(state.leader)) {
    throw new FjordError('The partition has a live leader.', ErrorCode.ELECTION_NOT_NEEDED);
  }
  const clean = state.replicas.find((id) => state.isr.includes(id) && live.has(id));
  if (clean !== undefined)
    return leadBy(
      state,
      clean,
      state.isr.filter((id) => live.has(id)),
    );
  const anyLive = state.replicas.find((id) => live.has(id));
  if (anyLive === undefined) {
    throw new FjordError(
      'No replica of the partition is alive.',
      ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
    );
  }
  return leadBy(state, anyLive, [anyLive]);
}

/**
 * Checks a manual replica list (CreateTopics, CreatePartitions, a reassignment target).
 *
 * @throws FjordError INVALID_REPLICA_ASSIGNMENT
 */
export function checkReplicaList(
  replicas: readonly number[],
  registered: ReadonlySet<number>,
): void {
  if (replicas.length === 0) {
    throw new FjordError('The replica list is empty.', ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  }
  if (new Set(replicas).size !== replicas.length) {
    throw new FjordError(
      `The replica list [${replicas.join(', ')}] names a broker more than once.`,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
  }
  const unknown = replicas.filter((id) => !registered.has(id));
  if (unknown.length > 0) {
    throw new FjordError(
      `The replica list [${replicas.join(', ')}] names broker(s) ${unknown.join(', ')}, which are not registered.`,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
  }
}

function withReplicas(
  state: PartitionState,
  replicas: readonly number[],
  adding: readonly number[],
  removing: readonly number[],
  live: ReadonlySet<number>,
): PartitionState {
  const isr = state.isr.filter((id) => replicas.includes(id));
  if (isr.length === 0) {
    throw new FjordError(
      `No replica of [${replicas.join(', ')}] is in sync (ISR [${state.isr.join(', ')}]).`,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
  }
  const { addingReplicas: _a, removingReplicas: _r, ...rest } = state;
  const moving =
    adding.length > 0 || removing.length > 0
      ? { addingReplicas: adding, removingReplicas: removing }
      : {};
  const next: PartitionState = {
    ...rest,
    replicas,
    isr,
    partitionEpoch: state.partitionEpoch + 1,
    ...moving,
  };
  if (replicas.includes(next.leader)) return next;
  // The leader is leaving: the first in-sync target replica that is alive takes over.
  const successor = replicas.find((id) => isr.includes(id) && live.has(id)) ?? NO_LEADER;
  return { ...next, leader: successor, leaderEpoch: state.leaderEpoch + 1 };
}

function leadBy(state: PartitionState, leader: number, isr: readonly number[]): PartitionState {
  return {
    ...state,
    leader,
    leaderEpoch: state.leaderEpoch + 1,
    isr,
    partitionEpoch: state.partitionEpoch + 1,
  };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}

/**
 * The partitions whose preferred replica should take leadership back
 * (`auto.leader.rebalance.enable`): for each broker, once more than `imbalancePercent` of the
 * partitions it is preferred for are led elsewhere, every one of those whose preferred replica
 * is alive and in sync. Leadership piles up on survivors after failovers; this spreads it again.
 */
export function preferredElectionsDue<K>(
  partitions: Iterable<readonly [K, PartitionState]>,
  live: ReadonlySet<number>,
  imbalancePercent: number,
): K[] {
  const byPreferred = new Map<number, { total: number; movable: K[]; elsewhere: number }>();
  for (const [key, state] of partitions) {
    const preferred = state.replicas[0];
    if (preferred === undefined) continue;
    const entry = byPreferred.get(preferred) ?? { total: 0, movable: [], elsewhere: 0 };
    entry.total++;
    if (state.leader !== preferred) {
      entry.elsewhere++;
      if (live.has(preferred) && state.isr.includes(preferred)) entry.movable.push(key);
    }
    byPreferred.set(preferred, entry);
  }
  const due: K[] = [];
  for (const { total, movable, elsewhere } of byPreferred.values()) {
    if ((elsewhere * 100) / total > imbalancePercent) due.push(...movable);
  }
  return due;
}
