/**
 * The nodes of a repartition, named as Kafka Streams names them: a sink writing the internal
 * topic `<prefix>-repartition` and a source reading it (so the graph splits into two
 * sub-topologies there), optionally with a filter dropping null keys in front (the automatic
 * repartition before grouping or joining). Generated prefixes give generated node names;
 * a user's name gives `<topic>-sink`, `<topic>-source`, `<topic>-filter`.
 */
import type { Serde } from '../serde/index.js';
import { filter } from '../operators/index.js';
import type { InheritedSerdes, StreamPartitioner } from '../runtime/topology-nodes.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { ToOptions } from './options.js';
import type { StreamState } from './stream-state.js';

/** What a repartition needs. */
export interface RepartitionSpec {
  readonly parent: string;
  /** The topic name's prefix: a user's name or a generated node name. */
  readonly prefix: string;
  readonly partitions: number | undefined;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly inherited: InheritedSerdes;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  /** Drop records with null or undefined keys before writing (automatic repartitions). */
  readonly dropNullKeys: boolean;
}

const GENERATED = /^KSTREAM.*-[0-9]{10}$/;

/**
 * Adds the repartition nodes and internal topic; returns the name of the source reading it.
 *
 * @example
 * ```ts
 * const source = addRepartition(ctx, { parent: 'KSTREAM-KEY-SELECT-0000000001', prefix: 'by-user', ... });
 * ```
 */
export function addRepartition(ctx: BuilderContext, spec: RepartitionSpec): string {
  const topic = spec.prefix.endsWith('-repartition') ? spec.prefix : `${spec.prefix}-repartition`;
  const generated = {
    sink: ctx.newName(NodePrefix.sink),
    filter: ctx.newName(NodePrefix.filter),
    source: ctx.newName(NodePrefix.source),
  };
  const names = GENERATED.test(spec.prefix)
    ? generated
    : { sink: `${topic}-sink`, filter: `${topic}-filter`, source: `${topic}-source` };
  const ref = { name: topic, internal: true };
  const t = ctx.topology;
  t.addInternalTopic(topic, spec.partitions);
  let parent = spec.parent;
  if (spec.dropNullKeys) {
    t.addNode({
      kind: 'processor',
      name: names.filter,
      parents: [parent],
      stores: [],
      create: (node) => ({
        kind: 'records',
        operator: filter<unknown, unknown>(node, (key) => key !== null && key !== undefined),
      }),
    });
    parent = names.filter;
  }
  t.addNode({
    kind: 'sink',
    name: names.sink,
    parents: [parent],
    topic: ref,
    keySerde: spec.keySerde,
    valueSerde: spec.valueSerde,
    inherited: spec.inherited,
    partitioner: spec.partitioner,
  });
  t.addNode({
    kind: 'source',
    name: names.source,
    topics: [ref],
    keySerde: spec.keySerde,
    valueSerde: spec.valueSerde,
    inherited: spec.inherited,
    timestampExtractor: undefined,
  });
  return names.source;
}

/**
 * Repartitions `state`'s stream through `<application.id>-<prefix>-repartition` (serdes from
 * `options`, else the stream's); returns the state of the stream read back, partitioned by
 * its key.
 * @internal
 */
export function repartitionedState<K, V>(
  ctx: BuilderContext,
  state: StreamState<K, V>,
  options: ToOptions<K, V>,
  spec: {
    readonly prefix: string;
    readonly partitions: number | undefined;
    readonly dropNullKeys: boolean;
  },
): StreamState<K, V> {
  const keySerde = options.key ?? state.keySerde;
  const valueSerde = options.value ?? state.valueSerde;
  const node = addRepartition(ctx, {
    ...spec,
    parent: state.node,
    keySerde,
    valueSerde,
    inherited: state.inherited,
    partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
  });
  return { node, keySerde, valueSerde, inherited: state.inherited, repartitionRequired: false };
}
