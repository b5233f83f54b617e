/**
 * Options of groupings and aggregations (Kafka Streams' `Grouped` and `Materialized`). Names
 * matter for stateful operators: the store, its changelog topic and the repartition topic are
 * named from them, so a topology that changes elsewhere keeps its state.
 */
import type { Serde } from '../serde/index.js';
import type { DslStoreType, KeyValueBytesStoreSupplier } from '../state/index.js';

export type { DslStoreType } from '../state/index.js';

/**
 * How a stream or table is grouped: the repartition topic's name (`<application.id>-<name>-repartition`)
 * and the serdes it is written with.
 *
 * @example
 * ```ts
 * orders.groupBy((k, o) => o.userId, { name: 'orders-by-user', key: Serdes.string(), value: Serdes.json<Order>() });
 * ```
 */
export interface Grouped<K, V> {
  /** Default: the store's name, else a generated one. */
  readonly name?: string;
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
}

/**
 * How the store of an aggregation, a source table or a materialized `KTable.filter` /
 * `mapValues` is made (Kafka Streams' `Materialized`): its name (the store,
 * `<application.id>-<name>-changelog`, interactive queries), serdes, changelog, record cache
 * and where its bytes live.
 *
 * @example
 * ```ts
 * grouped.aggregate(() => 0, (k, o, sum) => sum + o.amount, { name: 'spend-per-user', value: Serdes.double() });
 * grouped.count({ name: 'counts', storeType: 'persistent', caching: false });
 * grouped.count({ supplier: Stores.persistentKeyValueStore('counts') });
 * table.filter((k, u) => u.active, { materialized: { name: 'active-users' } });
 * ```
 */
export interface Materialized<K, V> {
  /** The store's name; the supplier's when one is given; else generated (with a warning). */
  readonly name?: string;
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
  /** `false`: no changelog (the state is lost when the task moves); an object: changelog topic configs. */
  readonly logging?: false | Readonly<Record<string, string>>;
  /**
   * Whether updates wait in the app's record cache (`statestore.cache.max.bytes`) until the
   * next commit, so each key goes downstream and to the changelog once per commit (default
   * true, as in Kafka Streams); `false` forwards and logs every update
   * (`Materialized.withCachingDisabled()`). Without a record cache every update goes through.
   */
  readonly caching?: boolean;
  /**
   * Where the store's bytes live; default the builder's `default.dsl.store`, else the app's
   * (`in-memory` when neither sets it).
   */
  readonly storeType?: DslStoreType;
  /**
   * The key-value byte store (Kafka Streams' `Materialized.as(supplier)`), e.g.
   * `Stores.persistentKeyValueStore('counts')`: its name is the store's, and it overrides
   * `storeType`. Key-value stores only (aggregations, tables).
   */
  readonly supplier?: KeyValueBytesStoreSupplier;
}
