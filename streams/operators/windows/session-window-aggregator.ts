/**
 * The session aggregation (Kafka Streams' KStreamSessionWindowAggregate): a record at `t` merges
 * every session of its key within the inactivity gap of `t` into one session, whose aggregate is
 * the merger of theirs plus the record. Merged-away sessions are deleted (a null update). A
 * record whose merged session would end before stream time minus grace is late.
 */
import type { SessionKey, SessionStore } from '../../state/state-store.js';

import type { SessionWindows } from './session-windows.js';
import type { Aggregation, WindowUpdate } from './window-update.js';

/**
 * How two session aggregates combine when a record bridges their sessions.
 *
 * @example
 * ```ts
 * const merger: Merger<string, number> = (key, a, b) => a + b;
 * ```
 */
export type Merger<K, A> = (key: K, left: A, right: A) => A;

/**
 * Aggregates records into sessions.
 *
 * @example
 * ```ts
 * const agg = new SessionWindowAggregator(SessionWindows.ofInactivityGapWithNoGrace(5_000), store, count, (k, a, b) => a + b);
 * agg.process('user-1', click, 12_000, streamTimeMs, (u) => forward(u));
 * ```
 */
export class SessionWindowAggregator<K, V, A> {
  constructor(
    private readonly windows: SessionWindows,
    private readonly store: SessionStore<K, A>,
    private readonly aggregation: Aggregation<K, V, A>,
    private readonly merger: Merger<K, A>,
  ) {}

  /** Adds the record to its (merged) session; false when that session is closed (late). */
  process(
    key: K,
    value: V,
    timestampMs: number,
    streamTimeMs: number,
    emit: (update: WindowUpdate<K, A>) => void,
  ): boolean {
    const gap = this.windows.inactivityGapMs;
    const merged: [SessionKey<K>, A][] = [
      ...this.store.findSessions(key, timestampMs - gap, timestampMs + gap),
    ].map(([s, a]) => [s, a]);
    let startMs = timestampMs;
    let endMs = timestampMs;
    let aggregate = this.aggregation.initializer();
    for (const [session, a] of merged) {
      aggregate = this.merger(key, aggregate, a);
      startMs = Math.min(startMs, session.startMs);
      endMs = Math.max(endMs, session.endMs);
    }
    if (endMs < streamTimeMs - this.windows.graceMs) return false;
    for (const [session] of merged) {
      if (session.startMs === startMs && session.endMs === endMs) continue;
      this.store.remove(session);
      const window = { startMs: session.startMs, endMs: session.endMs };
      emit({ key: { key, window }, value: null, timestampMs: session.endMs });
    }
    aggregate = this.aggregation.aggregator(key, value, aggregate);
    this.store.put({ key, startMs, endMs }, aggregate);
    emit({ key: { key, window: { startMs, endMs } }, value: aggregate, timestampMs: endMs });
    return true;
  }
}
