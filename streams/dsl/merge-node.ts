/**
 * The node joining a two-sided operation's outputs (the sides of a join) into one stream.
 */
import { passThrough } from '../operators/index.js';

import type { BuilderContext } from './builder-context.js';
import { records } from './stream-state.js';

/**
 * Adds pass-through node `name` under `parents`; returns its name.
 *
 * @example
 * ```ts
 * addMergeNode(ctx, 'orders-payments-merge', ['orders-payments-join-this', 'orders-payments-join-other']);
 * ```
 */
export function addMergeNode(
  ctx: BuilderContext,
  name: string,
  parents: readonly string[],
): string {
  ctx.topology.addNode({
    kind: 'processor',
    name,
    parents,
    stores: [],
    create: records(() => passThrough()),
  });
  return name;
}
