/**
 * KStream–KTable joins in the DSL: the stream side triggers, looking its key up in the table's
 * store. A joined table that has no store of its own (after `filter`, `mapValues`) is
 * materialized in `<name>-store` for the join. The inputs end up in one task per partition, so
 * their topics must have equal partition counts (co-partitioning, checked by the runners).
 */
import type { Serde } from '../serde/index.js';
import { dslStoreSupplier, Stores } from '../state/index.js';
import { streamTableJoinNode } from '../operators/joins/stream-table-join.js';
import { materializeNode } from '../operators/joins/table-join.js';

import type { BuilderContext } from './builder-context.js';
import type { Named } from './options.js';
import type { StreamHandle } from './stream-join.js';
import { known, type StreamState } from './stream-state.js';

/**
 * Names and serdes of a join with a table.
 *
 * @example
 * ```ts
 * orders.join(users, (order, user) => ({ ...order, region: user.region }), { name: 'orders-with-users' });
 * ```
 */
export interface TableJoinOptions<K, VR> extends Named {
  readonly key?: Serde<K>;
  /** The serde of the joined values (a table–table join's result). */
  readonly value?: Serde<VR>;
}

/**
 * What a join needs of a table: a `KTable` (structural, so `KStream` need not import `KTable`,
 * which imports it).
 *
 * @example
 * ```ts
 * const users: TableHandle<string, User> = builder.table('users', { name: 'users' });
 * ```
 */
export interface TableHandle<K, V> {
  /** @internal */
  readonly internals: { readonly ctx: BuilderContext; readonly state: StreamState<K, V> };
  /** The store holding the table's rows, when it has one. */
  readonly queryableStoreName: string | undefined;
}

/**
 * The store holding `table`'s rows and the node after which it is up to date.
 * @internal
 */
export function rowsOf<K, V>(
  table: TableHandle<K, V>,
  prefix: string,
): { store: string; node: string } {
  const { ctx, state } = table.internals;
  if (table.queryableStoreName !== undefined)
    return { store: table.queryableStoreName, node: state.node };
  const store = `${prefix}-store`;
  const node = `${prefix}-materialize`;
  ctx.topology.addNode({
    kind: 'processor',
    name: node,
    parents: [state.node],
    stores: [store],
    create: materializeNode(store),
  });
  // Placed as the builder's or the app's default.dsl.store says, as Kafka materializes it.
  const supplier = dslStoreSupplier(
    ctx.defaultDslStore,
    Stores.inMemoryKeyValueStore(store),
    Stores.persistentKeyValueStore(store),
  );
  ctx.topology.addStateStore(
    Stores.keyValueStoreBuilder(supplier, state.keySerde, state.valueSerde),
  );
  return { store, node };
}

/**
 * Adds a stream–table join; returns the joined stream's state.
 * @internal
 */
export function streamTableJoin<K, V, T, VR>(
  stream: StreamHandle<K, V>,
  table: TableHandle<K, T>,
  kind: 'inner' | 'left',
  joiner: (value: V, row: T | null, key: K) => VR,
  options: TableJoinOptions<K, VR>,
): StreamState<K, VR> {
  const { ctx } = stream.internals;
  const name = options.name ?? ctx.newName('KSTREAM-JOIN-');
  const s = stream.repartitionIfRequired(
    `${name}-left`,
    options.key === undefined ? {} : { key: options.key },
  ).internals.state;
  const rows = rowsOf(table, `${name}-table`);
  ctx.topology.addNode({
    kind: 'processor',
    name,
    parents: [s.node],
    stores: [rows.store],
    create: streamTableJoinNode(rows.store, kind, joiner),
  });
  return {
    node: name,
    keySerde: options.key ?? s.keySerde,
    valueSerde: options.value,
    inherited: known(s),
    repartitionRequired: false,
  };
}
