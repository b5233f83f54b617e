/**
 * The one way operators run user code: per record, inside a try, so an exception goes to the
 * processing error handler and either drops that record (`continue`) or errors the chain with
 * the task-killing error (`fail`). The pipeline is never torn down by a `continue`.
 */
import { Observable, type OperatorFunction } from 'rxjs';

import type { OperatorContext } from './node-context.js';

/** Hands an output downstream. */
export type Emit<T> = (out: T) => void;

/**
 * An RxJS operator that calls `onRecord` for each input; `onRecord` emits any number of outputs.
 * Anything `onRecord` throws is a processing error of `ctx`'s node for the current record.
 *
 * @example
 * ```ts
 * const double = recordOperator<number, number>(ctx, (n, emit) => { emit(n); emit(n); });
 * ```
 */
export function recordOperator<A, B>(
  ctx: OperatorContext,
  onRecord: (record: A, emit: Emit<B>) => void,
): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) => {
      const emit: Emit<B> = (out) => {
        subscriber.next(out);
      };
      return source.subscribe({
        next(record) {
          try {
            onRecord(record, emit);
          } catch (error) {
            const fatal = ctx.userError(error);
            if (fatal !== undefined) subscriber.error(fatal);
          }
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          subscriber.complete();
        },
      });
    });
}
