/**
 * The topology node of a windowed count/reduce/aggregate: per task it takes the window (or
 * session) store it is connected to, runs the aggregator of its window kind on each record at
 * the task's stream time, and forwards every window update as a windowed-table change
 * (`Windowed<K>` key, the new aggregate, or null for a session merged away). Late records go to {@link reportLate}.
 * A cached window or session store's updates are forwarded by its cache flushes instead, once
 * per window (or session) per commit, a merged-away session's removal included when its
 * session had been flushed before (see {@link cacheForwarding}).
 */
import type { OperatorFunction } from 'rxjs';

import type { AnyRecord, NodeFactory, Routed } from '../../runtime/node-context.js';
import { recordOperator } from '../../runtime/record-operator.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { SessionStore, StateStore, Windowed, WindowStore } from '../../state/index.js';

import { cacheForwarding } from '../table/cache-forwarding.js';
import type { Change } from '../table/change.js';

import { emitToResults, reportLate, type LateRecordRoute } from './late-records.js';
import { SessionWindowAggregator, type Merger } from './session-window-aggregator.js';
import type { SessionWindows } from './session-windows.js';
import { SlidingWindowAggregator } from './sliding-window-aggregator.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindowAggregator } from './time-window-aggregator.js';
import type { TimeWindows } from './time-windows.js';
import type { Timestamped } from './timestamped.js';
import type { Aggregation, WindowUpdate } from './window-update.js';

/**
 * Any window definition a grouped stream can be windowed by.
 *
 * @example
 * ```ts
 * const w: Windows = TimeWindows.ofSizeWithNoGrace(60_000);
 * ```
 */
export type Windows = TimeWindows | SlidingWindows | SessionWindows;

/** What a windowed aggregation node needs. */
export interface WindowedAggregateSpec<K, V, A> {
  readonly storeName: string;
  readonly windows: Windows;
  readonly aggregation: Aggregation<K, V, A>;
  /** Combines session aggregates (session windows only). */
  readonly merger?: Merger<K, A>;
  readonly late: LateRecordRoute;
}

interface Aggregator<K, V, A> {
  process(
    key: K,
    value: V,
    ts: number,
    streamTimeMs: number,
    emit: (u: WindowUpdate<K, A>) => void,
  ): boolean;
}

function aggregatorFor<K, V, A>(
  spec: WindowedAggregateSpec<K, V, A>,
  store: StateStore,
): Aggregator<K, V, A> {
  const w = spec.windows;
  if (w.kind === 'session')
    return new SessionWindowAggregator(
      w,
      store as SessionStore<K, A>,
      spec.aggregation,
      spec.merger ?? ((_k, a) => a),
    );
  const windowStore = store as WindowStore<K, Timestamped<A>>;
  return w.kind === 'time'
    ? new TimeWindowAggregator(w, windowStore, spec.aggregation)
    : new SlidingWindowAggregator(w, windowStore, spec.aggregation);
}

/** A flushed window's result: its aggregate at the time of its last record (none when deleted). */
function windowResult<A>(
  value: Timestamped<A> | null,
): { value: A; timestampMs: number } | undefined {
  return value === null ? undefined : { value: value.value, timestampMs: value.timestampMs };
}

/**
 * A flushed session's result at the session's end, as without the cache: its aggregate, or null
 * for a session merged away (the cache reports only removals of sessions the store had).
 */
function sessionResult<K, A>(
  key: Windowed<K>,
  value: A | null,
): { value: A | null; timestampMs: number } {
  return { value, timestampMs: key.window.endMs };
}

/**
 * The node factory of a windowed aggregation.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name: 'counts', parents: [source], stores: ['counts'],
 *   create: windowedAggregateNode({ storeName: 'counts', windows, aggregation: count, late }) });
 * ```
 */
export function windowedAggregateNode<K, V, A>(spec: WindowedAggregateSpec<K, V, A>): NodeFactory {
  return (ctx) => {
    const store = ctx.getStateStore(spec.storeName);
    const aggregator = aggregatorFor(spec, store);
    const sessions = spec.windows.kind === 'session';
    const forwarding = cacheForwarding<Windowed<K>, Timestamped<A> | A, Routed>(
      ctx,
      store,
      false,
      (u, context, emit) => {
        const result = sessions
          ? sessionResult(u.key, u.newValue as A | null)
          : windowResult(u.newValue as Timestamped<A> | null);
        if (result === undefined) return;
        const out: StreamRecord<unknown, unknown> = {
          key: u.key,
          value: { newValue: result.value, oldValue: null } satisfies Change<A>,
          headers: context.headers,
          timestamp: result.timestampMs,
          ...(context.source === undefined ? {} : { source: context.source }),
        };
        emitToResults(ctx, spec.late, out, emit);
      },
    );
    const operator = recordOperator<StreamRecord<K, V>, Routed>(ctx, (record, emit) => {
      if (record.key === null || record.key === undefined || record.value === null) {
        reportLate(ctx, { ...spec.late, sink: undefined }, record, 'null key or value', emit);
        return;
      }
      forwarding.track(record);
      const accepted = aggregator.process(
        record.key,
        record.value,
        record.timestamp,
        ctx.streamTimeMs,
        (u) => {
          if (forwarding.cached) return;
          const out: StreamRecord<unknown, unknown> = {
            key: u.key,
            // A table's change; old values are not sent (Kafka's default without sendOldValues).
            value: { newValue: u.value, oldValue: null } satisfies Change<A>,
            headers: record.headers,
            timestamp: u.timestampMs,
            ...(record.source === undefined ? {} : { source: record.source }),
          };
          emitToResults(ctx, spec.late, out, emit);
        },
      );
      if (!accepted) reportLate(ctx, spec.late, record, 'window closed', emit);
    });
    return {
      kind: 'routed',
      operator: forwarding.operator(operator) as unknown as OperatorFunction<AnyRecord, Routed>,
    };
  };
}
