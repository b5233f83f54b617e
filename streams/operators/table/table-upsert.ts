/**
 * A table node with its own store: each record gives its key's new value (null: the key is
 * deleted, a tombstone in the changelog), the store takes it, and the change goes downstream with
 * the value the store held before as the old value, as Kafka's materialized table processors do
 * (`KTableSource`, and `KTableFilter` / `KTableMapValues` given a `Materialized`). A record whose
 * key is absent before and deleted now changes nothing and is dropped. Records with a null key
 * cannot be a table row and are skipped. When the store is cached, the cache's flush emits the
 * changes instead, once per key per commit (see {@link cacheForwarding}).
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';

import { cacheForwarding, forwardChange } from './cache-forwarding.js';
import type { Change } from './change.js';

type Row = StreamRecord<unknown, Change<unknown>>;

/**
 * A node upserting into the key-value store `storeName` the value `newValueOf` gives for each
 * record (it runs through the processing error handler, as every user function does).
 *
 * @example
 * ```ts
 * const positive = tableUpsertNode('positive', (k: string, c: Change<number>) =>
 *   c.newValue !== null && c.newValue > 0 ? c.newValue : null,
 * );
 * topology.addNode({ kind: 'processor', name, parents, stores: ['positive'], create: positive });
 * ```
 */
export function tableUpsertNode(
  storeName: string,
  newValueOf: (key: never, value: never) => unknown,
): NodeFactory {
  // The graph is untyped: the node sees keys and values as the DSL typed its function.
  const valueOf = newValueOf as (key: unknown, value: unknown) => unknown;
  return (ctx) => {
    const store = ctx.getStateStore(storeName) as KeyValueStore<unknown, unknown>;
    const forwarding = cacheForwarding<unknown, unknown, Row>(ctx, store, true, forwardChange);
    const operator = recordOperator<StreamRecord<unknown, unknown>, Row>(ctx, (record, emit) => {
      const { key } = record;
      if (key === null || key === undefined) {
        ctx.logger.debug({ node: ctx.nodeName }, 'skipping a table record with a null key');
        return;
      }
      const value = valueOf(key, record.value) ?? null;
      const old = store.get(key) ?? null;
      if (value === null && old === null) return; // deleting what is absent changes nothing
      forwarding.track(record);
      store.put(key, value);
      if (!forwarding.cached) emit({ ...record, value: { newValue: value, oldValue: old } });
    });
    return { kind: 'records', operator: forwarding.operator(operator) };
  };
}
