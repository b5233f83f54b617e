/**
 * The re-aggregation of a grouped table (`KGroupedTable.aggregate / count / reduce`): each
 * incoming change first subtracts its old value from the key's aggregate, then adds its new
 * value, and the store and downstream get the result (with the previous aggregate as the old
 * value). As in Kafka, an aggregate is never deleted by subtraction (a count may reach 0).
 * When the store is cached, the cache's flush emits the result instead, once per key per commit,
 * with the aggregate last emitted as the old value.
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';

import { cacheForwarding, forwardChange } from './cache-forwarding.js';
import type { Change } from './change.js';

/**
 * The functions of a table re-aggregation. `initializer` undefined: a reduce (the first value
 * is the aggregate).
 *
 * @example
 * ```ts
 * const sum: TableAggregation<string, number, number> = { initializer: () => 0, adder: (k, v, a) => a + v, subtractor: (k, v, a) => a - v };
 * ```
 */
export interface TableAggregation<K, V, A> {
  readonly initializer: (() => A) | undefined;
  readonly adder: (key: K, value: V, aggregate: A) => A;
  readonly subtractor: (key: K, value: V, aggregate: A) => A;
}

/**
 * A node re-aggregating changes into the key-value store `storeName`.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name, parents, stores: ['by-region'], create: tableAggregateNode('by-region', sum) });
 * ```
 */
export function tableAggregateNode<K, V, A>(
  storeName: string,
  f: TableAggregation<K, V, A>,
): NodeFactory {
  return (ctx) => {
    const store = ctx.getStateStore(storeName) as KeyValueStore<K, A>;
    const forwarding = cacheForwarding<K, A, StreamRecord<K, Change<A>>>(
      ctx,
      store,
      true,
      forwardChange,
    );
    const operator = recordOperator<StreamRecord<K, Change<V>>, StreamRecord<K, Change<A>>>(
      ctx,
      (record, emit) => {
        const { key } = record;
        if (key === null || key === undefined) return;
        const { newValue, oldValue } = record.value;
        const old = store.get(key) ?? null;
        // Kafka's KTableAggregate / KTableReduce: subtract the old value, then add the new one.
        let agg = oldValue !== null && old !== null ? f.subtractor(key, oldValue, old) : old;
        if (newValue !== null) {
          const base = agg ?? f.initializer?.() ?? null;
          agg = base === null ? (newValue as unknown as A) : f.adder(key, newValue, base);
        }
        if (agg === null && old === null) return;
        forwarding.track(record);
        store.put(key, agg);
        if (!forwarding.cached) emit({ ...record, value: { newValue: agg, oldValue: old } });
      },
    );
    return { kind: 'records', operator: forwarding.operator(operator) as never };
  };
}
