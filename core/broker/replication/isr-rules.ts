/**
 * When a follower leaves or joins a partition's ISR, as pure functions of the leader's state, so
 * they are tested without a cluster. The leader applies the answers with a compare-and-swap on the
 * partition's record (isr-manager.ts).
 */
import type { FollowerState } from './follower-state.js';

/**
 * The ISR without the followers that have not caught up with the leader's log end for more than
 * `lagMaxMs` (`replica.lag.time.max.ms`), or undefined when none is lagging. The leader stays.
 */
export function shrunkIsr(
  self: number,
  isr: readonly number[],
  followers: ReadonlyMap<number, FollowerState>,
  nowMs: number,
  lagMaxMs: number,
): readonly number[] | undefined {
  const kept = isr.filter((id) => {
    if (id === self) return true;
    const follower = followers.get(id);
    return follower !== undefined && nowMs - follower.lastCaughtUpTimeMs <= lagMaxMs;
  });
  return kept.length === isr.length ? undefined : kept;
}

/**
 * The ISR with every follower outside it that holds all that is committed (its log end at least
 * the high watermark), reached the current leader epoch (its log end at least where this epoch
 * began, so it has truncated whatever an older leader left) and is fetching (caught up within
 * `lagMaxMs`: a paused follower whose last fetch happened to reach the high watermark must not
 * come straight back), or undefined when none does. Joining cannot move the high watermark back.
 */
export function expandedIsr(
  isr: readonly number[],
  replicas: readonly number[],
  followers: ReadonlyMap<number, FollowerState>,
  highWatermark: number,
  leaderEpochStartOffset: number,
  nowMs: number,
  lagMaxMs: number,
): readonly number[] | undefined {
  const joining = replicas.filter((id) => {
    if (isr.includes(id)) return false;
    const follower = followers.get(id);
    if (follower === undefined) return false;
    const leo = follower.logEndOffset;
    return (
      leo >= 0 &&
      leo >= highWatermark &&
      leo >= leaderEpochStartOffset &&
      nowMs - follower.lastCaughtUpTimeMs <= lagMaxMs
    );
  });
  return joining.length === 0 ? undefined : [...isr, ...joining];
}
