/**
 * `KStream<K, V>`: a typed stream of records in the DSL. Every operation adds nodes to the
 * builder's topology and returns a new stream; nothing runs until a runner creates tasks.
 * Key-changing operations (`map`, `flatMap`, `selectKey`, `process`, `pipe`) mark the stream
 * as needing a repartition before the next grouping or join ({@link KStream.repartitionIfRequired}).
 */
import type { Observable, OperatorFunction } from 'rxjs';

import * as ops from '../operators/index.js';
import type { KeyValue } from '../operators/index.js';
import type { NodeContext, NodeFactory } from '../runtime/node-context.js';
import type { FixedKeyProcessorSupplier, ProcessorSupplier } from '../runtime/processor.js';
import { processorNode } from '../runtime/processor-node.js';
import type { StreamRecord } from '../runtime/stream-record.js';
import { TopologyError } from '../runtime/streams-error.js';
import type { StreamPartitioner, TopicNameExtractor } from '../runtime/topology-nodes.js';
import type { JoinWindows } from '../operators/windows/join-windows.js';

import { NodePrefix, type BuilderContext } from './builder-context.js';
import type { Named, ProcessOptions, RepartitionOptions, ToOptions } from './options.js';
import type { Grouped } from './grouping-options.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { addRepartition } from './repartition.js';
import { windowedJoin, type StreamJoinOptions } from './stream-join.js';
import type { TableHandle, TableJoinOptions } from './stream-table-join.js';
import type { GlobalKTable } from './global-ktable.js';
import { joinOf } from './join-dispatch.js';
import {
  known,
  records,
  rekeyed,
  revalued,
  untyped,
  untypedRouted,
  type StreamState,
} from './stream-state.js';

type Op<A, B> = OperatorFunction<A, B>;

/**
 * A stream of records with keys of type `K` and values of type `V`.
 *
 * @example
 * ```ts
 * const b = new StreamsBuilder();
 * b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .filter((k, o) => o.amount > 0)
 *   .mapValues((o) => ({ ...o, amount: Math.round(o.amount * 100) }))
 *   .pipe(rxjs.filter((r) => r.headers['test'] === undefined))
 *   .to('orders-clean');
 * ```
 */
export class KStream<K, V> {
  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly state: StreamState<K, V>,
  ) {}

  /**
   * The builder and state of this stream, for the DSL's operations defined outside this class
   * (joins, windowed aggregations).
   * @internal
   */
  get internals(): { readonly ctx: BuilderContext; readonly state: StreamState<K, V> } {
    return { ctx: this.ctx, state: this.state };
  }

  private derive<K2, V2>(state: StreamState<K2, V2>): KStream<K2, V2> {
    return new KStream(this.ctx, state);
  }

  /** The name of the node this stream comes out of. */
  get nodeName(): string {
    return this.state.node;
  }

  /** Whether the key may have changed since the stream was last partitioned by it. */
  get repartitionRequired(): boolean {
    return this.state.repartitionRequired;
  }

  /** Keeps the records `predicate` accepts. */
  filter(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V> {
    return this.op(NodePrefix.filter, options, this.state, (c) => ops.filter(c, predicate));
  }

  /** Drops the records `predicate` accepts. */
  filterNot(predicate: (key: K, value: V) => boolean, options?: Named): KStream<K, V> {
    return this.op(NodePrefix.filter, options, this.state, (c) => ops.filterNot(c, predicate));
  }

  /** New key and value per record, as `[key, value]`; marks the stream for repartitioning. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>, options?: Named): KStream<K2, V2> {
    return this.op(NodePrefix.map, options, rekeyed(this.state), (c) => ops.map(c, mapper));
  }

  /** New value per record (the key is the mapper's second argument); keeps the partitioning. */
  mapValues<V2>(mapper: (value: V, key: K) => V2, options?: Named): KStream<K, V2> {
    return this.op(NodePrefix.mapValues, options, revalued(this.state), (c) =>
      ops.mapValues(c, mapper),
    );
  }

  /** Any number of `[key, value]` records per record; marks the stream for repartitioning. */
  flatMap<K2, V2>(
    mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>,
    options?: Named,
  ): KStream<K2, V2> {
    return this.op(NodePrefix.flatMap, options, rekeyed(this.state), (c) => ops.flatMap(c, mapper));
  }

  /** Any number of values per record, each with the record's key. */
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, options?: Named): KStream<K, V2> {
    const next = revalued<K, V2>(this.state);
    return this.op(NodePrefix.flatMapValues, options, next, (c) => ops.flatMapValues(c, mapper));
  }

  /** A new key per record; marks the stream for repartitioning. */
  selectKey<K2>(selector: (key: K, value: V) => K2, options?: Named): KStream<K2, V> {
    const next = { ...rekeyed<K2, V>(this.state), valueSerde: this.state.valueSerde };
    // (the value is unchanged: its serde stays known)
    return this.op(NodePrefix.selectKey, options, next, (c) => ops.selectKey(c, selector));
  }

  /** Calls `action` per record and passes the records on. */
  peek(action: (key: K, value: V) => void, options?: Named): KStream<K, V> {
    return this.op(NodePrefix.peek, options, this.state, (c) => ops.peek(c, action));
  }

  /** Calls `action` per record; a terminal operation. */
  foreach(action: (key: K, value: V) => void, options?: Named): void {
    this.op(NodePrefix.foreach, options, this.state, (c) => ops.foreach(c, action));
  }

  /** Splits the stream into named branches; see {@link BranchedKStream}. */
  split(options?: Named): BranchedKStream<K, V> {
    const name = this.ctx.nameOr(options?.name, NodePrefix.branch);
    return new BranchedKStream(this.ctx, this.state, name);
  }

  /** The records of this stream and of `other`, interleaved as they arrive. */
  merge(other: KStream<K, V>, options?: Named): KStream<K, V> {
    const name = this.ctx.nameOr(options?.name, NodePrefix.merge);
    const a = this.state;
    const b = other.state;
    this.ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [a.node, b.node],
      stores: [],
      create: records(() => ops.passThrough()),
    });
    return new KStream(this.ctx, {
      node: name,
      keySerde: a.keySerde === b.keySerde ? a.keySerde : undefined,
      valueSerde: a.valueSerde === b.valueSerde ? a.valueSerde : undefined,
      inherited: known(a),
      repartitionRequired: a.repartitionRequired || b.repartitionRequired,
    });
  }

  /**
   * Runs a custom {@link Processor} per task, connected to the state stores named in
   * `options.stores` (added with `StreamsBuilder.addStateStore`); it may change keys, so marks
   * the stream for repartitioning.
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    options?: ProcessOptions,
  ): KStream<KOut, VOut> {
    const next = this.add(
      NodePrefix.process,
      options,
      processorNode(supplier),
      rekeyed<KOut, VOut>(this.state),
    );
    return this.connectStores(next, options);
  }

  /** Groups by the current key (repartitioning first if the key changed), for an aggregation. */
  groupByKey(options: Grouped<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream(this.ctx, this, options);
  }

  /** Groups by a new key `selector` picks; always repartitions (named after `options.name` or the store). */
  groupBy<K2>(
    selector: (key: K, value: V) => K2,
    options: Grouped<K2, V> = {},
  ): KGroupedStream<K2, V> {
    const rekeyedStream = this.selectKey(selector);
    return new KGroupedStream(this.ctx, rekeyedStream, options);
  }

  private connectStores<K2, V2>(next: KStream<K2, V2>, options?: ProcessOptions): KStream<K2, V2> {
    if (options?.stores !== undefined && options.stores.length > 0)
      this.ctx.topology.connectProcessorAndStateStores(next.nodeName, options.stores);
    return next;
  }

  /**
   * Runs a custom {@link FixedKeyProcessor} per task, connected to `options.stores`; keys stay,
   * so does the partitioning.
   */
  processValues<VOut>(
    supplier: FixedKeyProcessorSupplier<K, V, VOut>,
    options?: ProcessOptions,
  ): KStream<K, VOut> {
    const next = this.add(
      NodePrefix.processValues,
      options,
      processorNode(supplier),
      revalued<K, VOut>(this.state),
    );
    return this.connectStores(next, options);
  }

  /**
   * Writes the records to the internal topic `<application.id>-<name>-repartition`, partitioned
   * by their current key, and reads them back: a new sub-topology starts here.
   */
  repartition(options: RepartitionOptions<K, V> = {}): KStream<K, V> {
    const prefix = this.ctx.nameOr(options.name, NodePrefix.repartition);
    return this.repartitionThrough(prefix, options, options.numberOfPartitions, false);
  }

  /**
   * This stream when its key is unchanged since it was read or repartitioned, else the stream
   * repartitioned through `<application.id>-<prefix>-repartition` (records with null keys are
   * dropped, as Kafka Streams does): the hook that groupings and joins call.
   *
   * @internal
   */
  repartitionIfRequired(prefix: string, options: ToOptions<K, V> = {}): KStream<K, V> {
    return this.state.repartitionRequired
      ? this.repartitionThrough(prefix, options, undefined, true)
      : this;
  }

  /**
   * Joins each record with the records of `other` with the same key whose timestamps lie
   * within `windows` (inner join); see {@link JoinWindows}. Late records are counted (and
   * written to `lateRecordsTopic` when set). With a `KTable`, joins each record with the
   * table's current row for its key (records without a row are dropped); with a
   * `GlobalKTable`, with the row of the key `keySelector` derives. Only the stream triggers a
   * table join.
   */
  join<V2, VR>(
    other: KStream<K, V2>,
    joiner: (value: V, otherValue: V2, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinOptions<K, V, V2>,
  ): KStream<K, VR>;
  join<T, VR>(
    table: TableHandle<K, T>,
    joiner: (value: V, row: T, key: K) => VR,
    options?: TableJoinOptions<K, VR>,
  ): KStream<K, VR>;
  join<GK, T, VR>(
    table: GlobalKTable<GK, T>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, row: T, key: K) => VR,
    options?: Named,
  ): KStream<K, VR>;
  join(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.derive(joinOf(this, 'inner', other, a, b, c));
  }

  /**
   * Like {@link KStream.join}, and a record that matched nothing is emitted with `null`: for a
   * windowed join once its window closed (never earlier, so no spurious result precedes a
   * match); for a table or global-table join at once, when the key has no row.
   */
  leftJoin<V2, VR>(
    other: KStream<K, V2>,
    joiner: (value: V, otherValue: V2 | null, key: K) => VR,
    windows: JoinWindows,
    options?: StreamJoinOptions<K, V, V2>,
  ): KStream<K, VR>;
  leftJoin<T, VR>(
    table: TableHandle<K, T>,
    joiner: (value: V, row: T | null, key: K) => VR,
    options?: TableJoinOptions<K, VR>,
  ): KStream<K, VR>;
  leftJoin<GK, T, VR>(
    table: GlobalKTable<GK, T>,
    keySelector: (key: K, value: V) => GK,
    joiner: (value: V, row: T | null, key: K) => VR,
    options?: Named,
  ): KStream<K, VR>;
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.derive(joinOf(this, 'left', other, a, b, c));
  }

  /** Like {@link KStream.leftJoin}, for unmatched records of both sides. */
  outerJoin<V2, VR>(
    other: KStream<K, V2>,
    joiner: (value: V | null, otherValue: V2 | null, key: K) => VR,
    windows: JoinWindows,
    options: StreamJoinOptions<K, V, V2> = {},
  ): KStream<K, VR> {
    return this.derive(windowedJoin(this, other, 'outer', joiner, windows, options));
  }

  /** Writes the records to `topic`, or to the topic `topic(key, value, recordContext)` names. */
  to(topic: string | TopicNameExtractor<K, V>, options: ToOptions<K, V> = {}): void {
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

  /**
   * Applies synchronous RxJS operators to the records (`StreamRecord<K, V>` in,
   * `StreamRecord<K2, V2>` out). An exception in them kills the task (they run outside the
   * per-record error handling); asynchronous operators are refused at run time. Marks the stream
   * for repartitioning, since the operators may change keys.
   */
  pipe(): KStream<K, V>;
  // A type-preserving overload first, so generic operators like `delay(10)` infer their type.
  // eslint-disable-next-line @typescript-eslint/unified-signatures
  pipe(op1: OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V>>): KStream<K, V>;
  pipe<K2, V2>(op1: OperatorFunction<StreamRecord<K, V>, StreamRecord<K2, V2>>): KStream<K2, V2>;
  pipe<A, K2, V2>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, StreamRecord<K2, V2>>,
  ): KStream<K2, V2>;
  pipe<A, B, K2, V2>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, StreamRecord<K2, V2>>,
  ): KStream<K2, V2>;
  pipe<A, B, C, K2, V2>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, StreamRecord<K2, V2>>,
  ): KStream<K2, V2>;
  pipe<A, B, C, D, K2, V2>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, StreamRecord<K2, V2>>,
  ): KStream<K2, V2>;
  pipe<A, B, C, D, E, K2, V2>(
    op1: OperatorFunction<StreamRecord<K, V>, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, E>,
    op6: OperatorFunction<E, StreamRecord<K2, V2>>,
  ): KStream<K2, V2>;
  /* eslint-disable @typescript-eslint/no-explicit-any -- the overloads above carry the types */
  pipe(...operators: Op<any, unknown>[]): KStream<any, any> {
    /* eslint-enable @typescript-eslint/no-explicit-any */
    const chain = (source: Observable<unknown>): Observable<unknown> =>
      operators.reduce((acc, op) => op(acc), source);
    const factory: NodeFactory = () => ({ kind: 'records', operator: untyped(chain) });
    return this.add(NodePrefix.pipe, undefined, factory, rekeyed<unknown, unknown>(this.state));
  }

  private repartitionThrough(
    prefix: string,
    options: ToOptions<K, V>,
    partitions: number | undefined,
    dropNullKeys: boolean,
  ): KStream<K, V> {
    const keySerde = options.key ?? this.state.keySerde;
    const valueSerde = options.value ?? this.state.valueSerde;
    const node = addRepartition(this.ctx, {
      parent: this.state.node,
      prefix,
      partitions,
      keySerde,
      valueSerde,
      inherited: this.state.inherited,
      partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      dropNullKeys,
    });
    const inherited = this.state.inherited;
    return new KStream(this.ctx, {
      node,
      keySerde,
      valueSerde,
      inherited,
      repartitionRequired: false,
    });
  }

  private op<K2, V2>(
    prefix: string,
    options: Named | undefined,
    next: StreamState<K2, V2>,
    make: (ctx: NodeContext) => OperatorFunction<never, unknown>,
  ): KStream<K2, V2> {
    return this.add(prefix, options, records(make), next);
  }

  private add<K2, V2>(
    prefix: string,
    options: Named | undefined,
    create: NodeFactory,
    next: StreamState<K2, V2>,
  ): KStream<K2, V2> {
    const name = options?.name ?? this.ctx.newName(prefix);
    this.ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [this.state.node],
      stores: [],
      create,
    });
    return new KStream(this.ctx, { ...next, node: name });
  }
}

/**
 * How a branch of {@link BranchedKStream} is named and used (Kafka Streams' `Branched`): `name`
 * is appended to the split's name to make the branch's key in the result; `chain` transforms
 * the branch and its result is stored instead; `consume` uses the branch, which then is not
 * stored.
 *
 * @example
 * ```ts
 * split.branch((k, o) => o.amount > 1000, { name: 'big', chain: (s) => s.mapValues(flag) });
 * ```
 */
export interface BranchOptions<K, V> extends Named {
  readonly chain?: (branch: KStream<K, V>) => KStream<K, V>;
  readonly consume?: (branch: KStream<K, V>) => void;
}

/**
 * The branches of a split: each record goes to the first branch whose predicate accepts it,
 * else to the default branch if there is one, else nowhere. Branch keys are the split's name
 * plus the branch name (or its 1-based position; `0` for the default branch), as in Kafka
 * Streams: `split({ name: 'route-' }).branch(p, { name: 'big' })` is `route-big`.
 *
 * @example
 * ```ts
 * const branches = orders
 *   .split({ name: 'route-' })
 *   .branch((k, o) => o.amount > 1000, { name: 'big' })
 *   .defaultBranch({ name: 'small' });
 * branches['route-big']?.to('big-orders');
 * ```
 */
export class BranchedKStream<K, V> {
  private readonly routes: ops.BranchRoute<K, V>[] = [];
  private defaultChild: string | undefined;
  private readonly result: Record<string, KStream<K, V>> = {};
  private done = false;

  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly parent: StreamState<K, V>,
    private readonly splitter: string,
  ) {
    ctx.topology.addNode({
      kind: 'processor',
      name: splitter,
      parents: [parent.node],
      stores: [],
      create: (c) => ({
        kind: 'routed',
        operator: untypedRouted(ops.branch(c, this.routes, this.defaultChild)),
      }),
    });
  }

  /** Adds a branch for the records `predicate` accepts (and no earlier branch took). */
  branch(predicate: (key: K, value: V) => boolean, options: BranchOptions<K, V> = {}): this {
    const child = this.addBranch(options, this.routes.length + 1);
    this.routes.push({ predicate, child });
    return this;
  }

  /** Adds the branch of records no predicate accepted; returns the branches by name. */
  defaultBranch(options: BranchOptions<K, V> = {}): Record<string, KStream<K, V>> {
    this.defaultChild = this.addBranch(options, 0);
    this.done = true;
    return this.result;
  }

  /** Ends the split without a default branch (unmatched records are dropped); returns the branches by name. */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.done = true;
    return this.result;
  }

  private addBranch(options: BranchOptions<K, V>, index: number): string {
    if (this.done) throw new TopologyError(`split ${this.splitter} is already ended`);
    const child = `${this.splitter}${options.name ?? String(index)}`;
    this.ctx.newName(child);
    this.ctx.topology.addNode({
      kind: 'processor',
      name: child,
      parents: [this.splitter],
      stores: [],
      create: records(() => ops.passThrough()),
    });
    const stream = new KStream(this.ctx, { ...this.parent, node: child });
    if (options.chain !== undefined) this.result[child] = options.chain(stream);
    else if (options.consume !== undefined) options.consume(stream);
    else this.result[child] = stream;
    return child;
  }
}
