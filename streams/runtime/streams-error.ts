/**
 * The errors of the streams runtime: a task that stops (an error handler answered `fail`, a user
 * RxJS operator threw, a record reached a sink outside processing) and a topology that cannot be
 * built.
 */
import { ErrorCode, FjordError, type FjordErrorOptions } from '../../core/index.js';

import type { ErrorStage } from './error-handling.js';

/**
 * Where a {@link StreamsError} happened, as far as the thrower knows.
 *
 * @example
 * ```ts
 * throw new StreamsError('boom', { stage: 'processing', nodeName: 'KSTREAM-MAP-0000000001', taskId: '0_1' });
 * ```
 */
export interface StreamsErrorOptions extends FjordErrorOptions {
  /** The stage whose error handler answered `fail`. */
  readonly stage?: ErrorStage;
  /** The node that failed. */
  readonly nodeName?: string;
  /** The task that failed, e.g. `0_3`. */
  readonly taskId?: string;
}

/**
 * A task failed and is dead: an error handler answered `fail` (the original error is the
 * `cause`), a user RxJS operator inside `.pipe()` threw, or the topology broke. A runner closes
 * the task and stops.
 *
 * @example
 * ```ts
 * try {
 *   driver.createInputTopic('orders', Serdes.string(), Serdes.json()).pipeInput('k', order);
 * } catch (err) {
 *   if (err instanceof StreamsError) console.log(err.stage, err.nodeName, err.cause);
 * }
 * ```
 */
export class StreamsError extends FjordError {
  /** The stage whose handler answered `fail`, when that is why the task failed. */
  readonly stage: ErrorStage | undefined;
  /** The failing node, when known. */
  readonly nodeName: string | undefined;
  /** The failing task, when known. */
  readonly taskId: string | undefined;

  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(
      message,
      ErrorCode.UNKNOWN_SERVER_ERROR,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.stage = options.stage;
    this.nodeName = options.nodeName;
    this.taskId = options.taskId;
  }
}

/**
 * A topology that cannot be built or run: a duplicate node name, an unknown parent, a topic read
 * by two sources (Kafka Streams' `TopologyException`).
 *
 * @example
 * ```ts
 * const t = new Topology().addSource('in', ['a']);
 * t.addSource('in', ['b']); // throws TopologyError: node in is already added
 * ```
 */
export class TopologyError extends StreamsError {}

/** `err` as an Error (user code may throw anything). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
