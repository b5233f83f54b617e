import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Turns each record into any number of records with the same key (Kafka Streams'
 * `flatMapValues`).
 *
 * @example
 * ```ts
 * source.pipe(flatMapValues(ctx, (line: string) => line.split(' ')));
 * ```
 */
export function flatMapValues<K, V, V2>(
  ctx: OperatorContext,
  mapper: (value: V, key: K) => Iterable<V2>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V2>> {
  return recordOperator(ctx, (record, emit) => {
    for (const value of mapper(record.value, record.key)) emit({ ...record, value });
  });
}
