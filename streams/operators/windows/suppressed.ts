/**
 * What `KTable.suppress` holds back (Kafka Streams' `Suppressed` and `BufferConfig`, KIP-328):
 * either every update of a window until the window closes (one final result per window), or
 * each key's updates for a time limit (rate limiting). The buffer is bounded by records and/or
 * bytes; when full it either emits its oldest entries early or stops the task. Final results
 * allow only the latter, since an early emission would not be final.
 */
import { ConfigError } from '../../../core/index.js';

/** What a full suppress buffer does: emit its oldest entries early, or stop the task. */
export type BufferFullStrategy = 'emit-early' | 'shut-down';

/**
 * The bounds of a suppress buffer.
 *
 * @example
 * ```ts
 * BufferConfig.unbounded();
 * BufferConfig.maxRecords(10_000).shutDownWhenFull();
 * BufferConfig.maxBytes(64 << 20).emitEarlyWhenFull();
 * ```
 */
export class BufferConfig<Strict extends boolean = boolean> {
  private constructor(
    /** At most this many buffered keys; Infinity when unbounded. */
    readonly maxRecords: number,
    /** At most this many bytes of serialized keys and values; Infinity when unbounded. */
    readonly maxBytes: number,
    /** What happens when a bound is exceeded. */
    readonly whenFull: BufferFullStrategy,
    /** Brands strict configs (never emit early), which final results require. */
    readonly strict: Strict,
  ) {}

  /** No bound: the buffer grows as needed (memory permitting). */
  static unbounded(): BufferConfig<true> {
    return new BufferConfig(Infinity, Infinity, 'shut-down', true);
  }

  /** At most `n` buffered keys; emits early when full unless told otherwise. */
  static maxRecords(n: number): BufferConfig<false> {
    return new BufferConfig(bound('maxRecords', n), Infinity, 'emit-early', false);
  }

  /** At most `bytes` of buffered keys and values; emits early when full unless told otherwise. */
  static maxBytes(bytes: number): BufferConfig<false> {
    return new BufferConfig(Infinity, bound('maxBytes', bytes), 'emit-early', false);
  }

  /** Adds a record bound. */
  withMaxRecords(n: number): BufferConfig<Strict> {
    return new BufferConfig(bound('maxRecords', n), this.maxBytes, this.whenFull, this.strict);
  }

  /** Adds a byte bound. */
  withMaxBytes(bytes: number): BufferConfig<Strict> {
    return new BufferConfig(this.maxRecords, bound('maxBytes', bytes), this.whenFull, this.strict);
  }

  /** When full, stop the task with a `StreamsError` rather than emit anything early. */
  shutDownWhenFull(): BufferConfig<true> {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'shut-down', true);
  }

  /** When full, emit the oldest entries early (not allowed for final results). */
  emitEarlyWhenFull(): BufferConfig<false> {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'emit-early', false);
  }
}

function bound(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ConfigError(`BufferConfig.${what} must be a positive integer, got ${n}`);
  return n;
}

/**
 * What to suppress.
 *
 * @example
 * ```ts
 * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
 * table.suppress(Suppressed.untilTimeLimit(30_000, BufferConfig.maxRecords(1000).emitEarlyWhenFull()));
 * ```
 */
export type Suppressed = UntilWindowCloses | UntilTimeLimit;

/** Emit one final result per window, once stream time passes the window's end plus grace. */
export interface UntilWindowCloses {
  readonly kind: 'until-window-closes';
  readonly buffer: BufferConfig<true>;
  readonly name: string | undefined;
}

/**
 * Emit a key's latest value `timeLimitMs` of stream time after its first buffered update (later
 * updates replace the value but keep the timer).
 */
export interface UntilTimeLimit {
  readonly kind: 'until-time-limit';
  readonly timeLimitMs: number;
  readonly buffer: BufferConfig;
  readonly name: string | undefined;
}

/**
 * Builds {@link Suppressed} settings.
 *
 * @example
 * ```ts
 * const finalOnly = Suppressed.untilWindowCloses(BufferConfig.maxRecords(100_000).shutDownWhenFull(), 'final-counts');
 * ```
 */
export const Suppressed = {
  /** Final results of a windowed table: one per window, after its end plus grace. */
  untilWindowCloses(buffer: BufferConfig<true>, name?: string): UntilWindowCloses {
    return { kind: 'until-window-closes', buffer, name };
  },
  /** At most one update per key per `timeLimitMs` of stream time. */
  untilTimeLimit(timeLimitMs: number, buffer: BufferConfig, name?: string): UntilTimeLimit {
    if (!Number.isSafeInteger(timeLimitMs) || timeLimitMs < 0)
      throw new ConfigError(
        `a suppression time limit must be an integer ≥ 0 ms, got ${timeLimitMs}`,
      );
    return { kind: 'until-time-limit', timeLimitMs, buffer, name };
  },
} as const;
