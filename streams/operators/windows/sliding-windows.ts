/**
 * Sliding windows (Kafka Streams' `SlidingWindows`, KIP-450): windows of a fixed time difference
 * `[start, start + timeDifference]` (both ends included) placed by the records themselves, each
 * record defining the window that ends at it and the one that starts just after it. A window
 * exists only while it holds records, so every distinct set of records within the time
 * difference is aggregated exactly once.
 */
import { checkDurationMs } from './window.js';

/**
 * Sliding windows with a grace period.
 *
 * @example
 * ```ts
 * // Sums over every 10-second span that contains records, accepting records up to 5 s late.
 * const windows = SlidingWindows.ofTimeDifferenceAndGrace(10_000, 5_000);
 * ```
 */
export class SlidingWindows {
  /** Discriminates window kinds in the DSL. */
  readonly kind = 'sliding' as const;

  private constructor(
    /** The largest difference between the timestamps of two records in one window. */
    readonly timeDifferenceMs: number,
    /** How long after its end a window still accepts records, in stream time. */
    readonly graceMs: number,
  ) {}

  /** Windows of `timeDifferenceMs` that close as soon as stream time passes their end. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Windows of `timeDifferenceMs` that accept records until `graceMs` after their end. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    checkDurationMs('a sliding window time difference', timeDifferenceMs, 1);
    checkDurationMs('a grace period', graceMs, 0);
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  /**
   * The smallest retention of a store holding these windows. A record accepted at stream time
   * `s` has a timestamp above `s - grace - d - 1`, and its new left window is derived from the
   * window ending before it, which may start up to `2d` earlier: so three differences plus grace
   * plus 1 (Kafka's `2d + grace` relies on its stores expiring by coarse segments; these expire
   * exactly).
   */
  get minimumRetentionMs(): number {
    return 3 * this.timeDifferenceMs + this.graceMs + 1;
  }
}
