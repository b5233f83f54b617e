/**
 * The high watermark rule: an offset is committed once every in-sync replica holds it, so the
 * leader's high watermark is the smallest log end over the ISR, the leader's own included.
 */
import type { FollowerState } from './follower-state.js';

/**
 * The smallest log end offset over `isr`: `leaderEndOffset` for `self`, each follower's last
 * fetch offset otherwise. An ISR member the leader has not heard from yet (or has no state for)
 * holds the result at -1: nothing can be called committed on its behalf. The caller keeps the
 * high watermark monotonic.
 */
export function highWatermarkOf(
  self: number,
  leaderEndOffset: number,
  isr: readonly number[],
  followers: ReadonlyMap<number, FollowerState>,
): number {
  let hw = leaderEndOffset;
  for (const id of isr) {
    if (id === self) continue;
    const leo = followers.get(id)?.logEndOffset ?? -1;
    if (leo < hw) hw = leo;
  }
  return hw;
}
