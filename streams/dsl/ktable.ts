/**
 * `KTable<K, V>`: a changelog stream read as a table, the latest value per key, and
 * `KGroupedTable`, a table re-keyed for a re-aggregation (one file: each makes the other). Its nodes pass
 * {@link Change}s (new and old value) downstream, so a re-aggregation after `groupBy` can
 * subtract what an update replaces. A table is materialized (has a queryable store) when it is
 * a source table, an aggregation result, or a filter / mapValues given a `Materialized`.
 */
import { changeSerde, type Change } from '../operators/table/change.js';
import { tableAggregateNode, type TableAggregation } from '../operators/table/table-aggregate.js';
import { tableSelect, tableToStream } from '../operators/table/table-map.js';
import type { KeyValue } from '../operators/index.js';
import { Serdes, type Serde } from '../serde/index.js';
import type { InheritedSerdes } from '../runtime/topology-nodes.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { Grouped, Materialized } from './grouping-options.js';
import { addRepartition } from './repartition.js';
import {
  addStatefulNode,
  keyValueStoreOf,
  materializedName,
  storeNameOf,
} from './stateful-node.js';
import type { KStream } from './kstream.js';
import type { Named } from './options.js';
import { known, records, revalued, type StreamState } from './stream-state.js';
import type { TableJoinOptions } from './stream-table-join.js';
import { tableTableJoin } from './table-table-join.js';
import {
  addTableOperation,
  filterOperation,
  mapValuesOperation,
  type TableOperation,
  type TableOperationOptions,
} from './table-operation.js';

/**
 * A table: the latest value per key of a changelog stream.
 *
 * @example
 * ```ts
 * const users = builder.table('users', { key: Serdes.string(), value: Serdes.json<User>(), name: 'users-store' });
 * users
 *   .filter((id, u) => u.active)
 *   .groupBy((id, u) => [u.region, u], { value: Serdes.json<User>() })
 *   .count({ name: 'active-users-per-region' })
 *   .toStream()
 *   .to('active-users-per-region', { value: Serdes.nullable(Serdes.int64()) });
 * ```
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly state: StreamState<K, V>,
    /** The store holding this table, when it is materialized. */
    readonly queryableStoreName: string | undefined,
  ) {}

  /** The name of the node this table's changes come out of. */
  get nodeName(): string {
    return this.state.node;
  }

  /**
   * The builder and state of this table, for the DSL's operations defined outside this class
   * (joins, suppression).
   * @internal
   */
  get internals(): { readonly ctx: BuilderContext; readonly state: StreamState<K, V> } {
    return { ctx: this.ctx, state: this.state };
  }

  /**
   * Keeps the rows `predicate` accepts; a row it stops accepting is deleted downstream. With
   * `options.materialized` the result has its own store holding the rows kept (a row that
   * stops passing becomes a tombstone in it and its changelog), queryable by that name.
   *
   * @example
   * ```ts
   * const active = users.filter((id, u) => u.active, { materialized: { name: 'active-users' } });
   * app.store<string, User>('active-users').get('u1'); // undefined unless u1 is active
   * ```
   */
  filter(
    predicate: (key: K, value: V) => boolean,
    options?: TableOperationOptions<K, V>,
  ): KTable<K, V> {
    return this.op(this.state, options, filterOperation(predicate, false));
  }

  /**
   * Drops the rows `predicate` accepts; materialized like {@link KTable.filter}.
   *
   * @example
   * ```ts
   * users.filterNot((id, u) => u.banned, { materialized: { name: 'allowed-users', caching: false } });
   * ```
   */
  filterNot(
    predicate: (key: K, value: V) => boolean,
    options?: TableOperationOptions<K, V>,
  ): KTable<K, V> {
    return this.op(this.state, options, filterOperation(predicate, true));
  }

  /**
   * Maps each row's value (a deleted row stays deleted). With `options.materialized` the mapped
   * rows have their own store, queryable by that name; give its value serde there.
   *
   * @example
   * ```ts
   * const names = users.mapValues((u) => u.name, { materialized: { name: 'user-names', value: Serdes.string() } });
   * ```
   */
  mapValues<V2>(
    mapper: (value: V, key: K) => V2,
    options?: TableOperationOptions<K, V2>,
  ): KTable<K, V2> {
    return this.op(revalued<K, V2>(this.state), options, mapValuesOperation(mapper));
  }

  /**
   * The table's updates as a stream: one record per change, its new value; a deleted row gives a
   * record with a null value (a tombstone: write it with a nullable serde).
   */
  toStream(options?: Named): KStream<K, V | null> {
    const name = this.ctx.nameOr(options?.name, NodePrefix.tableToStream);
    this.ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [this.state.node],
      stores: [],
      create: records((c) => tableToStream(c)),
    });
    return this.ctx.makeStream({
      ...this.state,
      node: name,
      repartitionRequired: false,
    }) as KStream<K, V | null>;
  }

  /**
   * Re-keys the table for a re-aggregation: each row becomes `[key2, value2]`; an update
   * subtracts the row's old pair from its group and adds the new pair to its group. Always
   * repartitions (through `<application.id>-<name>-repartition`); the value serde defaults to
   * JSON.
   */
  groupBy<K2, V2>(
    selector: (key: K, value: V) => KeyValue<K2, V2>,
    options: Grouped<K2, V2> = {},
  ): KGroupedTable<K2, V2> {
    const name = this.ctx.newName(NodePrefix.tableSelect);
    this.ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [this.state.node],
      stores: [],
      create: records((c) => tableSelect(c, selector)),
    });
    const valueSerde = options.value ?? Serdes.json<V2>();
    return new KGroupedTable<K2, V2>(this.ctx, {
      node: name,
      grouped: options,
      keySerde: options.key,
      changeSerde: changeSerde(valueSerde),
      valueSerde,
      inherited: known(this.state),
    });
  }

  /**
   * Joins with `other` on the key: a row on both sides gives `joiner(value, otherValue, key)`;
   * either side's update triggers, looking up the other side's current row. The result is a
   * table; a joined row that disappears gives a change with a null new value.
   *
   * @example
   * ```ts
   * const profiles = users.join(addresses, (u, a) => ({ ...u, city: a.city }), { name: 'profiles' });
   * ```
   */
  join<V2, VR>(
    other: KTable<K, V2>,
    joiner: (value: V, otherValue: V2, key: K) => VR,
    options: TableJoinOptions<K, VR> = {},
  ): KTable<K, VR> {
    const j = joiner as (l: V | null, r: V2 | null, key: K) => VR;
    return this.joined(tableTableJoin(this, other, 'inner', j, options));
  }

  /** Like {@link KTable.join}, and every row of this table joins (`otherValue` null when absent). */
  leftJoin<V2, VR>(
    other: KTable<K, V2>,
    joiner: (value: V, otherValue: V2 | null, key: K) => VR,
    options: TableJoinOptions<K, VR> = {},
  ): KTable<K, VR> {
    const j = joiner as (l: V | null, r: V2 | null, key: K) => VR;
    return this.joined(tableTableJoin(this, other, 'left', j, options));
  }

  /** Like {@link KTable.join}, and every row of either table joins (null for the absent side). */
  outerJoin<V2, VR>(
    other: KTable<K, V2>,
    joiner: (value: V | null, otherValue: V2 | null, key: K) => VR,
    options: TableJoinOptions<K, VR> = {},
  ): KTable<K, VR> {
    return this.joined(tableTableJoin(this, other, 'outer', joiner, options));
  }

  private joined<VR>(state: StreamState<K, VR>): KTable<K, VR> {
    return new KTable(this.ctx, state, undefined);
  }

  private op<V2>(
    next: StreamState<K, V2>,
    options: TableOperationOptions<K, V2> | undefined,
    operation: TableOperation<K, V, V2>,
  ): KTable<K, V2> {
    const { state, store } = addTableOperation(this.ctx, this.state.node, next, operation, options);
    return new KTable(this.ctx, state, store);
  }
}

/** What `KTable.groupBy` hands its grouped table. @internal */
export interface GroupedTableState<K, V> {
  /** The selection node emitting re-keyed changes. */
  readonly node: string;
  readonly grouped: Grouped<K, V>;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V>;
  readonly changeSerde: Serde<Change<V>>;
  readonly inherited: InheritedSerdes;
}

/**
 * A re-keyed table, to be re-aggregated.
 *
 * @example
 * ```ts
 * const perRegion = users
 *   .groupBy((id, u) => [u.region, u.balance], { key: Serdes.string(), value: Serdes.double() })
 *   .aggregate(() => 0, (region, b, sum) => sum + b, (region, b, sum) => sum - b, { name: 'balance-per-region', value: Serdes.double() });
 * ```
 */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly state: GroupedTableState<K, V>,
  ) {}

  /** The number of rows per group (a row moving between groups leaves one and joins the other). */
  count(options: Materialized<K, number> = {}): KTable<K, number> {
    return this.fold(
      NodePrefix.tableAggregate,
      NodePrefix.tableAggregateStore,
      {
        initializer: () => 0,
        adder: (_k, _v, n) => n + 1,
        subtractor: (_k, _v, n) => n - 1,
      },
      { ...options, value: options.value ?? Serdes.int64() },
    );
  }

  /** Combines the values of a group; `subtractor` takes a replaced or removed value out again. */
  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    options: Materialized<K, V> = {},
  ): KTable<K, V> {
    return this.fold(
      NodePrefix.tableReduce,
      NodePrefix.tableReduceStore,
      {
        initializer: undefined,
        adder: (_k, v, agg) => adder(agg, v),
        subtractor: (_k, v, agg) => subtractor(agg, v),
      },
      { ...options, value: options.value ?? this.state.valueSerde },
    );
  }

  /** Aggregates each group: `adder` folds a new value in, `subtractor` an old value out. */
  aggregate<A>(
    initializer: () => A,
    adder: (key: K, value: V, aggregate: A) => A,
    subtractor: (key: K, value: V, aggregate: A) => A,
    options: Materialized<K, A> = {},
  ): KTable<K, A> {
    return this.fold(
      NodePrefix.tableAggregate,
      NodePrefix.tableAggregateStore,
      { initializer, adder, subtractor },
      options,
    );
  }

  private fold<A>(
    prefix: string,
    storePrefix: string,
    f: TableAggregation<K, V, A>,
    options: Materialized<K, A>,
  ): KTable<K, A> {
    const ctx = this.ctx;
    const s = this.state;
    const store = storeNameOf(
      ctx,
      materializedName(options),
      storePrefix,
      'KTable.groupBy aggregation',
    );
    const keySerde = options.key ?? s.keySerde;
    const source = addRepartition(ctx, {
      parent: s.node,
      prefix: s.grouped.name ?? store,
      partitions: undefined,
      keySerde: keySerde,
      valueSerde: s.changeSerde,
      inherited: s.inherited,
      partitioner: undefined,
      dropNullKeys: true,
    });
    const name = ctx.newName(prefix);
    const builder = keyValueStoreOf(ctx, store, options, keySerde, options.value);
    addStatefulNode(ctx, name, [source], builder, tableAggregateNode(store, f));
    return materializedTable(ctx, name, keySerde, options.value, store);
  }
}

/**
 * The table an aggregation or a source table materializes in `store`, out of node `node`.
 * @internal
 */
export function materializedTable<K, V>(
  ctx: BuilderContext,
  node: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  store: string,
): KTable<K, V> {
  const state = { node, keySerde, valueSerde, repartitionRequired: false };
  return new KTable(ctx, { ...state, inherited: { key: keySerde, value: valueSerde } }, store);
}
