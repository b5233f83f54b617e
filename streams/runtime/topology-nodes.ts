/**
 * The nodes of a topology as the builder records them: sources read topics, processors run a
 * {@link NodeFactory} per task, sinks write topics. Serdes left undefined are taken from the
 * runner's defaults when a task is created.
 */
import type { Serde } from '../serde/index.js';
import type { StoreBuilder } from '../state/index.js';

import type { NodeFactory } from './node-context.js';
import type { RecordContext } from './processor.js';
import type { TopicRef } from './runnable-topology.js';
import type { TimestampExtractor } from './task.js';

/**
 * Chooses the topic of each record a sink writes (Kafka Streams' `TopicNameExtractor`).
 *
 * @example
 * ```ts
 * const byRegion: TopicNameExtractor<string, Order> = (key, order) => `orders-${order.region}`;
 * ```
 */
export type TopicNameExtractor<K, V> = (
  key: K,
  value: V,
  recordContext: RecordContext | undefined,
) => string;

/**
 * Chooses the partition of a record a sink writes; undefined falls back to the default (murmur2
 * of the serialized key, as the producer does).
 *
 * @example
 * ```ts
 * const byUser: StreamPartitioner<string, Order> = (topic, key, order, n) => order.userId % n;
 * ```
 */
export type StreamPartitioner<K, V> = (
  topic: string,
  key: K,
  value: V,
  partitionCount: number,
) => number | undefined;

/**
 * The nearest serdes known upstream of a node whose own serdes are unknown (after `mapValues`,
 * `map`, `pipe`...). A sink or repartition uses them only when neither an explicit serde nor
 * the runner's default exists, so a pipeline whose types do not change needs no serde twice;
 * if the types did change and the serde cannot encode them, the sink reports a production error.
 */
export interface InheritedSerdes {
  readonly key: Serde<unknown> | undefined;
  readonly value: Serde<unknown> | undefined;
}

/** A source node: reads `topics` and deserializes their records. */
export interface SourceNodeSpec {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: readonly TopicRef[];
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** Serdes of the stream upstream: the last resort, after the runner's defaults. */
  readonly inherited?: InheritedSerdes;
  readonly timestampExtractor: TimestampExtractor | undefined;
}

/** A processor node: an operator made per task. */
export interface ProcessorNodeSpec {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  /** Names of the state stores it is connected to (more may be added by `addStateStore`). */
  readonly stores: readonly string[];
  readonly create: NodeFactory;
}

/** A sink node: serializes records and hands them to the collector. */
export interface SinkNodeSpec {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly topic: TopicRef | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** Serdes of the stream upstream: the last resort, after the runner's defaults. */
  readonly inherited?: InheritedSerdes;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

/** Any node of a topology. */
export type NodeSpec = SourceNodeSpec | ProcessorNodeSpec | SinkNodeSpec;

/** The parents of a node (none for a source). */
export function parentsOf(node: NodeSpec): readonly string[] {
  return node.kind === 'source' ? [] : node.parents;
}

/** The nodes of one sub-topology, in the order they were added, and their children. */
export interface SubtopologyPlan {
  readonly id: number;
  readonly nodes: readonly NodeSpec[];
  /** The stores its processors use, each built once per task. */
  readonly stores: readonly StoreBuilder[];
  /** Children of each node, in the order they were added. */
  readonly children: ReadonlyMap<string, readonly string[]>;
}
