import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Replaces the value of each record, keeping its key (Kafka Streams' `mapValues`).
 *
 * @example
 * ```ts
 * source.pipe(mapValues(ctx, (order: Order) => order.amount));
 * ```
 */
export function mapValues<K, V, V2>(
  ctx: OperatorContext,
  mapper: (value: V, key: K) => V2,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V2>> {
  return recordOperator(ctx, (record, emit) => {
    emit({ ...record, value: mapper(record.value, record.key) });
  });
}
