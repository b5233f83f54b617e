import { ErrorCode, FjordError, type FjordErrorOptions } from '../../core/index.js';
import type { SerdeContext } from './serde.js';

/** Which half of a record a serde was handling. */
export type SerdeSide = 'key' | 'value';

/** Where a {@link SerdeError} happened, as far as the thrower knows. */
export interface SerdeErrorOptions extends FjordErrorOptions {
  /** The topic the bytes were read from or written to. */
  readonly topic?: string;
  /** Whether the key or the value failed; serdes do not know it, the runtime does. */
  readonly side?: SerdeSide;
  /** The failing serde's name, e.g. `'int32'`. */
  readonly serde?: string;
}

/**
 * A value that a serde could not encode, or bytes it could not decode. The code is
 * `INVALID_RECORD`, which is not retriable: the same bytes fail the same way every time (a
 * `CORRUPT_MESSAGE` code would mark it retriable, as Kafka classes that code).
 *
 * The message reads `<serde>, topic '<topic>' (<side>): <reason>`, leaving out what is unknown.
 *
 * @example
 * ```ts
 * try {
 *   Serdes.int32().deserialize(Buffer.from([1, 2]), { topic: 'counts' });
 * } catch (err) {
 *   // SerdeError: int32, topic 'counts' (value): expected exactly 4 bytes, got 2
 *   throw err instanceof SerdeError ? err.withSide('value') : err;
 * }
 * ```
 */
export class SerdeError extends FjordError {
  /** The topic, when known. */
  readonly topic: string | undefined;
  /** `'key'` or `'value'`, when known. */
  readonly side: SerdeSide | undefined;
  /** The failing serde's name, when known. */
  readonly serde: string | undefined;
  /** What went wrong, without the location prefix. */
  readonly reason: string;

  constructor(reason: string, options: SerdeErrorOptions = {}) {
    super(
      formatMessage(reason, options),
      ErrorCode.INVALID_RECORD,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.reason = reason;
    this.topic = options.topic;
    this.side = options.side;
    this.serde = options.serde;
  }

  /**
   * The same error, located on the key or the value; the runtime calls it because only the
   * runtime knows which serde it was running. The original stack trace is kept.
   *
   * @example
   * ```ts
   * try {
   *   key = keySerde.deserialize(record.key, ctx);
   * } catch (err) {
   *   throw err instanceof SerdeError ? err.withSide('key') : err;
   * }
   * ```
   */
  withSide(side: SerdeSide): SerdeError {
    const located = new SerdeError(this.reason, {
      ...(this.topic === undefined ? {} : { topic: this.topic }),
      ...(this.serde === undefined ? {} : { serde: this.serde }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
      side,
    });
    if (this.stack !== undefined) located.stack = this.stack.replace(this.message, located.message);
    return located;
  }
}

function formatMessage(reason: string, { topic, side, serde }: SerdeErrorOptions): string {
  let where = serde ?? 'serde';
  if (topic !== undefined) where += `, topic '${topic}'`;
  if (side !== undefined) where += ` (${side})`;
  return `${where}: ${reason}`;
}

/**
 * The error a built-in serde throws: named after the serde and located on the context's topic.
 * @internal
 */
export function serdeFailure(
  serde: string,
  ctx: SerdeContext | undefined,
  reason: string,
  cause?: unknown,
): SerdeError {
  return new SerdeError(reason, {
    serde,
    ...(ctx === undefined ? {} : { topic: ctx.topic }),
    ...(cause === undefined ? {} : { cause }),
  });
}
