/**
 * The KStream–KTable join (Kafka Streams' KStreamKTableJoin): only the stream side triggers. A
 * stream record looks up the table's current value for its key in the table's store; an inner
 * join drops the record when the key has no row, a left join joins it with null.
 */
import type { NodeFactory } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { KeyValueStore } from '../../state/index.js';

/**
 * The node factory of a stream–table join over the table store `storeName`.
 *
 * @example
 * ```ts
 * create: streamTableJoinNode('users-store', 'left', (order, user) => ({ ...order, user }))
 * ```
 */
// The type parameters tie the joiner to the records the node sees (the graph itself is untyped).
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function streamTableJoinNode<K, V, T, VR>(
  storeName: string,
  kind: 'inner' | 'left',
  joiner: (value: V, tableValue: T | null, key: K) => VR,
): NodeFactory {
  return (ctx) => {
    const table = ctx.getStateStore(storeName) as KeyValueStore<K, T>;
    const operator = recordOperator<StreamRecord<K, V>, StreamRecord<K, VR>>(
      ctx,
      (record, emit) => {
        // A null key has no row and a null value is nothing to join (Kafka Streams skips both).
        if (record.key === null || record.key === undefined || record.value === null) {
          ctx.logger.debug({ node: ctx.nodeName }, 'skipping a record with a null key or value');
          return;
        }
        const row = table.get(record.key) ?? null;
        if (row === null && kind === 'inner') return;
        emit({ ...record, value: joiner(record.value, row, record.key) });
      },
    );
    return { kind: 'records', operator: operator as never };
  };
}
