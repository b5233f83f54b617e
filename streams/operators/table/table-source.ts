/**
 * The materialization of `builder.table(topic)`: each record upserts its key in the store (a
 * null value deletes it: a tombstone) and the change goes downstream with the old value.
 * Records with a null key cannot be a table row and are skipped. When the store is cached, the
 * cache's flush emits the changes instead, once per key per commit.
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';

import { cacheForwarding, forwardChange } from './cache-forwarding.js';
import type { Change } from './change.js';

/**
 * A node upserting into the key-value store `storeName`.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name, parents: [source], stores: ['users'], create: tableSourceNode('users') });
 * ```
 */
export function tableSourceNode(storeName: string): NodeFactory {
  return (ctx) => {
    const store = ctx.getStateStore(storeName) as KeyValueStore<unknown, unknown>;
    const forwarding = cacheForwarding<unknown, unknown, StreamRecord<unknown, Change<unknown>>>(
      ctx,
      store,
      true,
      forwardChange,
    );
    const operator = recordOperator<
      StreamRecord<unknown, unknown>,
      StreamRecord<unknown, Change<unknown>>
    >(ctx, (record, emit) => {
      const { key } = record;
      if (key === null || key === undefined) {
        ctx.logger.debug({ node: ctx.nodeName }, 'skipping a table record with a null key');
        return;
      }
      const value = record.value ?? null;
      const old = store.get(key) ?? null;
      if (value === null && old === null) return; // deleting what is absent changes nothing
      forwarding.track(record);
      store.put(key, value);
      if (!forwarding.cached) emit({ ...record, value: { newValue: value, oldValue: old } });
    });
    return { kind: 'records', operator: forwarding.operator(operator) };
  };
}
