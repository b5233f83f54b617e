import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

import type { KeyValue } from './key-value.js';

/**
 * Replaces key and value of each record (Kafka Streams' `map`); headers, timestamp and source
 * position are kept.
 *
 * @example
 * ```ts
 * source.pipe(map(ctx, (key: string, order: Order) => [order.userId, order.amount]));
 * ```
 */
export function map<K, V, K2, V2>(
  ctx: OperatorContext,
  mapper: (key: K, value: V) => KeyValue<K2, V2>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K2, V2>> {
  return recordOperator(ctx, (record, emit) => {
    const [key, value] = mapper(record.key, record.value);
    emit({ ...record, key, value });
  });
}
