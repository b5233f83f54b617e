/**
 * The stateless KTable operators: `filter` and `mapValues` apply to both the new and the old
 * value of a change (so a subtractor downstream subtracts what was added), `toStream` emits the
 * new value (null for a deletion), and `groupBy`'s selection splits a change into a subtraction
 * at the old value's new key and an addition at the new value's, subtraction first.
 */
import type { OperatorFunction } from 'rxjs';

import type { OperatorContext } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValue } from '../../state/index.js';

import type { Change } from './change.js';

type ChangeOp<K, V, K2, V2> = OperatorFunction<
  StreamRecord<K, Change<V>>,
  StreamRecord<K2, Change<V2>>
>;

/**
 * A filter's view of one value: the value when `predicate` accepts it (rejects it, `negate`d),
 * else null (a deletion). Shared by the filter with and without its own store.
 *
 * @example
 * ```ts
 * const positive = filteredValue((k, v: number) => v > 0);
 * positive('a', -1); // null
 * ```
 */
export function filteredValue<K, V>(
  predicate: (key: K, value: V) => boolean,
  negate = false,
): (key: K, value: V | null) => V | null {
  return (key, v) => (v !== null && predicate(key, v) !== negate ? v : null);
}

/**
 * A mapper's view of one value: the mapped value; a deletion (null) stays one.
 *
 * @example
 * ```ts
 * mappedValue((u: User) => u.name)('u1', null); // null
 * ```
 */
export function mappedValue<K, V, V2>(
  mapper: (value: V, key: K) => V2,
): (key: K, value: V | null) => V2 | null {
  return (key, v) => (v === null ? null : mapper(v, key));
}

/**
 * Keeps the values `predicate` accepts; a value it rejects becomes a deletion.
 *
 * @example
 * ```ts
 * source.pipe(tableFilter(ctx, (k, v: number) => v > 0));
 * ```
 */
export function tableFilter<K, V>(
  ctx: OperatorContext,
  predicate: (key: K, value: V) => boolean,
  negate = false,
): ChangeOp<K, V, K, V> {
  const keep = filteredValue(predicate, negate);
  return recordOperator(ctx, (record, emit) => {
    const newValue = keep(record.key, record.value.newValue);
    const oldValue = keep(record.key, record.value.oldValue);
    if (newValue === null && oldValue === null) return; // invisible downstream before and after
    emit({ ...record, value: { newValue, oldValue } });
  });
}

/**
 * Maps the new and old values.
 *
 * @example
 * ```ts
 * source.pipe(tableMapValues(ctx, (v: User) => v.name));
 * ```
 */
export function tableMapValues<K, V, V2>(
  ctx: OperatorContext,
  mapper: (value: V, key: K) => V2,
): ChangeOp<K, V, K, V2> {
  const map = mappedValue(mapper);
  return recordOperator(ctx, (record, emit) => {
    const { newValue, oldValue } = record.value;
    emit({
      ...record,
      value: { newValue: map(record.key, newValue), oldValue: map(record.key, oldValue) },
    });
  });
}

/**
 * The table's changelog as a stream: each change's new value (null for a deletion).
 *
 * @example
 * ```ts
 * source.pipe(tableToStream(ctx));
 * ```
 */
export function tableToStream<K, V>(
  ctx: OperatorContext,
): OperatorFunction<StreamRecord<K, Change<V>>, StreamRecord<K, V | null>> {
  return recordOperator(ctx, (record, emit) => {
    emit({ ...record, value: record.value.newValue });
  });
}

/**
 * `KTable.groupBy`'s selection: re-keys each change for the re-aggregation.
 *
 * @example
 * ```ts
 * source.pipe(tableSelect(ctx, (user, u: User) => [u.region, 1]));
 * ```
 */
export function tableSelect<K, V, K2, V2>(
  ctx: OperatorContext,
  selector: (key: K, value: V) => KeyValue<K2, V2>,
): ChangeOp<K, V, K2, V2> {
  return recordOperator(ctx, (record, emit) => {
    const { newValue, oldValue } = record.value;
    if (oldValue !== null) {
      const [k, v] = selector(record.key, oldValue);
      emit({ ...record, key: k, value: { newValue: null, oldValue: v } });
    }
    if (newValue !== null) {
      const [k, v] = selector(record.key, newValue);
      emit({ ...record, key: k, value: { newValue: v, oldValue: null } });
    }
  });
}
