/**
 * A topology: the graph of source, processor and sink nodes a {@link StreamsBuilder} builds (or
 * a user adds node by node, as with Kafka Streams' `Topology`). Its connected components are
 * the sub-topologies; a sink writing an internal topic and the source reading it are no edge,
 * so a repartition splits the graph. Each (sub-topology, partition) pair runs as a task.
 */
import type { Serde } from '../serde/index.js';
import type { StoreBuilder } from '../state/index.js';

import type { ProcessorSupplier } from './processor.js';
import { processorNode } from './processor-node.js';
import type {
  InternalTopicSpec,
  RunnableTopology,
  SubtopologySpec,
  TopicRef,
} from './runnable-topology.js';
import { StreamTask } from './stream-task.js';
import { changelogTopicName } from './task-stores.js';
import { TopologyError } from './streams-error.js';
import type { Task, TaskEnvironment, TaskId, TimestampExtractor } from './task.js';
import { TopologyDescription } from './topology-description.js';
import {
  parentsOf,
  type NodeSpec,
  type StreamPartitioner,
  type SubtopologyPlan,
  type TopicNameExtractor,
} from './topology-nodes.js';

/**
 * Serdes and time of a source added with {@link Topology.addSource}.
 *
 * @example
 * ```ts
 * const options: SourceOptions<string, Order> = { key: Serdes.string(), value: Serdes.json<Order>() };
 * ```
 */
export interface SourceOptions<K, V> {
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
  /** Event time of this source's records; default the runner's extractor or the record timestamp. */
  readonly timestampExtractor?: TimestampExtractor;
}

/**
 * Serdes and partitioner of a sink added with {@link Topology.addSink}.
 *
 * @example
 * ```ts
 * const options: SinkOptions<string, Order> = { key: Serdes.string(), value: Serdes.json<Order>() };
 * ```
 */
export interface SinkOptions<K, V> {
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
}

/** Kafka Streams' configs of a repartition topic (purged after commits, so no retention limit). */
const REPARTITION_TOPIC_CONFIGS: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
  'message.timestamp.type': 'CreateTime',
});

interface Grouping {
  readonly plans: readonly SubtopologyPlan[];
  readonly specs: readonly SubtopologySpec[];
  readonly internal: readonly InternalTopicSpec[];
}

/**
 * A graph of nodes that a runner (StreamsApp, TestDriver) runs as tasks.
 *
 * @example
 * ```ts
 * const topology = new Topology()
 *   .addSource('in', ['orders'], { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .addProcessor('dedupe', () => new Dedupe(), ['in'])
 *   .addSink('out', 'orders-unique', ['dedupe']);
 * console.log(topology.describe().toString());
 * ```
 */
export class Topology implements RunnableTopology {
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly children = new Map<string, string[]>();
  /** Topic name (undecorated) → the source node reading it. */
  private readonly readers = new Map<string, string>();
  /** Internal topic name (undecorated) → fixed partition count, if any. */
  private readonly internal = new Map<string, number | undefined>();
  /** State stores by name, and the stores each processor is connected to. */
  private readonly stores = new Map<string, StoreBuilder>();
  private readonly connected = new Map<string, Set<string>>();
  private grouping: Grouping | undefined;
  private readonly warningList: string[] = [];

  /** Adds a source reading `topics`. */
  addSource<K, V>(
    name: string,
    topics: string | readonly string[],
    options: SourceOptions<K, V> = {},
  ): this {
    const list = typeof topics === 'string' ? [topics] : topics;
    return this.addNode({
      kind: 'source',
      name,
      topics: list.map((t) => ({ name: t, internal: false })),
      keySerde: options.key,
      valueSerde: options.value,
      timestampExtractor: options.timestampExtractor,
    });
  }

  /**
   * Adds a processor running a fresh processor from `supplier` in each task, connected to the
   * stores named in `stores` (added with {@link Topology.addStateStore}, before or after).
   */
  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    parents: readonly string[],
    stores: readonly string[] = [],
  ): this {
    return this.addNode({
      kind: 'processor',
      name,
      parents,
      stores,
      create: processorNode(supplier),
    });
  }

  /**
   * Adds a state store (one instance per task of the sub-topology using it) and connects it to
   * `processors`. With logging enabled its changes go to the internal topic
   * `<application.id>-<store>-changelog`, declared here. Processors sharing a store run in one
   * sub-topology.
   */
  addStateStore(builder: StoreBuilder, processors: readonly string[] = []): this {
    if (this.stores.has(builder.name))
      throw new TopologyError(`state store ${builder.name} is already added`);
    this.stores.set(builder.name, builder);
    for (const p of processors) this.connectProcessorAndStateStores(p, [builder.name]);
    this.grouping = undefined;
    return this;
  }

  /** Connects processor `processor` to stores already added or still to be added. */
  connectProcessorAndStateStores(processor: string, stores: readonly string[]): this {
    const node = this.nodes.get(processor);
    if (node?.kind !== 'processor')
      throw new TopologyError(`cannot connect stores to ${processor}: no such processor`);
    const set = this.connected.get(processor) ?? new Set(node.stores);
    for (const s of stores) set.add(s);
    this.connected.set(processor, set);
    this.grouping = undefined;
    return this;
  }

  /** The store builder named `name`, if added. */
  stateStore(name: string): StoreBuilder | undefined {
    return this.stores.get(name);
  }

  /** Adds a sink writing `topic`, or the topic `topic(key, value, recordContext)` names. */
  addSink<K, V>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    parents: readonly string[],
    options: SinkOptions<K, V> = {},
  ): this {
    return this.addNode({
      kind: 'sink',
      name,
      parents,
      topic:
        typeof topic === 'string'
          ? { name: topic, internal: false }
          : (topic as TopicNameExtractor<unknown, unknown>),
      keySerde: options.key,
      valueSerde: options.value,
      partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    });
  }

  /**
   * Declares an internal topic (named `<application.id>-<name>` at run time).
   * @internal
   */
  addInternalTopic(name: string, partitions: number | undefined): this {
    if (this.internal.has(name)) throw new TopologyError(`internal topic ${name} is already added`);
    if (partitions !== undefined && (!Number.isSafeInteger(partitions) || partitions < 1))
      throw new TopologyError(`internal topic ${name}: partitions must be a positive integer`);
    this.internal.set(name, partitions);
    this.grouping = undefined;
    return this;
  }

  /**
   * Adds a node; parents must exist and names be unique.
   * @internal
   */
  addNode(spec: NodeSpec): this {
    if (spec.name.length === 0) throw new TopologyError('a node name must not be empty');
    if (this.nodes.has(spec.name)) throw new TopologyError(`node ${spec.name} is already added`);
    for (const parent of parentsOf(spec)) {
      const p = this.nodes.get(parent);
      if (p === undefined)
        throw new TopologyError(`${spec.name}: parent ${parent} is not added yet`);
      if (p.kind === 'sink')
        throw new TopologyError(`${spec.name}: sink ${parent} cannot be a parent`);
    }
    if (spec.kind !== 'source' && spec.parents.length === 0)
      throw new TopologyError(`${spec.name}: a ${spec.kind} needs at least one parent`);
    if (spec.kind === 'source') this.registerReader(spec.name, spec.topics);
    if (spec.kind === 'sink' && typeof spec.topic !== 'function')
      this.checkInternal(spec.name, spec.topic);
    this.nodes.set(spec.name, spec);
    this.children.set(spec.name, []);
    for (const parent of parentsOf(spec)) this.children.get(parent)?.push(spec.name);
    this.grouping = undefined;
    return this;
  }

  /** The sub-topologies, numbered as Kafka Streams numbers them (upstream first). */
  get subtopologies(): readonly SubtopologySpec[] {
    return this.group().specs;
  }

  /** The repartition topics the runner creates before it starts. */
  get internalTopics(): readonly InternalTopicSpec[] {
    return this.group().internal;
  }

  /** Instantiates the task `id`: fresh processors, sources and sinks. */
  createTask(id: TaskId, env: TaskEnvironment): Task {
    const plan = this.group().plans[id.subtopology];
    if (plan === undefined) throw new TopologyError(`no sub-topology ${id.subtopology}`);
    return new StreamTask(plan, id, env);
  }

  /**
   * The topology as Kafka Streams describes it; `toString()` prints its text format,
   * `toMermaid()` and `toDot()` draw it.
   */
  describe(): TopologyDescription {
    return new TopologyDescription(this.group().plans);
  }

  /** Warnings about the topology (unnamed stateful operators...), logged by the runners. */
  get warnings(): readonly string[] {
    return this.warningList;
  }

  /**
   * Notes a warning for the runners to log.
   * @internal
   */
  addWarning(message: string): void {
    this.warningList.push(message);
  }

  /** Whether a node named `name` exists. */
  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  private registerReader(name: string, topics: readonly TopicRef[]): void {
    if (topics.length === 0) throw new TopologyError(`source ${name} reads no topic`);
    for (const t of topics) {
      const reader = this.readers.get(t.name);
      if (reader !== undefined)
        throw new TopologyError(`topic ${t.name} is already read by source ${reader}`);
      if (t.internal) this.checkInternal(name, t);
    }
    for (const t of topics) this.readers.set(t.name, name);
  }

  private checkInternal(node: string, topic: TopicRef): void {
    if (topic.internal && !this.internal.has(topic.name))
      throw new TopologyError(`${node}: internal topic ${topic.name} is not declared`);
  }

  private group(): Grouping {
    this.grouping ??= this.computeGrouping();
    return this.grouping;
  }

  private computeGrouping(): Grouping {
    const root = new Map<string, string>();
    const find = (n: string): string => {
      let r = n;
      while (root.get(r) !== r) r = root.get(r) ?? r;
      root.set(n, r);
      return r;
    };
    const storeOwner = new Map<string, string>();
    for (const node of this.nodes.values()) {
      root.set(node.name, node.name);
      for (const parent of parentsOf(node)) root.set(find(node.name), find(parent));
      for (const store of this.storesOf(node)) {
        const other = storeOwner.get(store);
        if (other === undefined) storeOwner.set(store, node.name);
        else root.set(find(node.name), find(other));
      }
    }
    const byRoot = new Map<string, NodeSpec[]>();
    for (const node of this.nodes.values()) {
      const r = find(node.name);
      const group = byRoot.get(r) ?? [];
      group.push(node.kind === 'processor' ? { ...node, stores: this.storesOf(node) } : node);
      byRoot.set(r, group);
    }
    const plans = [...byRoot.values()].map((nodes, id) => ({
      id,
      nodes,
      children: new Map(nodes.map((n) => [n.name, this.children.get(n.name) ?? []])),
      stores: [...new Set(nodes.flatMap((n) => this.storesOf(n)))].map((s) => this.builderOf(s)),
    }));
    const specs = plans.map(({ id, nodes, stores }) => ({
      id,
      sourceTopics: nodes.flatMap((n) => (n.kind === 'source' ? n.topics : [])),
      stores: stores.map((s) => s.name),
    }));
    return {
      plans,
      specs,
      internal: [...this.internalSpecs(plans), ...changelogSpecs(plans)],
    };
  }

  private storesOf(node: NodeSpec): string[] {
    if (node.kind !== 'processor') return [];
    return [...(this.connected.get(node.name) ?? node.stores)];
  }

  private builderOf(store: string): StoreBuilder {
    const builder = this.stores.get(store);
    if (builder === undefined)
      throw new TopologyError(`state store ${store} is used by a processor but not added`);
    return builder;
  }

  private internalSpecs(plans: readonly SubtopologyPlan[]): InternalTopicSpec[] {
    return [...this.internal].map(([name, partitions]) => {
      const writers = plans
        .filter((p) =>
          p.nodes.some(
            (n) =>
              n.kind === 'sink' &&
              typeof n.topic !== 'function' &&
              n.topic.internal &&
              n.topic.name === name,
          ),
        )
        .map((p) => p.id);
      const spec = {
        name,
        kind: 'repartition' as const,
        partitionsFrom: writers,
        configs: REPARTITION_TOPIC_CONFIGS,
      };
      return partitions === undefined ? spec : { ...spec, partitions };
    });
  }
}

/** The changelog topics of the plans' logged stores, sized like the sub-topology's inputs. */
function changelogSpecs(plans: readonly SubtopologyPlan[]): InternalTopicSpec[] {
  return plans.flatMap((plan) =>
    plan.stores
      .filter((b) => b.loggingEnabled)
      .map((b) => ({
        name: changelogTopicName(b.name),
        kind: 'changelog' as const,
        partitionsFrom: [plan.id],
        configs: b.changelogConfigs(),
      })),
  );
}
