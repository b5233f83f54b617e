/**
 * Checks shared by the window definitions: durations and store retention. The window and
 * windowed-key types themselves are the state layer's (`TimeWindow`, `Windowed`), since stores
 * yield them. Time windows are half-open, `[startMs, endMs)`; sliding, session and join windows
 * include both ends, as in Kafka Streams.
 */
import { ConfigError } from '../../../core/index.js';

/** Throws a {@link ConfigError} unless `ms` is a safe integer ≥ `min`. */
export function checkDurationMs(what: string, ms: number, min: number): number {
  if (!Number.isSafeInteger(ms) || ms < min)
    throw new ConfigError(`${what} must be an integer ≥ ${min} ms, got ${ms}`);
  return ms;
}

/**
 * The retention a windowed store gets: `requestedMs` when given, else `minimumMs`. A retention
 * shorter than `minimumMs` (window size plus grace) would delete windows that still accept
 * records, so it is refused.
 */
export function windowRetentionMs(minimumMs: number, requestedMs: number | undefined): number {
  if (requestedMs === undefined) return minimumMs;
  checkDurationMs('a window store retention', requestedMs, 0);
  if (requestedMs < minimumMs)
    throw new ConfigError(
      `a window store retention of ${requestedMs} ms is shorter than the window size plus grace ` +
        `(${minimumMs} ms): windows would be deleted while they still accept records`,
    );
  return requestedMs;
}
