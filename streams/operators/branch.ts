import type { OperatorFunction } from 'rxjs';

import type { OperatorContext, Routed } from '../runtime/node-context.js';
import { recordOperator } from '../runtime/record-operator.js';
import type { StreamRecord } from '../runtime/stream-record.js';

/** A branch of a split: records its predicate accepts go to the child named `child`. */
export interface BranchRoute<K, V> {
  readonly predicate: (key: K, value: V) => boolean;
  readonly child: string;
}

/**
 * Routes each record to the first branch whose predicate accepts it, else to `defaultChild`,
 * else nowhere (Kafka Streams' split/branch). `routes` is read per record, so branches added
 * after the operator was made still count.
 *
 * @example
 * ```ts
 * source.pipe(branch(ctx, [{ predicate: (k, v: number) => v > 100, child: 'route-big' }], 'route-small'));
 * ```
 */
export function branch<K, V>(
  ctx: OperatorContext,
  routes: readonly BranchRoute<K, V>[],
  defaultChild: string | undefined,
): OperatorFunction<StreamRecord<K, V>, Routed> {
  return recordOperator(ctx, (record, emit) => {
    for (const route of routes)
      if (route.predicate(record.key, record.value)) {
        emit({ record, child: route.child });
        return;
      }
    if (defaultChild !== undefined) emit({ record, child: defaultChild });
  });
}
