/**
 * The two topology nodes of a windowed stream–stream join, one per side: both are connected to
 * both sides' window stores and share, per task, one {@link StreamStreamJoiner} (found through
 * the task's left store instance, which is unique per task). Unmatched records are also flushed
 * on a stream-time punctuator, so a window closes even when no record of this join arrives.
 * Left and outer joins keep their unmatched records in a shared store too (changelogged), so a
 * record waiting for its window to close survives the task moving or crashing.
 */
import { Observable, type OperatorFunction } from 'rxjs';

import type { AnyRecord, NodeContext, NodeFactory, Routed } from '../../runtime/node-context.js';
import { recordOperator, type Emit } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { Serde } from '../../serde/index.js';
import type { KeyValueStore, StateStore, WindowStore } from '../../state/index.js';

import { decodeWith, encodeWith } from './buffer-record-serde.js';
import type { JoinWindows } from './join-windows.js';
import { emitToResults, reportLate, type LateRecordRoute } from './late-records.js';
import {
  StreamStreamJoiner,
  type JoinKind,
  type JoinResult,
  type JoinSide,
  type Unmatched,
  type UnmatchedLog,
} from './stream-stream-joiner.js';

/**
 * An unmatched record group as the shared store keeps it: key and values as the bytes of the
 * join's serdes (base64), the side, its timestamp and when its window closes.
 *
 * @example
 * ```ts
 * const e: UnmatchedEntry = { s: 'left', k: 'azE=', v: ['bDE='], t: 10, c: 16 };
 * ```
 */
export interface UnmatchedEntry {
  readonly s: JoinSide;
  readonly k: string | null;
  readonly v: readonly (string | null)[];
  readonly t: number;
  readonly c: number;
}

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
  /** The store of unmatched records (left and outer joins); undefined keeps them in memory. */
  readonly sharedStore?: string;
  /** Serdes of the shared store's keys and each side's values (JSON when undefined). */
  readonly serdes?: {
    readonly key: Serde<K> | undefined;
    readonly left: Serde<L> | undefined;
    readonly right: Serde<R> | undefined;
  };
}

/** The shared store of `spec` as the joiner's log of unmatched records. */
function unmatchedLog<K, L, R, VR>(
  spec: StreamJoinSpec<K, L, R, VR>,
  store: KeyValueStore<string, UnmatchedEntry>,
): UnmatchedLog<K> {
  const serdeOf = (side: JoinSide) =>
    (side === 'left' ? spec.serdes?.left : spec.serdes?.right) as Serde<unknown> | undefined;
  return {
    put: (id, u) => {
      const serde = serdeOf(u.side);
      const v = u.values.map((x) => encodeWith(serde, x));
      store.put(id, {
        s: u.side,
        k: encodeWith(spec.serdes?.key, u.key),
        v,
        t: u.timestampMs,
        c: u.closesAtMs,
      });
    },
    delete: (id) => {
      store.delete(id);
    },
    *all() {
      for (const [id, e] of store.all()) {
        const serde = serdeOf(e.s);
        const u: Unmatched<K> = {
          side: e.s,
          key: decodeWith(spec.serdes?.key, e.k),
          values: e.v.map((x) => decodeWith(serde, x)),
          timestampMs: e.t,
          closesAtMs: e.c,
        };
        yield [id, u] as const;
      }
    },
  };
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
      const shared =
        spec.sharedStore === undefined
          ? undefined
          : unmatchedLog(
              spec,
              ctx.getStateStore(spec.sharedStore) as KeyValueStore<string, UnmatchedEntry>,
            );
      joiner = new StreamStreamJoiner(
        spec.windows,
        spec.kind,
        leftStore as WindowStore<K, L>,
        ctx.getStateStore(spec.rightStore) as WindowStore<K, R>,
        spec.keyId,
        shared,
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
