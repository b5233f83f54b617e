/**
 * Session windows (Kafka Streams' `SessionWindows`): per key, records closer to each other than
 * the inactivity gap form one session `[first, last]` (both ends included); a record that falls
 * within the gap of two sessions merges them.
 */
import type { TimeWindow as Window } from '../../state/state-store.js';

import { checkDurationMs } from './window.js';

/**
 * Session windows with an inactivity gap and a grace period.
 *
 * @example
 * ```ts
 * // A session ends after 30 minutes without a click; clicks up to a minute late still count.
 * const sessions = SessionWindows.ofInactivityGapAndGrace(30 * 60_000, 60_000);
 * ```
 */
export class SessionWindows {
  /** Discriminates window kinds in the DSL. */
  readonly kind = 'session' as const;

  private constructor(
    /** The largest gap between two records of one session. */
    readonly inactivityGapMs: number,
    /** How long after its end a session still accepts records, in stream time. */
    readonly graceMs: number,
  ) {}

  /** Sessions that close as soon as stream time passes their end. */
  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  /** Sessions that accept records until `graceMs` after their end. */
  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    checkDurationMs('an inactivity gap', inactivityGapMs, 1);
    checkDurationMs('a grace period', graceMs, 0);
    return new SessionWindows(inactivityGapMs, graceMs);
  }

  /** Whether a record at `timestampMs` joins session `s` (it lies within the gap of it). */
  touches(s: Window, timestampMs: number): boolean {
    return (
      timestampMs >= s.startMs - this.inactivityGapMs &&
      timestampMs <= s.endMs + this.inactivityGapMs
    );
  }

  /**
   * The smallest retention of a store holding these sessions: a session ending at `e` can still
   * be merged with by a record at `e + gap` until stream time passes `e + gap + grace`, so gap
   * plus grace plus 1 (stores expire exactly, not by coarse segments as Kafka's do).
   */
  get minimumRetentionMs(): number {
    return this.inactivityGapMs + this.graceMs + 1;
  }
}
