/**
 * The nodes of `KTable.filter / filterNot / mapValues`: stateless by default (each change is
 * transformed on its way downstream), or, given a `Materialized`, a node with its own key-value
 * store holding the operation's result, as Kafka Streams materializes them: the store is
 * changelogged, cached like the DSL's other stores, placed per `storeType` / `default.dsl.store`,
 * queryable by its name, and the changes downstream come from it (from its cache's flush when
 * cached). A value the operation turns into null (a row a filter rejects) deletes the key.
 */
import type { OperatorFunction } from 'rxjs';

import type { Change } from '../operators/table/change.js';
import {
  filteredValue,
  mappedValue,
  tableFilter,
  tableMapValues,
} from '../operators/table/table-map.js';
import { tableUpsertNode } from '../operators/table/table-upsert.js';
import type { NodeContext } from '../runtime/node-context.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { Materialized } from './grouping-options.js';
import type { Named } from './options.js';
import {
  addStatefulNode,
  keyValueStoreOf,
  materializedName,
  storeNameOf,
} from './stateful-node.js';
import { records, type StreamState } from './stream-state.js';

/**
 * Options of `KTable.filter / filterNot / mapValues`: the node's name and, to give the result
 * its own store (Kafka Streams' `filter(predicate, Named, Materialized)`), a `Materialized`.
 *
 * @example
 * ```ts
 * users.filter((id, u) => u.active, { name: 'active-only', materialized: { name: 'active-users' } });
 * ```
 */
export interface TableOperationOptions<K, V> extends Named {
  /**
   * Materializes the result in its own store (`<application.id>-<name>-changelog`, queryable as
   * `name`); without it the operation keeps no state.
   */
  readonly materialized?: Materialized<K, V>;
}

/** One table operation: how its node transforms changes, stateless and materialized. @internal */
export interface TableOperation<K, V, V2> {
  /** The generated node name's prefix (`KTABLE-FILTER-`). */
  readonly prefix: string;
  /** The generated store name's prefix (`KTABLE-FILTER-STATE-STORE-`). */
  readonly storePrefix: string;
  /** What the operation is called in warnings (`KTable.filter`). */
  readonly what: string;
  /** The stateless node's operator, transforming new and old values. */
  readonly stateless: (ctx: NodeContext) => OperatorFunction<never, unknown>;
  /** The materialized node's view of a new value; null deletes the key. */
  readonly value: (key: K, value: V | null) => V2 | null;
}

/** `KTable.filter` (`negate`: `filterNot`). @internal */
export function filterOperation<K, V>(
  predicate: (key: K, value: V) => boolean,
  negate: boolean,
): TableOperation<K, V, V> {
  return {
    prefix: NodePrefix.tableFilter,
    storePrefix: NodePrefix.tableFilterStore,
    what: negate ? 'KTable.filterNot' : 'KTable.filter',
    stateless: (c) => tableFilter(c, predicate, negate),
    value: filteredValue(predicate, negate),
  };
}

/** `KTable.mapValues`. @internal */
export function mapValuesOperation<K, V, V2>(
  mapper: (value: V, key: K) => V2,
): TableOperation<K, V, V2> {
  return {
    prefix: NodePrefix.tableMapValues,
    storePrefix: NodePrefix.tableMapValuesStore,
    what: 'KTable.mapValues',
    stateless: (c) => tableMapValues(c, mapper),
    value: mappedValue(mapper),
  };
}

/**
 * Adds `op`'s node under `parent` (whose result has state `next` but for its node); returns the
 * result's state and, when materialized, its store.
 * @internal
 */
export function addTableOperation<K, V, V2>(
  ctx: BuilderContext,
  parent: string,
  next: StreamState<K, V2>,
  op: TableOperation<K, V, V2>,
  options: TableOperationOptions<K, V2> = {},
): { readonly state: StreamState<K, V2>; readonly store: string | undefined } {
  const m = options.materialized;
  if (m === undefined) {
    const name = options.name ?? ctx.newName(op.prefix);
    ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [parent],
      stores: [],
      create: records(op.stateless),
    });
    return { state: { ...next, node: name }, store: undefined };
  }
  // As in Kafka, the store's generated index comes before the processor's.
  const store = storeNameOf(ctx, materializedName(m), op.storePrefix, op.what);
  const name = options.name ?? ctx.newName(op.prefix);
  const keySerde = m.key ?? next.keySerde;
  const valueSerde = m.value ?? next.valueSerde;
  const builder = keyValueStoreOf(ctx, store, m, keySerde, valueSerde);
  const value = op.value;
  const create = tableUpsertNode(store, (key: K, change: Change<V>) => value(key, change.newValue));
  addStatefulNode(ctx, name, [parent], builder, create);
  const inherited = {
    key: keySerde ?? next.inherited.key,
    value: valueSerde ?? next.inherited.value,
  };
  return { state: { ...next, node: name, keySerde, valueSerde, inherited }, store };
}
