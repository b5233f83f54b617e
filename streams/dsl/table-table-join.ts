/**
 * KTable–KTable joins in the DSL (`KTable.join / leftJoin / outerJoin`): either side's update
 * joins with the other side's current row (read from its store); the result is a table. Both
 * tables run in one task per partition, so their topics must have equal partition counts
 * (co-partitioning, checked by the runners). This module returns the joined table's state and
 * `KTable` wraps it, so neither imports the other in a cycle.
 */
import { tableJoinNode, type TableJoinKind } from '../operators/joins/table-join.js';

import { addMergeNode } from './merge-node.js';
import type { StreamState } from './stream-state.js';
import { rowsOf, type TableHandle, type TableJoinOptions } from './stream-table-join.js';

/**
 * Adds a join of two tables: `kind` `inner` (rows on both sides), `left` (every left row),
 * `outer` (every row of either side); the joiner gets null for a missing row. Returns the state
 * of the joined table.
 * @internal
 */
export function tableTableJoin<K, L, R, VR>(
  left: TableHandle<K, L>,
  right: TableHandle<K, R>,
  kind: TableJoinKind,
  joiner: (left: L | null, right: R | null, key: K) => VR,
  options: TableJoinOptions<K, VR>,
): StreamState<K, VR> {
  const { ctx, state } = left.internals;
  const base = options.name ?? ctx.newName('KTABLE-JOIN-');
  const l = rowsOf(left, `${base}-left`);
  const r = rowsOf(right, `${base}-right`);
  const stores = [l.store, r.store];
  const j = joiner as (l: L | null, r: R | null, key: unknown) => VR;
  const names = { this: `${base}-join-this`, other: `${base}-join-other`, merge: `${base}-merge` };
  for (const [side, name, parent, otherStore] of [
    ['left', names.this, l.node, r.store],
    ['right', names.other, r.node, l.store],
  ] as const)
    ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [parent],
      stores,
      create: tableJoinNode({ kind, side, otherStore, joiner: j }),
    });
  addMergeNode(ctx, names.merge, [names.this, names.other]);
  const keySerde = options.key ?? state.keySerde;
  return {
    node: names.merge,
    keySerde,
    valueSerde: options.value,
    inherited: { key: keySerde, value: options.value },
    repartitionRequired: false,
  };
}
