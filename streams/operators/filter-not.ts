import type { MonoTypeOperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Drops the records `predicate` accepts (Kafka Streams' `filterNot`).
 *
 * @example
 * ```ts
 * source.pipe(filterNot(ctx, (key: string, amount: number) => amount === 0));
 * ```
 */
export function filterNot<K, V>(
  ctx: OperatorContext,
  predicate: (key: K, value: V) => boolean,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return recordOperator(ctx, (record, emit) => {
    if (!predicate(record.key, record.value)) emit(record);
  });
}
