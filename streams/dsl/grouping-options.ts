/**
 * Options of groupings and aggregations (Kafka Streams' `Grouped` and `Materialized`). Names
 * matter for stateful operators: the store, its changelog topic and the repartition topic are
 * named from them, so a topology that changes elsewhere keeps its state.
 */
import type { Serde } from '../serde/index.js';

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
 * How an aggregation's store is made (Kafka Streams' `Materialized`): its name (the store,
 * `<application.id>-<name>-changelog`, interactive queries), serdes, changelog.
 *
 * @example
 * ```ts
 * grouped.aggregate(() => 0, (k, o, sum) => sum + o.amount, { name: 'spend-per-user', value: Serdes.double() });
 * ```
 */
export interface Materialized<K, V> {
  /** The store's name; generated (with a warning) when absent. */
  readonly name?: string;
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
  /** `false`: no changelog (the state is lost when the task moves); an object: changelog topic configs. */
  readonly logging?: false | Readonly<Record<string, string>>;
}
