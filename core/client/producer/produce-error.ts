import type { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { FjordErrorOptions } from '../../util/errors.js';

/**
 * A record the producer could not deliver: `code` is the Kafka error the broker answered (or
 * that the producer decided on, e.g. `MESSAGE_TOO_LARGE` for an oversized record), `topic` and
 * `partition` say where it was going (partition -1 when none was chosen yet). A delivery
 * timeout is a `TimeoutError` instead, carrying the last failure as its cause.
 *
 * @example
 * ```ts
 * try {
 *   await producer.send({ topic: 'orders', value: 'x' });
 * } catch (err) {
 *   if (err instanceof ProduceError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
 *     await admin.createTopic('orders', 3, 1);
 *   }
 * }
 * ```
 */
export class ProduceError extends FjordError {
  constructor(
    message: string,
    code: ErrorCode,
    readonly topic: string,
    readonly partition: number,
    options?: FjordErrorOptions,
  ) {
    super(message, code, options);
  }
}
