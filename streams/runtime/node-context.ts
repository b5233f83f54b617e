/**
 * The contract between a topology's processor nodes and the task that runs them. A node is a
 * factory the task calls once: it gets a {@link NodeContext} and returns an RxJS operator over
 * records. Nodes that route records to particular children (split, custom processors) emit
 * {@link Routed} envelopes instead of bare records.
 */
import type { OperatorFunction } from 'rxjs';

import type { Logger } from '../../core/index.js';
import type { ReadOnlyKeyValueStore, StateStore } from '../state/index.js';

import type { Cancellable, Punctuator, PunctuationType, RecordContext } from './processor.js';
import type { StreamRecord } from './stream-record.js';
import type { StreamsError } from './streams-error.js';
import type { TaskId } from './task.js';

/** A record of any key and value type, as the untyped graph carries it. */
export type AnyRecord = StreamRecord<unknown, unknown>;

/**
 * A record addressed to one child (`child`), or to every child (`child` undefined).
 *
 * @example
 * ```ts
 * const toBig: Routed = { record, child: 'route-big' };
 * ```
 */
export interface Routed {
  readonly record: AnyRecord;
  readonly child: string | undefined;
}

/**
 * What an operator needs to handle a failing user function: the processing error handler,
 * consulted with the task's current input record.
 *
 * @example
 * ```ts
 * try { keep = predicate(r.key, r.value); }
 * catch (err) { const fatal = ctx.userError(err); if (fatal) subscriber.error(fatal); }
 * ```
 */
export interface OperatorContext {
  readonly nodeName: string;
  /**
   * Reports an exception a user function threw while this node handled the current record:
   * returns undefined when the handler answered `continue` (drop the record), or the error
   * that kills the task when it answered `fail` (error the subscriber with it).
   */
  userError(error: unknown): StreamsError | undefined;
}

/**
 * What a task offers each processor node it instantiates.
 *
 * @example
 * ```ts
 * const factory: NodeFactory = (ctx) => ({ kind: 'records', operator: identity });
 * ```
 */
export interface NodeContext extends OperatorContext {
  /** This node's children, in the order they were added. */
  readonly children: readonly string[];
  readonly taskId: TaskId;
  readonly applicationId: string;
  readonly logger: Logger;
  /** The task's stream time; -1 before its first record. */
  readonly streamTimeMs: number;
  currentWallClockMs(): number;
  /** The input record being processed; undefined in a punctuator. */
  readonly recordContext: RecordContext | undefined;
  /** Schedules a punctuator of this node; its exceptions go to the processing handler. */
  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable;
  /** Registers a hook run when the task closes, in node order. */
  onClose(hook: () => void): void;
  /** The task's store `name`; this node must be connected to it (else a StateStoreError). */
  getStateStore(name: string): StateStore;
  /** The runner's whole store of global table `name` (a ConfigError when there is none). */
  getGlobalStore?(name: string): ReadOnlyKeyValueStore<unknown, unknown>;
}

/**
 * A node at run time: an operator emitting records for every child, or emitting
 * {@link Routed} envelopes.
 *
 * @example
 * ```ts
 * const passThrough: NodeOperator = { kind: 'records', operator: (source) => source };
 * ```
 */
export type NodeOperator =
  | { readonly kind: 'records'; readonly operator: OperatorFunction<AnyRecord, AnyRecord> }
  | { readonly kind: 'routed'; readonly operator: OperatorFunction<AnyRecord, Routed> };

/**
 * Instantiates a processor node for one task.
 *
 * @example
 * ```ts
 * const factory: NodeFactory = () => ({ kind: 'records', operator: (source) => source });
 * ```
 */
export type NodeFactory = (ctx: NodeContext) => NodeOperator;
