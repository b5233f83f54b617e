/**
 * The materialization of `builder.table(topic)`: each record upserts its key in the store (a
 * null value deletes it: a tombstone) and the change goes downstream with the old value.
 * Records with a null key cannot be a table row and are skipped. When the store is cached, the
 * cache's flush emits the changes instead, once per key per commit.
 */
import type { NodeFactory } from '../../runtime/node-context.js';

import { tableUpsertNode } from './table-upsert.js';

/**
 * A node upserting into the key-value store `storeName`.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name, parents: [source], stores: ['users'], create: tableSourceNode('users') });
 * ```
 */
export function tableSourceNode(storeName: string): NodeFactory {
  return tableUpsertNode(storeName, (_key: unknown, value: unknown) => value);
}
