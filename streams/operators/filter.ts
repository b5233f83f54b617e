import type { MonoTypeOperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Keeps the records `predicate` accepts (Kafka Streams' `filter`).
 *
 * @example
 * ```ts
 * source.pipe(filter(ctx, (key: string, amount: number) => amount > 0));
 * ```
 */
export function filter<K, V>(
  ctx: OperatorContext,
  predicate: (key: K, value: V) => boolean,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return recordOperator(ctx, (record, emit) => {
    if (predicate(record.key, record.value)) emit(record);
  });
}
