/**
 * What every `KStream` is built on: the builder context and the stream's state, and the
 * helpers that add its nodes (a processor under the stream, a sink, a repartition). `KStream`
 * holds the operations; keeping the plumbing here keeps each file small.
 */
import type { NodeFactory } from '../runtime/node-context.js';
import type { StreamPartitioner, TopicNameExtractor } from '../runtime/topology-nodes.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { Named, ProcessOptions, ToOptions } from './options.js';
import { repartitionedState } from './repartition.js';
import type { StreamState } from './stream-state.js';

/**
 * The builder plumbing of a stream.
 * @internal
 */
export abstract class AbstractStream<K, V> {
  /** @internal */
  protected readonly ctx: BuilderContext;
  /** @internal */
  protected readonly state: StreamState<K, V>;

  /** @internal */
  constructor(ctx: BuilderContext, state: StreamState<K, V>) {
    this.ctx = ctx;
    this.state = state;
  }

  /**
   * The builder and state of this stream, for the DSL's operations defined outside this class
   * (joins, windowed aggregations).
   * @internal
   */
  get internals(): { readonly ctx: BuilderContext; readonly state: StreamState<K, V> } {
    return { ctx: this.ctx, state: this.state };
  }

  /** The name of the node this stream comes out of. */
  get nodeName(): string {
    return this.state.node;
  }

  /** Whether the key may have changed since the stream was last partitioned by it. */
  get repartitionRequired(): boolean {
    return this.state.repartitionRequired;
  }

  /** Adds a processor node under this stream; returns `next` with the node's name. @internal */
  protected addProcessor<K2, V2>(
    prefix: string,
    options: Named | undefined,
    create: NodeFactory,
    next: StreamState<K2, V2>,
  ): StreamState<K2, V2> {
    const name = options?.name ?? this.ctx.newName(prefix);
    this.ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [this.state.node],
      stores: [],
      create,
    });
    return { ...next, node: name };
  }

  /** Connects node `node` to the stores `options.stores` names. @internal */
  protected connectStores(node: string, options: ProcessOptions | undefined): void {
    if (options?.stores !== undefined && options.stores.length > 0)
      this.ctx.topology.connectProcessorAndStateStores(node, options.stores);
  }

  /** Adds a sink under this stream writing `topic` (or the topic the extractor names). @internal */
  protected addSink(topic: string | TopicNameExtractor<K, V>, options: ToOptions<K, V>): void {
    const name = this.ctx.nameOr(options.name, NodePrefix.sink);
    this.ctx.topology.addNode({
      kind: 'sink',
      name,
      parents: [this.state.node],
      topic:
        typeof topic === 'string'
          ? { name: topic, internal: false }
          : (topic as TopicNameExtractor<unknown, unknown>),
      keySerde: options.key ?? this.state.keySerde,
      valueSerde: options.value ?? this.state.valueSerde,
      inherited: this.state.inherited,
      partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    });
  }

  /** The state of this stream written to and read back from `<prefix>-repartition`. @internal */
  protected repartitionedThrough(
    prefix: string,
    options: ToOptions<K, V>,
    partitions: number | undefined,
    dropNullKeys: boolean,
  ): StreamState<K, V> {
    return repartitionedState(this.ctx, this.state, options, { prefix, partitions, dropNullKeys });
  }
}
