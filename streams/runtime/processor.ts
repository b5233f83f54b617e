/**
 * The Processor API: custom logic with access to the record context, punctuators and routing
 * to named children, embedded in the DSL with `process` / `processValues` or added to a
 * {@link Topology} directly with `addProcessor`.
 */
import type { StateStore } from '../state/index.js';

import type { StreamHeaders, StreamRecord } from './stream-record.js';
import type { TaskId } from './task.js';

/**
 * Where the input record being processed came from. Absent while a punctuator runs.
 *
 * @example
 * ```ts
 * const where = ctx.recordContext;
 * if (where !== undefined) console.log(`${where.topic}-${where.partition}@${where.offset}`);
 * ```
 */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The input record's event time (after the timestamp extractor), epoch ms. */
  readonly timestamp: number;
  readonly headers: StreamHeaders;
}

/**
 * Which time drives a punctuator: `stream-time` advances only with the event time of input
 * records (the largest timestamp the task has seen); `wall-clock` with the runner's clock.
 *
 * @example
 * ```ts
 * const type: PunctuationType = 'stream-time';
 * ```
 */
export type PunctuationType = 'stream-time' | 'wall-clock';

/**
 * A scheduled callback; receives the stream time or the wall-clock time it fires at.
 *
 * @example
 * ```ts
 * const emitCounts: Punctuator = (timestampMs) => ctx.forward({ key: 'n', value: n, headers: {}, timestamp: timestampMs });
 * ```
 */
export type Punctuator = (timestampMs: number) => void;

/**
 * Cancels a punctuator.
 *
 * @example
 * ```ts
 * const every = ctx.schedule(1000, 'wall-clock', flush);
 * every.cancel();
 * ```
 */
export interface Cancellable {
  cancel(): void;
}

/**
 * What a processor may use: the task it runs in, time, the input's context, punctuators and
 * forwarding to its children.
 *
 * @example
 * ```ts
 * init(ctx: ProcessorContext<string, number>) {
 *   ctx.schedule(60_000, 'stream-time', (ts) => ctx.forward({ key: 'tick', value: ts, headers: {}, timestamp: ts }));
 * }
 * ```
 */
export interface ProcessorContext<KForward, VForward> {
  readonly applicationId: string;
  readonly taskId: TaskId;
  /** The largest event time the task has seen; -1 before its first record. */
  readonly streamTimeMs: number;
  /** The runner's wall-clock time (the TestDriver's simulated clock in tests). */
  currentWallClockMs(): number;
  /** The input record being processed; undefined in a punctuator. */
  readonly recordContext: RecordContext | undefined;
  /**
   * Sends a record to every child, or to the child named `childName` (which must be one of
   * this node's children). Synchronous: the children have run when it returns.
   */
  forward(record: StreamRecord<KForward, VForward>, childName?: string): void;
  /**
   * Calls `callback` every `intervalMs` of stream time (first as soon as stream time is known,
   * then at multiples of the interval; at most once per advance) or of wall-clock time (first
   * `intervalMs` from now).
   */
  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable;
  /**
   * The task's instance of the store `name`, which this processor must be connected to
   * (`Topology.addStateStore(builder, processorName)`, or the DSL's `process(supplier, { stores })`);
   * otherwise a StateStoreError. Restored from its changelog before the task's first record.
   */
  // The caller names the store's type, as with Kafka Streams' getStateStore: a checked cast.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  getStateStore<S extends StateStore>(name: string): S;
}

/**
 * A custom processor for `KStream.process` and `Topology.addProcessor`: it may change keys and
 * values, emit any number of records per input (through `ctx.forward`), and punctuate.
 * Exceptions thrown by `process` or a punctuator go to the processing error handler.
 *
 * @example
 * ```ts
 * class Dedupe implements Processor<string, Order, string, Order> {
 *   private ctx!: ProcessorContext<string, Order>;
 *   private readonly seen = new Set<string>();
 *   init(ctx: ProcessorContext<string, Order>) { this.ctx = ctx; }
 *   process(r: StreamRecord<string, Order>) {
 *     if (!this.seen.has(r.value.id)) { this.seen.add(r.value.id); this.ctx.forward(r); }
 *   }
 * }
 * ```
 */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  /** Called once per task before the first record. */
  init?(ctx: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  /** Called when the task closes (rebalance, shutdown). */
  close?(): void;
}

/**
 * Makes a fresh processor for each task.
 *
 * @example
 * ```ts
 * const supplier: ProcessorSupplier<string, Order, string, Order> = () => new Dedupe();
 * ```
 */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<
  KIn,
  VIn,
  KOut,
  VOut
>;

/**
 * The context of a {@link FixedKeyProcessor}: forwarded records keep the key type. Forward
 * records derived from the input (`{ ...record, value }`): the key must stay the one read, or
 * partitioning breaks, since `processValues` never repartitions.
 *
 * @example
 * ```ts
 * ctx.forward({ ...record, value: record.value.trim() });
 * ```
 */
export type FixedKeyProcessorContext<K, VForward> = ProcessorContext<K, VForward>;

/**
 * A processor for `KStream.processValues`: like {@link Processor}, but it keeps each record's
 * key, so the stream stays partitioned as it was.
 *
 * @example
 * ```ts
 * const enrich: FixedKeyProcessorSupplier<string, Order, string> = () => ({
 *   ctx: undefined as FixedKeyProcessorContext<string, string> | undefined,
 *   init(ctx) { this.ctx = ctx; },
 *   process(r) { this.ctx?.forward({ ...r, value: `${r.value.id}@${this.ctx.taskId.partition}` }); },
 * });
 * ```
 */
export interface FixedKeyProcessor<K, VIn, VOut = never> {
  init?(ctx: FixedKeyProcessorContext<K, VOut>): void;
  process(record: StreamRecord<K, VIn>): void;
  close?(): void;
}

/**
 * Makes a fresh fixed-key processor for each task.
 *
 * @example
 * ```ts
 * stream.processValues(() => new Trimmer());
 * ```
 */
export type FixedKeyProcessorSupplier<K, VIn, VOut = never> = () => FixedKeyProcessor<K, VIn, VOut>;
