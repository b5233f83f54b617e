/**
 * What every stream of one builder shares: the topology being built and the counter that
 * numbers generated node names (`KSTREAM-FILTER-0000000001`), as Kafka Streams numbers them.
 */
import { Topology } from '../runtime/topology.js';

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
} as const;

/** A node name prefix. */
export type NodePrefix = (typeof NodePrefix)[keyof typeof NodePrefix];

/**
 * The shared state of a builder's streams.
 * @internal
 */
export class BuilderContext {
  readonly topology = new Topology();
  private index = 0;

  /** The next generated name for `prefix`; every call uses up an index, as in Kafka Streams. */
  newName(prefix: string): string {
    return `${prefix}${String(this.index++).padStart(10, '0')}`;
  }

  /** `name` when the user gave one, else a generated name. */
  nameOr(name: string | undefined, prefix: NodePrefix): string {
    return name ?? this.newName(prefix);
  }
}
