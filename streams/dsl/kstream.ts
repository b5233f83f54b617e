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
import type { TopicNameExtractor } from '../runtime/topology-nodes.js';
import type { JoinWindows } from '../operators/windows/join-windows.js';

import { NodePrefix } from './builder-context.js';
import type { Named, ProcessOptions, RepartitionOptions, ToOptions } from './options.js';
import type { Grouped } from './grouping-options.js';
import { BranchedKStream } from './branched-kstream.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { AbstractStream } from './abstract-stream.js';
import { windowedJoin, type StreamJoinOptions } from './stream-join.js';
import type { TableHandle, TableJoinOptions } from './stream-table-join.js';
import type { GlobalKTable } from './global-ktable.js';
import { joinOf } from './join-dispatch.js';
import { mergedState } from './merge-node.js';
import { records, rekeyed, revalued, untyped, type StreamState } from './stream-state.js';

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
export class KStream<K, V> extends AbstractStream<K, V> {
  private derive<K2, V2>(state: StreamState<K2, V2>): KStream<K2, V2> {
    return new KStream(this.ctx, state);
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
    return this.derive(mergedState(this.ctx, name, this.state, other.state));
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
    const next = rekeyed<KOut, VOut>(this.state);
    const state = this.addProcessor(NodePrefix.process, options, processorNode(supplier), next);
    this.connectStores(state.node, options);
    return this.derive(state);
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

  /**
   * Runs a custom {@link FixedKeyProcessor} per task, connected to `options.stores`; keys stay,
   * so does the partitioning.
   */
  processValues<VOut>(
    supplier: FixedKeyProcessorSupplier<K, V, VOut>,
    options?: ProcessOptions,
  ): KStream<K, VOut> {
    const next = revalued<K, VOut>(this.state);
    const prefix = NodePrefix.processValues;
    const state = this.addProcessor(prefix, options, processorNode(supplier), next);
    this.connectStores(state.node, options);
    return this.derive(state);
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
    this.addSink(topic, options);
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
    return this.derive(
      this.addProcessor(NodePrefix.pipe, undefined, factory, rekeyed<unknown, unknown>(this.state)),
    );
  }

  private repartitionThrough(
    prefix: string,
    options: ToOptions<K, V>,
    partitions: number | undefined,
    dropNullKeys: boolean,
  ): KStream<K, V> {
    return this.derive(this.repartitionedThrough(prefix, options, partitions, dropNullKeys));
  }

  private op<K2, V2>(
    prefix: string,
    options: Named | undefined,
    next: StreamState<K2, V2>,
    make: (ctx: NodeContext) => OperatorFunction<never, unknown>,
  ): KStream<K2, V2> {
    return this.derive(this.addProcessor(prefix, options, records(make), next));
  }
}
