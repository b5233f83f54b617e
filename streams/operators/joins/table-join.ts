/**
 * KTable–KTable joins (Kafka Streams' KTableKTableJoin): an update on either side joins the
 * new (and the old) row with the other side's current row, read from that side's store, so the
 * result is itself a table of changes. Inner: both rows needed; left: the left row needed;
 * outer: either. A result that was and stays absent emits nothing.
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';
import type { Change } from '../table/change.js';

/** Which rows a table–table join keeps. */
export type TableJoinKind = 'inner' | 'left' | 'outer';

/** The joined value of a left row and a right row, or null when the join kind drops the pair. */
function joined<L, R, VR>(
  kind: TableJoinKind,
  left: L | null,
  right: R | null,
  key: unknown,
  joiner: (l: L | null, r: R | null, key: unknown) => VR,
): VR | null {
  if (left === null && right === null) return null;
  if (kind === 'inner' && (left === null || right === null)) return null;
  if (kind === 'left' && left === null) return null;
  return joiner(left, right, key);
}

/** What one side of a table–table join needs. */
export interface TableJoinSide<L, R, VR> {
  readonly kind: TableJoinKind;
  readonly side: 'left' | 'right';
  /** The other side's store. */
  readonly otherStore: string;
  readonly joiner: (left: L | null, right: R | null, key: unknown) => VR;
}

/**
 * The node factory of one side of a table–table join.
 *
 * @example
 * ```ts
 * create: tableJoinNode({ kind: 'outer', side: 'left', otherStore: 'right-store', joiner })
 * ```
 */
export function tableJoinNode<L, R, VR>(spec: TableJoinSide<L, R, VR>): NodeFactory {
  return (ctx) => {
    const other = ctx.getStateStore(spec.otherStore) as KeyValueStore<unknown, unknown>;
    const operator = recordOperator<
      StreamRecord<unknown, Change<unknown>>,
      StreamRecord<unknown, Change<VR>>
    >(ctx, (record, emit) => {
      if (record.key === null || record.key === undefined) return;
      const row = other.get(record.key) ?? null;
      const pair = (mine: unknown): VR | null =>
        spec.side === 'left'
          ? joined(spec.kind, mine as L | null, row as R | null, record.key, spec.joiner)
          : joined(spec.kind, row as L | null, mine as R | null, record.key, spec.joiner);
      const newValue = pair(record.value.newValue);
      const oldValue = pair(record.value.oldValue);
      if (newValue === null && oldValue === null) return;
      emit({ ...record, value: { newValue, oldValue } });
    });
    return { kind: 'records', operator: operator as never };
  };
}

/**
 * A node that keeps a table's rows in a key-value store (for a table that is not materialized
 * but is joined) and passes its changes on.
 *
 * @example
 * ```ts
 * create: materializeNode('orders-join-left-store')
 * ```
 */
export function materializeNode(storeName: string): NodeFactory {
  return (ctx) => {
    const store = ctx.getStateStore(storeName) as KeyValueStore<unknown, unknown>;
    const operator = recordOperator<
      StreamRecord<unknown, Change<unknown>>,
      StreamRecord<unknown, Change<unknown>>
    >(ctx, (record, emit) => {
      if (record.key !== null && record.key !== undefined)
        store.put(record.key, record.value.newValue);
      emit(record);
    });
    return { kind: 'records', operator: operator as never };
  };
}
