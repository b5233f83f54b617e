/**
 * What every stream of one builder shares: the topology being built and the counter that
 * numbers generated node names (`KSTREAM-FILTER-0000000001`), as Kafka Streams numbers them.
 */
import { Topology } from '../runtime/topology.js';

import type { DslStoreType } from '../state/index.js';
import type { StreamState } from './stream-state.js';

/** Node name prefixes, as Kafka Streams spells them. */
export const NodePrefix = {
  source: 'KSTREAM-SOURCE-',
  sink: 'KSTREAM-SINK-',
  filter: 'KSTREAM-FILTER-',
  map: 'KSTREAM-MAP-',
  mapValues: 'KSTREAM-MAPVALUES-',
  flatMap: 'KSTREAM-FLATMAP-',
  flatMapValues: 'KSTREAM-FLATMAPVALUES-',
  selectKey: 'KSTREAM-KEY-SELECT-',
  peek: 'KSTREAM-PEEK-',
  foreach: 'KSTREAM-FOREACH-',
  branch: 'KSTREAM-BRANCH-',
  merge: 'KSTREAM-MERGE-',
  process: 'KSTREAM-PROCESSOR-',
  processValues: 'KSTREAM-PROCESSVALUES-',
  repartition: 'KSTREAM-REPARTITION-',
  pipe: 'KSTREAM-PIPE-',
  aggregate: 'KSTREAM-AGGREGATE-',
  aggregateStore: 'KSTREAM-AGGREGATE-STATE-STORE-',
  reduce: 'KSTREAM-REDUCE-',
  reduceStore: 'KSTREAM-REDUCE-STATE-STORE-',
  cogroupAggregate: 'COGROUPKSTREAM-AGGREGATE-',
  cogroupStore: 'COGROUPKSTREAM-AGGREGATE-STATE-STORE-',
  cogroupMerge: 'COGROUPKSTREAM-MERGE-',
  tableSource: 'KTABLE-SOURCE-',
  tableStore: '-STATE-STORE-',
  tableFilter: 'KTABLE-FILTER-',
  tableFilterStore: 'KTABLE-FILTER-STATE-STORE-',
  tableMapValues: 'KTABLE-MAPVALUES-',
  tableMapValuesStore: 'KTABLE-MAPVALUES-STATE-STORE-',
  tableToStream: 'KTABLE-TOSTREAM-',
  tableSelect: 'KTABLE-SELECT-',
  tableAggregate: 'KTABLE-AGGREGATE-',
  tableAggregateStore: 'KTABLE-AGGREGATE-STATE-STORE-',
  tableReduce: 'KTABLE-REDUCE-',
  tableReduceStore: 'KTABLE-REDUCE-STATE-STORE-',
} as const;

/** A node name prefix. */
export type NodePrefix = (typeof NodePrefix)[keyof typeof NodePrefix];

/**
 * The shared state of a builder's streams.
 * @internal
 */
export class BuilderContext {
  readonly topology = new Topology();
  /**
   * Where the DSL's stores keep their bytes unless an operator says otherwise; undefined: as the
   * app's `default.dsl.store` says, when a task makes the store.
   */
  defaultDslStore: DslStoreType | undefined;
  private index = 0;
  /**
   * Makes a KStream: set by StreamsBuilder, so modules below kstream.ts (tables, grouped
   * streams) can return streams without importing it (which would be an import cycle).
   */
  makeStream: (state: StreamState<unknown, unknown>) => unknown = () => {
    throw new Error('BuilderContext.makeStream is not set');
  };

  /** Notes a topology warning (an unnamed stateful operator...); runners log them. */
  warn(message: string): void {
    this.topology.addWarning(message);
  }

  /** The next generated name for `prefix`; every call uses up an index, as in Kafka Streams. */
  newName(prefix: string): string {
    return `${prefix}${String(this.index++).padStart(10, '0')}`;
  }

  /** `name` when the user gave one, else a generated name. */
  nameOr(name: string | undefined, prefix: NodePrefix): string {
    return name ?? this.newName(prefix);
  }
}
