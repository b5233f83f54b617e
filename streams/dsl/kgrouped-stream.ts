/**
 * `KGroupedStream<K, V>`: a stream grouped by key, waiting for its aggregation, and
 * `CogroupedKStream`, several grouped streams aggregated into one store (KIP-150). The
 * repartition a key change requires is added when the aggregation is, so its topic can be named
 * after the store (`<application.id>-<store>-repartition`) when the grouping has no name.
 */
import { streamAggregateNode, type Fold } from '../operators/table/stream-aggregate.js';
import type { SessionWindows } from '../operators/windows/session-windows.js';
import type { SlidingWindows } from '../operators/windows/sliding-windows.js';
import type { TimeWindows } from '../operators/windows/time-windows.js';
import { passThrough } from '../operators/index.js';
import { Serdes, type Serde } from '../serde/index.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { Grouped, Materialized } from './grouping-options.js';
import type { KStream } from './kstream.js';
import { materializedTable, type KTable } from './ktable.js';
import {
  addStatefulNode,
  keyValueStoreOf,
  materializedName,
  storeNameOf,
} from './stateful-node.js';
import { records } from './stream-state.js';
import { SessionWindowedKStream, TimeWindowedKStream } from './windowed-kstream.js';

/**
 * A grouped stream.
 *
 * @example
 * ```ts
 * const counts = words.groupBy((k, word) => word, { key: Serdes.string() }).count({ name: 'word-counts' });
 * ```
 */
export class KGroupedStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly stream: KStream<K, V>,
    private readonly grouped: Grouped<K, V>,
  ) {}

  /** The ungrouped stream and grouping options, for windowed aggregations. @internal */
  get internals(): {
    readonly ctx: BuilderContext;
    readonly stream: KStream<K, V>;
    readonly grouped: Grouped<K, V>;
  } {
    return { ctx: this.ctx, stream: this.stream, grouped: this.grouped };
  }

  /**
   * The stream, repartitioned by its key if the key changed (the topic named after the
   * grouping, else after `store`). @internal
   */
  repartitioned(store: string): KStream<K, V> {
    const g = this.grouped;
    const options = {
      ...(g.key === undefined ? {} : { key: g.key }),
      ...(g.value === undefined ? {} : { value: g.value }),
    };
    return this.stream.repartitionIfRequired(g.name ?? store, options);
  }

  /** The number of records per key. */
  count(options: Materialized<K, number> = {}): KTable<K, number> {
    return this.fold(NodePrefix.aggregate, NodePrefix.aggregateStore, (_k, _v, n) => (n ?? 0) + 1, {
      ...options,
      value: options.value ?? Serdes.int64(),
    });
  }

  /** Combines the values of a key with `reducer` (the first value is the first aggregate). */
  reduce(reducer: (aggregate: V, value: V) => V, options: Materialized<K, V> = {}): KTable<K, V> {
    return this.fold(
      NodePrefix.reduce,
      NodePrefix.reduceStore,
      (_k, v, agg) => (agg === undefined ? v : reducer(agg, v)),
      withValueSerde(options, options.value ?? this.grouped.value ?? this.valueSerde()),
    );
  }

  /** Aggregates the values of a key: `initializer()` for its first, then `aggregator`. */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    options: Materialized<K, A> = {},
  ): KTable<K, A> {
    return this.fold(
      NodePrefix.aggregate,
      NodePrefix.aggregateStore,
      (k, v, agg) => aggregator(k, v, agg ?? initializer()),
      options,
    );
  }

  /**
   * Windows the grouped stream for a windowed aggregation: time windows (tumbling, hopping) and
   * sliding windows give a {@link TimeWindowedKStream}, session windows a
   * {@link SessionWindowedKStream}.
   *
   * @example
   * ```ts
   * orders.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count({ name: 'orders-per-minute' });
   * ```
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windows.kind === 'session'
      ? new SessionWindowedKStream(this, windows)
      : new TimeWindowedKStream(this, windows);
  }

  /** Starts a cogroup: this stream's values join the aggregate through `aggregator`. */
  cogroup<A>(aggregator: (key: K, value: V, aggregate: A) => A): CogroupedKStream<K, A> {
    return new CogroupedKStream<K, A>(this.ctx).cogroup(this, aggregator);
  }

  private valueSerde(): Serde<V> | undefined {
    return this.stream.internals.state.valueSerde;
  }

  private fold<A>(
    prefix: string,
    storePrefix: string,
    fold: Fold<K, V, A>,
    options: Materialized<K, A>,
  ): KTable<K, A> {
    const ctx = this.ctx;
    const store = storeNameOf(ctx, materializedName(options), storePrefix, 'an aggregation');
    const input = this.repartitioned(store);
    const keySerde = options.key ?? this.grouped.key ?? input.internals.state.keySerde;
    const name = ctx.newName(prefix);
    const builder = keyValueStoreOf(ctx, store, options, keySerde, options.value);
    addStatefulNode(ctx, name, [input.nodeName], builder, streamAggregateNode(store, fold));
    return materializedTable(ctx, name, keySerde, options.value, store);
  }
}

interface CogroupInput<K, A> {
  readonly grouped: KGroupedStream<K, unknown>;
  readonly aggregator: (key: K, value: unknown, aggregate: A) => A;
}

/**
 * Several grouped streams feeding one aggregate per key, in one store (Kafka Streams'
 * `CogroupedKStream`); each stream has its own aggregator, all share the initializer.
 *
 * @example
 * ```ts
 * const spend = clicks.groupByKey()
 *   .cogroup<Stats>((user, click, s) => ({ ...s, clicks: s.clicks + 1 }))
 *   .cogroup(orders.groupByKey(), (user, order, s) => ({ ...s, spent: s.spent + order.amount }))
 *   .aggregate(() => ({ clicks: 0, spent: 0 }), { name: 'user-stats', value: Serdes.json<Stats>() });
 * ```
 */
export class CogroupedKStream<K, A> {
  private readonly inputs: CogroupInput<K, A>[] = [];

  /** @internal */
  constructor(private readonly ctx: BuilderContext) {}

  /** Adds a grouped stream and how its values fold into the aggregate. */
  cogroup<V>(
    grouped: KGroupedStream<K, V>,
    aggregator: (key: K, value: V, aggregate: A) => A,
  ): this {
    this.inputs.push({
      grouped: grouped as unknown as KGroupedStream<K, unknown>,
      aggregator: aggregator as (key: K, value: unknown, aggregate: A) => A,
    });
    return this;
  }

  /** Aggregates every input into one store; the table emits each input's updates. */
  aggregate(initializer: () => A, options: Materialized<K, A> = {}): KTable<K, A> {
    const ctx = this.ctx;
    const store = storeNameOf(ctx, materializedName(options), NodePrefix.cogroupStore, 'a cogroup');
    let keySerde = options.key;
    const builderKey = (): Serde<K> | undefined => keySerde;
    const parents: string[] = [];
    this.inputs.forEach((input, i) => {
      const stream = input.grouped.repartitioned(i === 0 ? store : `${store}-${i}`);
      keySerde ??= input.grouped.internals.grouped.key ?? stream.internals.state.keySerde;
      const name = ctx.newName(NodePrefix.cogroupAggregate);
      ctx.topology.addNode({
        kind: 'processor',
        name,
        parents: [stream.nodeName],
        stores: [store],
        create: streamAggregateNode<K, unknown, A>(store, (k, v, agg) =>
          input.aggregator(k, v, agg ?? initializer()),
        ),
      });
      parents.push(name);
    });
    const merge = ctx.newName(NodePrefix.cogroupMerge);
    ctx.topology.addNode({
      kind: 'processor',
      name: merge,
      parents,
      stores: [],
      create: records(() => passThrough()),
    });
    ctx.topology.addStateStore(keyValueStoreOf(ctx, store, options, builderKey(), options.value));
    return materializedTable(ctx, merge, keySerde, options.value, store);
  }
}

/** `options` with `value` set when a serde is known. */
function withValueSerde<K, V>(
  options: Materialized<K, V>,
  value: Serde<V> | undefined,
): Materialized<K, V> {
  return value === undefined ? options : { ...options, value };
}
