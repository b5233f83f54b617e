/**
 * What the windowed aggregations emit and take: an update of one window's aggregate (a null
 * value deletes a session merged into another), and the user functions of an aggregation.
 */
import type { Windowed } from '../../state/state-store.js';

/**
 * A window's new aggregate; `value` null when the window is gone (a session merged away).
 * `timestampMs` is the largest event time in the window (a session's end, for sessions).
 *
 * @example
 * ```ts
 * const u: WindowUpdate<string, number> = { key: { key: 'a', window: { startMs: 0, endMs: 60_000 } }, value: 2, timestampMs: 59_000 };
 * ```
 */
export interface WindowUpdate<K, A> {
  readonly key: Windowed<K>;
  readonly value: A | null;
  readonly timestampMs: number;
}

/**
 * The functions of a windowed aggregation: a fresh aggregate, and how a record updates it.
 *
 * @example
 * ```ts
 * const sum: Aggregation<string, number, number> = { initializer: () => 0, aggregator: (k, v, agg) => agg + v };
 * ```
 */
export interface Aggregation<K, V, A> {
  readonly initializer: () => A;
  readonly aggregator: (key: K, value: V, aggregate: A) => A;
}
