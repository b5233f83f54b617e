/**
 * The node joining a two-sided operation's outputs (the sides of a join) into one stream.
 */
import { passThrough } from '../operators/index.js';

import type { BuilderContext } from './builder-context.js';
import { known, records, type StreamState } from './stream-state.js';

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

/**
 * Adds `KStream.merge`'s node `name` under both streams; returns the merged stream's state
 * (a serde stays known only when both sides share it).
 * @internal
 */
export function mergedState<K, V>(
  ctx: BuilderContext,
  name: string,
  a: StreamState<K, V>,
  b: StreamState<K, V>,
): StreamState<K, V> {
  addMergeNode(ctx, name, [a.node, b.node]);
  return {
    node: name,
    keySerde: a.keySerde === b.keySerde ? a.keySerde : undefined,
    valueSerde: a.valueSerde === b.valueSerde ? a.valueSerde : undefined,
    inherited: known(a),
    repartitionRequired: a.repartitionRequired || b.repartitionRequired,
  };
}
