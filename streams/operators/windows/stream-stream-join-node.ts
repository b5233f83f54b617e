/**
 * The two topology nodes of a windowed stream–stream join, one per side: both are connected to
 * both sides' window stores and share, per task, one {@link StreamStreamJoiner} (found through
 * the task's left store instance, which is unique per task). Unmatched records are also flushed
 * on a stream-time punctuator, so a window closes even when no record of this join arrives.
 */
import { Observable, type OperatorFunction } from 'rxjs';

import type { AnyRecord, NodeContext, NodeFactory, Routed } from '../../runtime/node-context.js';
import { recordOperator, type Emit } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { StateStore, WindowStore } from '../../state/index.js';

import type { JoinWindows } from './join-windows.js';
import { emitToResults, reportLate, type LateRecordRoute } from './late-records.js';
import {
  StreamStreamJoiner,
  type JoinKind,
  type JoinResult,
  type JoinSide,
} from './stream-stream-joiner.js';

/** What both join nodes share. */
export interface StreamJoinSpec<K, L, R, VR> {
  readonly windows: JoinWindows;
  readonly kind: JoinKind;
  readonly leftStore: string;
  readonly rightStore: string;
  readonly joiner: (left: L | null, right: R | null, key: K) => VR;
  readonly keyId: (key: K) => string;
  /** Late records of each side (each side has its own late-records sink). */
  readonly late: Readonly<Record<JoinSide, LateRecordRoute>>;
}

/**
 * The node factories of the left and right side of a join.
 *
 * @example
 * ```ts
 * const { left, right } = streamJoinNodes(spec);
 * ```
 */
export function streamJoinNodes<K, L, R, VR>(
  spec: StreamJoinSpec<K, L, R, VR>,
): Readonly<Record<JoinSide, NodeFactory>> {
  const joiners = new WeakMap<StateStore, StreamStreamJoiner<K, L, R>>();
  const joinerOf = (ctx: NodeContext): StreamStreamJoiner<K, L, R> => {
    const leftStore = ctx.getStateStore(spec.leftStore);
    let joiner = joiners.get(leftStore);
    if (joiner === undefined) {
      joiner = new StreamStreamJoiner(
        spec.windows,
        spec.kind,
        leftStore as WindowStore<K, L>,
        ctx.getStateStore(spec.rightStore) as WindowStore<K, R>,
        spec.keyId,
      );
      joiners.set(leftStore, joiner);
    }
    return joiner;
  };
  const side =
    (which: JoinSide): NodeFactory =>
    (ctx) => {
      const joiner = joinerOf(ctx);
      const route = spec.late[which];
      let emitRouted: Emit<Routed> | undefined;
      const output = (trigger: AnyRecord | undefined) => (r: JoinResult<K, L, R>) => {
        const value = spec.joiner(r.left, r.right, r.key);
        // An unmatched record is emitted after the fact: the trigger's headers are not its own.
        const base = r.left === null || r.right === null ? undefined : trigger;
        const out: AnyRecord = {
          headers: {},
          ...base,
          key: r.key,
          value,
          timestamp: r.timestampMs,
        };
        if (emitRouted !== undefined) emitToResults(ctx, route, out, emitRouted);
      };
      if (which === 'left')
        ctx.schedule(1, 'stream-time', (streamTimeMs) => {
          joiner.emitClosed(streamTimeMs, output(undefined));
        });
      const run = recordOperator<StreamRecord<K, L | R>, Routed>(ctx, (record, emit) => {
        if (record.key === null || record.key === undefined || record.value === null) {
          reportLate(ctx, { ...route, sink: undefined }, record, 'null key or value', emit);
          return;
        }
        const at = ctx.streamTimeMs;
        const joined = output(record);
        if (!joiner.process(which, record.key, record.value, record.timestamp, at, joined))
          reportLate(ctx, route, record, 'join window closed', emit);
      });
      const operator: OperatorFunction<AnyRecord, Routed> = (source) =>
        new Observable<Routed>((subscriber) => {
          emitRouted = (routed) => {
            subscriber.next(routed);
          };
          const subscription = run(source as Observable<StreamRecord<K, L | R>>).subscribe(
            subscriber,
          );
          return () => {
            subscription.unsubscribe();
            emitRouted = undefined;
          };
        });
      return { kind: 'routed', operator };
    };
  return { left: side('left'), right: side('right') };
}
