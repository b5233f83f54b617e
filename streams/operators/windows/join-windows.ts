/**
 * Join windows (Kafka Streams' `JoinWindows`): a record of the left stream at time `t` joins the
 * right stream's records with the same key and a timestamp in `[t - before, t + after]`; by
 * default `before = after = timeDifference`.
 */
import { checkDurationMs } from './window.js';

/**
 * How far apart in event time two records may be to join, and the grace period after which a
 * record's window closes (an unmatched left/outer record is emitted then, and later records
 * are late).
 *
 * @example
 * ```ts
 * // Payments join the orders of the 10 minutes before them, accepting records a minute late.
 * const w = JoinWindows.ofTimeDifferenceAndGrace(600_000, 60_000).after(0);
 * ```
 */
export class JoinWindows {
  private constructor(
    /** How far before a left record a right record may be. */
    readonly beforeMs: number,
    /** How far after a left record a right record may be. */
    readonly afterMs: number,
    /** How long after its window ends a record still joins, in stream time. */
    readonly graceMs: number,
  ) {}

  /** Records at most `timeDifferenceMs` apart join; windows close when stream time passes them. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** Records at most `timeDifferenceMs` apart join, until `graceMs` after the window's end. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    checkDurationMs('a join time difference', timeDifferenceMs, 0);
    checkDurationMs('a grace period', graceMs, 0);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs);
  }

  /** Right records may be up to `beforeMs` earlier than the left record. */
  before(beforeMs: number): JoinWindows {
    checkDurationMs('a join window before', beforeMs, 0);
    return new JoinWindows(beforeMs, this.afterMs, this.graceMs);
  }

  /** Right records may be up to `afterMs` later than the left record. */
  after(afterMs: number): JoinWindows {
    checkDurationMs('a join window after', afterMs, 0);
    return new JoinWindows(this.beforeMs, afterMs, this.graceMs);
  }

  /** The span of a window: before plus after. */
  get sizeMs(): number {
    return this.beforeMs + this.afterMs;
  }

  /** How long both sides' records are kept: the window's span plus grace. */
  get minimumRetentionMs(): number {
    return this.sizeMs + this.graceMs;
  }

  /**
   * The stream time after which a record at `timestampMs` on the given side can meet no new
   * record: its window's far end plus grace. A left record's window reaches `after` into the
   * future, a right record's `before`.
   */
  closesAtMs(side: 'left' | 'right', timestampMs: number): number {
    return timestampMs + (side === 'left' ? this.afterMs : this.beforeMs) + this.graceMs;
  }
}
