import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

import type { KeyValue } from './key-value.js';

/**
 * Turns each record into any number of records with new keys and values (Kafka Streams'
 * `flatMap`); each keeps the input's headers, timestamp and source position.
 *
 * @example
 * ```ts
 * source.pipe(flatMap(ctx, (key: string, line: string) => line.split(' ').map((w) => [w, 1] as const)));
 * ```
 */
export function flatMap<K, V, K2, V2>(
  ctx: OperatorContext,
  mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K2, V2>> {
  return recordOperator(ctx, (record, emit) => {
    for (const [key, value] of mapper(record.key, record.value)) emit({ ...record, key, value });
  });
}
