import type { MonoTypeOperatorFunction } from 'rxjs';

import type { OperatorContext } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Calls `action` for each record and passes the record on unchanged (Kafka Streams' `peek`).
 *
 * @example
 * ```ts
 * source.pipe(peek(ctx, (key: string, value: number) => metrics.observe(value)));
 * ```
 */
export function peek<K, V>(
  ctx: OperatorContext,
  action: (key: K, value: V) => void,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return recordOperator(ctx, (record, emit) => {
    action(record.key, record.value);
    emit(record);
  });
}
