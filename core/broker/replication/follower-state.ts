/**
 * What a partition's leader knows of one follower replica, learnt from the follower's fetches: the
 * fetch offset is the follower's log end, and whether it had caught up decides its ISR membership
 * (isr-rules.ts).
 */

/** A follower's log end the leader has not heard yet (no fetch since it became leader). */
export const UNKNOWN_LOG_END_OFFSET = -1;

/** See the module comment. */
export class FollowerState {
  private leo = UNKNOWN_LOG_END_OFFSET;
  private caughtUpAtMs: number;
  private lastFetchAtMs: number;
  private leaderEndAtLastFetch = UNKNOWN_LOG_END_OFFSET;

  /**
   * A follower starts as caught up at `nowMs`: a new leader must give its ISR members one full
   * `replica.lag.time.max.ms` to fetch before it may count them as lagging.
   */
  constructor(
    readonly brokerId: number,
    nowMs: number,
  ) {
    this.caughtUpAtMs = nowMs;
    this.lastFetchAtMs = nowMs;
  }

  /** The follower's log end as of its last fetch, or {@link UNKNOWN_LOG_END_OFFSET}. */
  get logEndOffset(): number {
    return this.leo;
  }

  /** The last time the follower was known to hold everything the leader held. */
  get lastCaughtUpTimeMs(): number {
    return this.caughtUpAtMs;
  }

  /**
   * Records a fetch at `fetchOffset` while the leader's log ended at `leaderEndOffset`. The
   * follower is caught up now if it asked from the leader's end, and was caught up at its
   * previous fetch if it now asks from where the leader ended then: under a steady stream of
   * appends a follower is never exactly at the end, yet it is not falling behind.
   */
  onFetch(fetchOffset: number, leaderEndOffset: number, nowMs: number): void {
    if (fetchOffset >= leaderEndOffset) this.caughtUpAtMs = nowMs;
    else if (
      this.leaderEndAtLastFetch !== UNKNOWN_LOG_END_OFFSET &&
      fetchOffset >= this.leaderEndAtLastFetch
    )
      this.caughtUpAtMs = Math.max(this.caughtUpAtMs, this.lastFetchAtMs);
    this.leo = fetchOffset;
    this.leaderEndAtLastFetch = leaderEndOffset;
    this.lastFetchAtMs = nowMs;
  }
}
