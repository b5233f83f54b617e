/**
 * Options of the DSL's operators: names for nodes (stable names keep internal topics stable
 * when the topology changes), serdes, partitioners.
 */
import type { Serde } from '../serde/index.js';
import type { TimestampExtractor } from '../runtime/task.js';
import type { StreamPartitioner } from '../runtime/topology-nodes.js';

/**
 * Names the node an operator adds; generated (`KSTREAM-FILTER-0000000001`) when absent.
 *
 * @example
 * ```ts
 * stream.filter((k, v) => v > 0, { name: 'positive-only' });
 * ```
 */
export interface Named {
  readonly name?: string;
}

/**
 * How `StreamsBuilder.stream` reads its topics (Kafka Streams' `Consumed`).
 *
 * @example
 * ```ts
 * builder.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>(), name: 'orders-in' });
 * ```
 */
export interface StreamOptions<K, V> extends Named {
  /** Default: the runner's default key serde. */
  readonly key?: Serde<K>;
  /** Default: the runner's default value serde. */
  readonly value?: Serde<V>;
  /** Event time of these topics' records; default the runner's extractor or the record timestamp. */
  readonly timestampExtractor?: TimestampExtractor;
}

/**
 * How `KStream.to` writes (Kafka Streams' `Produced`).
 *
 * @example
 * ```ts
 * stream.to('orders-clean', { key: Serdes.string(), value: Serdes.json<Order>() });
 * ```
 */
export interface ToOptions<K, V> extends Named {
  /** Default: the stream's key serde when known, else the runner's default. */
  readonly key?: Serde<K>;
  /** Default: the stream's value serde when known, else the runner's default. */
  readonly value?: Serde<V>;
  /** Default: murmur2 of the serialized key, as the producer does. */
  readonly partitioner?: StreamPartitioner<K, V>;
}

/**
 * How `KStream.repartition` writes and reads its internal topic (Kafka Streams' `Repartitioned`).
 *
 * @example
 * ```ts
 * stream.repartition({ name: 'by-user', numberOfPartitions: 8 }); // topic <application.id>-by-user-repartition
 * ```
 */
export interface RepartitionOptions<K, V> extends ToOptions<K, V> {
  /** Default: the partition count of the input topics of the sub-topology writing it. */
  readonly numberOfPartitions?: number;
}

/**
 * Options of `KStream.process` / `processValues`: the node's name and the state stores its
 * processor uses (added with `StreamsBuilder.addStateStore`; `ctx.getStateStore(name)` then
 * returns the task's instance).
 *
 * @example
 * ```ts
 * builder.addStateStore(Stores.keyValueStoreBuilder('seen', Serdes.string(), Serdes.int64()));
 * stream.process(() => new Dedupe(), { name: 'dedupe', stores: ['seen'] });
 * ```
 */
export interface ProcessOptions extends Named {
  readonly stores?: readonly string[];
}
