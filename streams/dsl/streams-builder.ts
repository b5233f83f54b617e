/**
 * The entry point of the DSL: `stream()` reads topics, `table()` reads a changelog topic as a
 * table, the returned {@link KStream}s and {@link KTable}s add operations, `build()` hands over
 * the {@link Topology} a runner runs.
 */
import { tableSourceNode } from '../operators/table/table-source.js';
import type { Topology } from '../runtime/topology.js';
import { TopologyError } from '../runtime/streams-error.js';
import { Serdes } from '../serde/index.js';
import {
  dslStoreTypeOf,
  DSL_STORE_VALUES,
  type DslStoreConfig,
  type StoreBuilder,
} from '../state/index.js';

import { BuilderContext, NodePrefix } from './builder-context.js';
import { addGlobalKTable, type GlobalKTable, type GlobalTableOptions } from './global-ktable.js';
import type { Materialized } from './grouping-options.js';
import { KStream } from './kstream.js';
import { materializedTable, type KTable } from './ktable.js';
import type { StreamOptions } from './options.js';
import {
  addStatefulNode,
  keyValueStoreOf,
  materializedName,
  storeNameOf,
} from './stateful-node.js';
import type { StreamState } from './stream-state.js';

/**
 * How `StreamsBuilder.table` reads its topic and materializes it: `name` names the store (and
 * its changelog topic `<application.id>-<name>-changelog`).
 *
 * @example
 * ```ts
 * builder.table('users', { name: 'users-store', key: Serdes.string(), value: Serdes.json<User>() });
 * ```
 */
export interface TableOptions<K, V> extends Materialized<K, V> {
  readonly timestampExtractor?: StreamOptions<K, V>['timestampExtractor'];
}

/**
 * Options of a {@link StreamsBuilder} (Kafka Streams' topology configs).
 *
 * @example
 * ```ts
 * const b = new StreamsBuilder({ 'default.dsl.store': 'persistent' });
 * ```
 */
export interface StreamsBuilderOptions {
  /**
   * Where the DSL's stores keep their bytes unless an operator's `storeType` or `supplier` says
   * otherwise (Kafka's `default.dsl.store`; `in_memory` and `rocksDB` are accepted too). It wins
   * over the app's `default.dsl.store`, as Kafka's topology config does; unset, the app's
   * decides when a task makes the store, and in memory when neither is set: persistent stores
   * put files under `state.dir`, which only an app that asks for them should get.
   */
  readonly 'default.dsl.store'?: DslStoreConfig;
}

/**
 * Builds a topology with the DSL.
 *
 * @example
 * ```ts
 * const b = new StreamsBuilder();
 * b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .filter((k, o) => o.amount > 0)
 *   .to('orders-positive');
 * const topology = b.build();
 * ```
 */
export class StreamsBuilder {
  private readonly ctx = new BuilderContext();

  constructor(options: StreamsBuilderOptions = {}) {
    const ctx = this.ctx;
    // Checked at run time too: JavaScript callers and configs read from files are not typed.
    const store: unknown = options['default.dsl.store'];
    ctx.defaultDslStore = dslStoreTypeOf(store);
    if (store !== undefined && ctx.defaultDslStore === undefined)
      throw new TopologyError(
        `default.dsl.store must be one of ${DSL_STORE_VALUES.join(', ')}, got ${JSON.stringify(store)}`,
      );
    ctx.makeStream = (state: StreamState<unknown, unknown>) => new KStream(ctx, state);
  }

  /**
   * A stream of the records of `topics` (several topics make one stream; they must be
   * co-partitioned). Serdes default to the runner's `default.key.serde` / `default.value.serde`.
   */
  stream<K = unknown, V = unknown>(
    topics: string | readonly string[],
    options: StreamOptions<K, V> = {},
  ): KStream<K, V> {
    const name = this.ctx.nameOr(options.name, NodePrefix.source);
    this.ctx.topology.addSource(name, topics, options);
    return new KStream(this.ctx, {
      node: name,
      keySerde: options.key,
      valueSerde: options.value,
      inherited: { key: undefined, value: undefined },
      repartitionRequired: false,
    });
  }

  /**
   * The topic as a table: each record upserts its key, a null value (tombstone) deletes it. The
   * table is materialized in a key-value store with its own changelog topic (as Kafka Streams
   * does without `topology.optimization`), so restoring never depends on the input's retention.
   * The value serde is made tombstone-tolerant (`Serdes.nullable`); a default serde must be.
   */
  table<K = unknown, V = unknown>(topic: string, options: TableOptions<K, V> = {}): KTable<K, V> {
    const ctx = this.ctx;
    const source = ctx.newName(NodePrefix.source);
    const name = ctx.newName(NodePrefix.tableSource);
    const store = storeNameOf(
      ctx,
      materializedName(options),
      `${topic}${NodePrefix.tableStore}`,
      `table ${topic}`,
    );
    ctx.topology.addSource(source, topic, {
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.value === undefined ? {} : { value: Serdes.nullable(options.value) }),
      ...(options.timestampExtractor === undefined
        ? {}
        : { timestampExtractor: options.timestampExtractor }),
    });
    const builder = keyValueStoreOf(ctx, store, options, options.key, options.value);
    addStatefulNode(ctx, name, [source], builder, tableSourceNode(store));
    return materializedTable(ctx, name, options.key, options.value, store);
  }

  /**
   * The topic as a table that every app instance holds whole (all partitions), read to its end
   * before any task processes and followed afterwards; it is joined by a key derived from each
   * stream record, so neither side is repartitioned. The store is named `options.name`, default
   * `<topic>-global`; the topic itself is its changelog.
   *
   * @example
   * ```ts
   * const products = builder.globalTable('products', { key: Serdes.string(), value: Serdes.json<Product>() });
   * orders.leftJoin(products, (id, o) => o.productId, (o, p) => ({ ...o, product: p?.name ?? null }));
   * ```
   */
  globalTable<K = unknown, V = unknown>(
    topic: string,
    options: GlobalTableOptions<K, V> = {},
  ): GlobalKTable<K, V> {
    return addGlobalKTable(this.ctx.topology, topic, options);
  }

  /** Adds a state store for `KStream.process(supplier, { stores: [name] })`. */
  addStateStore(builder: StoreBuilder): this {
    this.ctx.topology.addStateStore(builder);
    return this;
  }

  /** The topology built so far. */
  build(): Topology {
    return this.ctx.topology;
  }
}
