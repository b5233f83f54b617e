/**
 * The aggregation of a grouped stream (count, reduce and aggregate are all this): per record,
 * read the key's aggregate, fold the value in, write it back (the store logs it to the
 * changelog) and emit the change. Records with a null key or value are skipped, as Kafka
 * Streams skips them (they cannot be grouped). When the store is cached, the change is emitted
 * by the cache's flush instead: once per key per commit (see {@link cacheForwarding}).
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';

import { cacheForwarding, forwardChange } from './cache-forwarding.js';
import type { Change } from './change.js';

/**
 * How an aggregate starts and how a value updates it; `undefined` aggregate = the key's first.
 *
 * @example
 * ```ts
 * const count: Fold<string, unknown, number> = (k, v, agg) => (agg ?? 0) + 1;
 * ```
 */
export type Fold<K, V, A> = (key: K, value: V, aggregate: A | undefined) => A;

/**
 * A node aggregating into the key-value store `storeName`.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name, parents, stores: ['counts'], create: streamAggregateNode('counts', count) });
 * ```
 */
export function streamAggregateNode<K, V, A>(storeName: string, fold: Fold<K, V, A>): NodeFactory {
  return (ctx) => {
    const store = ctx.getStateStore(storeName) as KeyValueStore<K, A>;
    const forwarding = cacheForwarding<K, A, StreamRecord<K, Change<A>>>(
      ctx,
      store,
      true,
      forwardChange,
    );
    const operator = recordOperator<StreamRecord<K, V>, StreamRecord<K, Change<A>>>(
      ctx,
      (record, emit) => {
        const { key, value } = record;
        if (key === null || key === undefined || value === null || value === undefined) {
          ctx.logger.debug({ node: ctx.nodeName }, 'skipping a record with a null key or value');
          return;
        }
        const old = store.get(key);
        const next = fold(key, value, old);
        forwarding.track(record);
        store.put(key, next);
        if (!forwarding.cached)
          emit({ ...record, value: { newValue: next, oldValue: old ?? null } });
      },
    );
    return { kind: 'records', operator: forwarding.operator(operator) as never };
  };
}
