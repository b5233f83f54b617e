import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Calls `action` for each record and emits nothing: a terminal operation (Kafka Streams'
 * `foreach`).
 *
 * @example
 * ```ts
 * source.pipe(foreach(ctx, (key: string, value: number) => console.log(key, value)));
 * ```
 */
export function foreach<K, V>(
  ctx: OperatorContext,
  action: (key: K, value: V) => void,
): OperatorFunction<StreamRecord<K, V>, never> {
  return recordOperator(ctx, (record) => {
    action(record.key, record.value);
  });
}
