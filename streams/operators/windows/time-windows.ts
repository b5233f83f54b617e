/**
 * Tumbling and hopping windows (Kafka Streams' `TimeWindows`): fixed-size, epoch-aligned
 * windows `[start, start + size)` starting every `advance` ms. Tumbling windows advance by their
 * size and never overlap; hopping windows advance by less, so a record lands in `size / advance`
 * windows.
 */
import { ConfigError } from '../../../core/index.js';

import type { TimeWindow as Window } from '../../state/state-store.js';

import { checkDurationMs } from './window.js';

/**
 * Fixed-size time windows with a grace period: a window accepts records until stream time (the
 * largest event time the task has seen) reaches its end plus the grace; later records are late.
 *
 * @example
 * ```ts
 * const tumbling = TimeWindows.ofSizeWithNoGrace(60_000);
 * const hopping = TimeWindows.ofSizeAndGrace(300_000, 10_000).advanceBy(60_000);
 * hopping.windowsFor(90_000).length; // 2: [0, 300000) and [60000, 360000)
 * ```
 */
export class TimeWindows {
  /** Discriminates window kinds in the DSL. */
  readonly kind = 'time' as const;

  private constructor(
    /** The length of each window. */
    readonly sizeMs: number,
    /** The distance between the starts of consecutive windows. */
    readonly advanceMs: number,
    /** How long after its end a window still accepts records, in stream time. */
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` that close as soon as stream time passes their end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept records until `graceMs` after their end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    checkDurationMs('a window size', sizeMs, 1);
    checkDurationMs('a grace period', graceMs, 0);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: a new window starts every `advanceMs` (0 < advance ≤ size). */
  advanceBy(advanceMs: number): TimeWindows {
    checkDurationMs('a window advance', advanceMs, 1);
    if (advanceMs > this.sizeMs)
      throw new ConfigError(
        `a window advance (${advanceMs} ms) must not exceed the window size (${this.sizeMs} ms)`,
      );
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The windows a record at `timestampMs` falls in, earliest first. */
  windowsFor(timestampMs: number): Window[] {
    const windows: Window[] = [];
    // The first window whose end lies after the timestamp, aligned to the epoch; no negative starts.
    let start =
      Math.floor(Math.max(0, timestampMs - this.sizeMs + this.advanceMs) / this.advanceMs) *
      this.advanceMs;
    for (; start <= timestampMs; start += this.advanceMs)
      windows.push({ startMs: start, endMs: start + this.sizeMs });
    return windows;
  }

  /** The smallest retention of a store holding these windows: size plus grace. */
  get minimumRetentionMs(): number {
    return this.sizeMs + this.graceMs;
  }

  /** Whether window `w` is closed (accepts no more records) at stream time `streamTimeMs`. */
  isClosed(w: Window, streamTimeMs: number): boolean {
    return w.endMs + this.graceMs <= streamTimeMs;
  }
}
