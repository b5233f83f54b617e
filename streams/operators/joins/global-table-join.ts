/**
 * The KStream–GlobalKTable join (Kafka Streams' KStreamGlobalKTableJoin): a stream record looks
 * up the row of the key `keySelector` derives from it in the runner's whole copy of the global
 * table; no repartition and no co-partitioning are needed. Only the stream triggers.
 */
import { ConfigError } from '../../../core/index.js';
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';

/** What a global-table join node needs. */
export interface GlobalJoinSpec<K, V, GK, T, VR> {
  readonly table: string;
  readonly kind: 'inner' | 'left';
  readonly keySelector: (key: K, value: V) => GK;
  readonly joiner: (value: V, row: T | null, key: K) => VR;
}

/**
 * The node factory of a stream–global-table join.
 *
 * @example
 * ```ts
 * create: globalTableJoinNode({ table: 'products', kind: 'left', keySelector: (k, o) => o.productId, joiner })
 * ```
 */
export function globalTableJoinNode<K, V, GK, T, VR>(
  spec: GlobalJoinSpec<K, V, GK, T, VR>,
): NodeFactory {
  return (ctx) => {
    if (ctx.getGlobalStore === undefined)
      throw new ConfigError(`${ctx.nodeName}: this runner does not support global tables`);
    const table = ctx.getGlobalStore(spec.table);
    const operator = recordOperator<StreamRecord<K, V>, StreamRecord<K, VR>>(
      ctx,
      (record, emit) => {
        if (record.value === null) return; // nothing to join (Kafka Streams skips it too)
        const key = spec.keySelector(record.key, record.value);
        const row =
          key === null || key === undefined ? null : ((table.get(key) as T | undefined) ?? null);
        if (row === null && spec.kind === 'inner') return;
        emit({ ...record, value: spec.joiner(record.value, row, record.key) });
      },
    );
    return { kind: 'records', operator: operator as never };
  };
}
