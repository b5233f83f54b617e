/**
 * Windowed aggregations (`groupByKey().windowedBy(...)`): `TimeWindowedKStream` for tumbling,
 * hopping and sliding windows and `SessionWindowedKStream` for sessions, each with count,
 * reduce and aggregate into a window or session store named by `{ name }` (changelog
 * `<application.id>-<name>-changelog`) → a {@link WindowedKTable}. Late records are counted
 * (`droppedRecordsOf(topology)`) and, with `lateRecordsTopic`, written there.
 */
import { Serdes, type Serde } from '../serde/index.js';
import { WindowedSerdes } from '../operators/windows/windowed-serde.js';
import type { Merger } from '../operators/windows/session-window-aggregator.js';
import type { SessionWindows } from '../operators/windows/session-windows.js';
import type { SlidingWindows } from '../operators/windows/sliding-windows.js';
import type { TimeWindows } from '../operators/windows/time-windows.js';
import {
  windowedAggregateNode,
  type Windows,
} from '../operators/windows/windowed-aggregate-node.js';
import type { Aggregation } from '../operators/windows/window-update.js';
import { droppedRecordsOf } from '../runtime/dropped-records.js';
import type { Windowed } from '../state/index.js';

import type { BuilderContext } from './builder-context.js';
import type { Grouped, Materialized } from './grouping-options.js';
import { lateRecordRoute } from './late-records-sink.js';
import { storeNameOf } from './stateful-node.js';
import { known, type StreamState } from './stream-state.js';
import { WindowedKTable } from './windowed-ktable.js';
import { windowedStoreBuilder, windowSizeOf } from './windowed-stores.js';

/**
 * Store, serdes and late records of a windowed aggregation.
 *
 * @example
 * ```ts
 * .count({ name: 'clicks-per-minute', retentionMs: 3_600_000, lateRecordsTopic: 'late-clicks' });
 * ```
 */
export interface WindowedMaterialized<K, V> extends Omit<Materialized<K, V>, 'supplier'> {
  /** How long windows are kept; at least the window size plus grace (the default). */
  readonly retentionMs?: number;
  /** Where records arriving after their windows closed are written (they are counted anyway). */
  readonly lateRecordsTopic?: string;
}

/**
 * What windowed aggregations need of a grouped stream: a `KGroupedStream` (structural, so this
 * module need not import `KGroupedStream`, whose `windowedBy` makes the classes below).
 *
 * @example
 * ```ts
 * const grouped: GroupedHandle<string, Order> = orders.groupByKey();
 * ```
 */
export interface GroupedHandle<K, V> {
  /** @internal */
  readonly internals: {
    readonly ctx: BuilderContext;
    readonly grouped: Grouped<K, V>;
  };
  /** @internal */
  repartitioned(store: string): {
    readonly nodeName: string;
    readonly internals: { readonly state: StreamState<K, V> };
  };
}

function windowedKeySerde<K>(
  windows: Windows,
  key: Serde<K> | undefined,
): Serde<Windowed<K>> | undefined {
  if (key === undefined) return undefined;
  return windows.kind === 'session'
    ? WindowedSerdes.sessionWindowed(key)
    : WindowedSerdes.timeWindowed(key, windowSizeOf(windows));
}

/** Adds a windowed aggregation of `grouped`; the DSL's classes below call it. */
function addWindowedAggregate<K, V, A>(
  grouped: GroupedHandle<K, V>,
  windows: Windows,
  aggregation: Aggregation<K, V, A>,
  merger: Merger<K, A> | undefined,
  options: WindowedMaterialized<K, A>,
  prefixes: { readonly node: string; readonly store: string },
): WindowedKTable<K, A> {
  const { ctx } = grouped.internals;
  const store = storeNameOf(ctx, options.name, prefixes.store, 'a windowed aggregation');
  const input = grouped.repartitioned(store);
  const inputState = input.internals.state;
  const keySerde = options.key ?? grouped.internals.grouped.key ?? inputState.keySerde;
  const name = ctx.newName(prefixes.node);
  const t = ctx.topology;
  const late = { counter: droppedRecordsOf(t), sink: undefined as string | undefined };
  t.addNode({
    kind: 'processor',
    name,
    parents: [input.nodeName],
    stores: [store],
    create: windowedAggregateNode({
      storeName: store,
      windows,
      aggregation,
      late,
      ...(merger === undefined ? {} : { merger }),
    }),
  });
  t.addStateStore(
    windowedStoreBuilder({
      name: store,
      windows,
      keySerde: keySerde,
      valueSerde: options.value,
      retentionMs: options.retentionMs,
      logging: options.logging,
      caching: options.caching !== false,
      storeType: options.storeType ?? ctx.defaultDslStore,
    }),
  );
  late.sink = lateRecordRoute(ctx, late.counter, {
    node: name,
    topic: options.lateRecordsTopic,
    keySerde: keySerde,
    valueSerde: grouped.internals.grouped.value ?? inputState.valueSerde,
    inherited: known(inputState),
  }).sink;
  const tableKey = windowedKeySerde(windows, keySerde);
  // A session stays mergeable (by a record within the gap after it) for its gap past its end.
  const graceMs = windows.graceMs + (windows.kind === 'session' ? windows.inactivityGapMs : 0);
  const closing = { graceMs, inclusiveEnd: windows.kind !== 'time' };
  const state = {
    node: name,
    keySerde: tableKey,
    valueSerde: options.value,
    inherited: { key: tableKey, value: options.value },
    repartitionRequired: false,
  };
  return new WindowedKTable<K, A>(ctx, state, store, closing, keySerde);
}

/** A reduction's options: its value serde defaults to the grouping's. */
function reduceOptions<K, V>(
  grouped: GroupedHandle<K, V>,
  options: WindowedMaterialized<K, V>,
): WindowedMaterialized<K, V> {
  const value = options.value ?? grouped.internals.grouped.value;
  return value === undefined ? options : { ...options, value };
}

const COUNT = { node: 'KSTREAM-AGGREGATE-', store: 'KSTREAM-AGGREGATE-STATE-STORE-' } as const;
const REDUCE = { node: 'KSTREAM-REDUCE-', store: 'KSTREAM-REDUCE-STATE-STORE-' } as const;

function counting<K, V>(): Aggregation<K, V, number> {
  return { initializer: () => 0, aggregator: (_k, _v, n) => n + 1 };
}

function reducing<K, V>(reducer: (aggregate: V, value: V) => V): Aggregation<K, V, V | undefined> {
  return {
    initializer: () => undefined,
    aggregator: (_k, v, agg) => (agg === undefined ? v : reducer(agg, v)),
  };
}

/**
 * A grouped stream windowed by time windows (tumbling, hopping) or sliding windows.
 *
 * @example
 * ```ts
 * const perMinute = orders
 *   .groupByKey()
 *   .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000))
 *   .aggregate(() => 0, (k, o, sum) => sum + o.amount, { name: 'sales-per-minute', value: Serdes.double() });
 * ```
 */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly grouped: GroupedHandle<K, V>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  /** The number of records per key and window. */
  count(options: WindowedMaterialized<K, number> = {}): WindowedKTable<K, number> {
    const o = { ...options, value: options.value ?? Serdes.int64() };
    return addWindowedAggregate(this.grouped, this.windows, counting(), undefined, o, COUNT);
  }

  /** Combines the values of a key in each window with `reducer`. */
  reduce(
    reducer: (aggregate: V, value: V) => V,
    options: WindowedMaterialized<K, V> = {},
  ): WindowedKTable<K, V> {
    const o = reduceOptions(this.grouped, options);
    return addWindowedAggregate(
      this.grouped,
      this.windows,
      reducing<K, V>(reducer) as Aggregation<K, V, V>,
      undefined,
      o,
      REDUCE,
    );
  }

  /** Aggregates the values of a key in each window: `initializer()`, then `aggregator`. */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    options: WindowedMaterialized<K, A> = {},
  ): WindowedKTable<K, A> {
    const aggregation = { initializer, aggregator };
    return addWindowedAggregate(this.grouped, this.windows, aggregation, undefined, options, COUNT);
  }
}

/**
 * A grouped stream windowed by sessions.
 *
 * @example
 * ```ts
 * const clicksPerSession = clicks
 *   .groupByKey()
 *   .windowedBy(SessionWindows.ofInactivityGapAndGrace(1_800_000, 60_000))
 *   .count({ name: 'clicks-per-session' });
 * ```
 */
export class SessionWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly grouped: GroupedHandle<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  /** The number of records per session. */
  count(options: WindowedMaterialized<K, number> = {}): WindowedKTable<K, number> {
    const o = { ...options, value: options.value ?? Serdes.int64() };
    return addWindowedAggregate(
      this.grouped,
      this.windows,
      counting(),
      (_k, a, b) => a + b,
      o,
      COUNT,
    );
  }

  /** Combines the values of a session with `reducer` (also when sessions merge). */
  reduce(
    reducer: (aggregate: V, value: V) => V,
    options: WindowedMaterialized<K, V> = {},
  ): WindowedKTable<K, V> {
    const o = reduceOptions(this.grouped, options);
    const merge = (_k: K, a: V | undefined, b: V | undefined): V | undefined =>
      a === undefined ? b : b === undefined ? a : reducer(a, b);
    return addWindowedAggregate(
      this.grouped,
      this.windows,
      reducing<K, V>(reducer) as Aggregation<K, V, V>,
      merge as Merger<K, V>,
      o,
      REDUCE,
    );
  }

  /** Aggregates the values of a session; `merger` combines two sessions a record bridges. */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    merger: Merger<K, A>,
    options: WindowedMaterialized<K, A> = {},
  ): WindowedKTable<K, A> {
    const aggregation = { initializer, aggregator };
    return addWindowedAggregate(this.grouped, this.windows, aggregation, merger, options, COUNT);
  }
}
