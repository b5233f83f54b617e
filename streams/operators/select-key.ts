import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Gives each record a new key computed from its key and value (Kafka Streams' `selectKey`).
 *
 * @example
 * ```ts
 * source.pipe(selectKey(ctx, (key: string, order: Order) => order.userId));
 * ```
 */
export function selectKey<K, V, K2>(
  ctx: OperatorContext,
  selector: (key: K, value: V) => K2,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K2, V>> {
  return recordOperator(ctx, (record, emit) => {
    emit({ ...record, key: selector(record.key, record.value) });
  });
}
