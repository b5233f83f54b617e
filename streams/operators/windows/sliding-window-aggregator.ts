/**
 * The sliding-window aggregation, following Kafka Streams' KStreamSlidingWindowAggregate
 * (KIP-450). Every record defines two windows of the time difference `d`: its left window
 * `[t - d, t]` and its right window `[t + 1, t + 1 + d]`; a window exists only while it holds
 * records. A new record updates every existing window containing it, creates its left window
 * (its aggregate is that of the latest window ending before `t`, which holds exactly the
 * records in `[t - d, t)`), creates the right window of the previous record when the new
 * record falls in it, and its own right window when later records exist. Records before `d`
 * share the window `[0, d]`, since windows never start before the epoch.
 */
import type { WindowStore } from '../../state/state-store.js';

import type { SlidingWindows } from './sliding-windows.js';
import type { Timestamped } from './timestamped.js';
import type { Aggregation, WindowUpdate } from './window-update.js';

type Emit<K, A> = (update: WindowUpdate<K, A>) => void;

/** What the scan of a key's nearby windows found. */
interface Scan<A> {
  readonly starts: Set<number>;
  leftAgg: Timestamped<A> | undefined;
  rightAgg: Timestamped<A> | undefined;
  leftCreated: boolean;
  rightCreated: boolean;
  previousTs: number | undefined;
}

/**
 * Aggregates records into sliding windows.
 *
 * @example
 * ```ts
 * const agg = new SlidingWindowAggregator(SlidingWindows.ofTimeDifferenceWithNoGrace(10_000), store, sum);
 * agg.process('sensor-1', 21.5, 42_000, streamTimeMs, (u) => forward(u));
 * ```
 */
export class SlidingWindowAggregator<K, V, A> {
  private readonly d: number;

  constructor(
    private readonly windows: SlidingWindows,
    private readonly store: WindowStore<K, Timestamped<A>>,
    private readonly aggregation: Aggregation<K, V, A>,
  ) {
    this.d = windows.timeDifferenceMs;
  }

  /** Adds the record to its windows; false when even its right window is closed (late). */
  process(key: K, value: V, ts: number, streamTimeMs: number, emit: Emit<K, A>): boolean {
    const closeMs = streamTimeMs - this.windows.graceMs;
    if (ts + 1 + this.d <= closeMs) return false;
    if (ts < this.d) this.processEarly(key, value, ts, closeMs, emit);
    else this.processInOrder(key, value, ts, closeMs, emit);
    return true;
  }

  private processInOrder(key: K, value: V, ts: number, closeMs: number, emit: Emit<K, A>): void {
    const scan: Scan<A> = {
      starts: new Set(),
      leftAgg: undefined,
      rightAgg: undefined,
      leftCreated: false,
      rightCreated: false,
      previousTs: undefined,
    };
    const from = Math.max(0, ts - 2 * this.d);
    for (const [start, agg] of this.store.fetchRange(key, from, ts + 1)) {
      scan.starts.add(start);
      const end = start + this.d;
      if (end < ts) {
        scan.leftAgg = agg;
        scan.previousTs = agg.timestampMs;
      } else if (end === ts) {
        scan.leftCreated = true;
        if (agg.timestampMs < ts) scan.previousTs = agg.timestampMs;
        this.update(key, value, start, agg, ts, closeMs, emit);
      } else if (start <= ts) {
        scan.rightAgg = agg;
        this.update(key, value, start, agg, ts, closeMs, emit);
      } else {
        scan.rightCreated = true; // start === ts + 1
      }
    }
    this.createWindows(key, value, ts, closeMs, scan, emit);
  }

  private createWindows(
    key: K,
    value: V,
    ts: number,
    closeMs: number,
    scan: Scan<A>,
    emit: Emit<K, A>,
  ): void {
    const previous = scan.previousTs;
    // The previous record's right window, when the new record falls in it.
    if (previous !== undefined && !scan.starts.has(previous + 1) && previous + 1 + this.d >= ts)
      this.update(key, value, previous + 1, this.fresh(ts), ts, closeMs, emit);
    if (!scan.leftCreated) {
      const leftNotEmpty = previous !== undefined && ts - this.d <= previous;
      const base =
        leftNotEmpty && scan.leftAgg !== undefined
          ? { value: scan.leftAgg.value, timestampMs: ts }
          : this.fresh(ts);
      this.update(key, value, ts - this.d, base, ts, closeMs, emit);
    }
    if (!scan.rightCreated) this.createRightWindow(key, ts, scan.rightAgg, emit);
  }

  /** Records before the time difference share `[0, d]`; their right windows are made as usual. */
  private processEarly(key: K, value: V, ts: number, closeMs: number, emit: Emit<K, A>): void {
    let combined: Timestamped<A> | undefined;
    let rightAgg: Timestamped<A> | undefined;
    let rightCreated = false;
    let previous: number | undefined;
    const starts = new Set<number>();
    for (const [start, agg] of this.store.fetchRange(key, 0, ts + 1)) {
      starts.add(start);
      if (start === 0) {
        combined = agg;
        if (agg.timestampMs < ts) previous = agg.timestampMs;
      } else if (start <= ts) {
        rightAgg = agg;
        this.update(key, value, start, agg, ts, closeMs, emit);
      } else {
        rightCreated = true;
      }
    }
    // Without a right window found, the combined window holds only records after this one.
    if (rightAgg === undefined && combined !== undefined && combined.timestampMs > ts)
      rightAgg = combined;
    if (!rightCreated) this.createRightWindow(key, ts, rightAgg, emit);
    if (previous !== undefined && !starts.has(previous + 1))
      this.update(key, value, previous + 1, this.fresh(ts), ts, closeMs, emit);
    this.update(key, value, 0, combined ?? this.fresh(ts), ts, closeMs, emit);
  }

  /** The new record's right window holds what the window after it holds, without the record. */
  private createRightWindow(
    key: K,
    ts: number,
    rightAgg: Timestamped<A> | undefined,
    emit: Emit<K, A>,
  ): void {
    if (rightAgg === undefined || rightAgg.timestampMs <= ts) return;
    const start = ts + 1;
    this.store.put(key, rightAgg, start);
    const window = { startMs: start, endMs: start + this.d };
    emit({ key: { key, window }, value: rightAgg.value, timestampMs: rightAgg.timestampMs });
  }

  private fresh(ts: number): Timestamped<A> {
    return { value: this.aggregation.initializer(), timestampMs: ts };
  }

  private update(
    key: K,
    value: V,
    start: number,
    base: Timestamped<A>,
    ts: number,
    closeMs: number,
    emit: Emit<K, A>,
  ): void {
    const end = start + this.d;
    if (end < closeMs) return; // this window closed; the record still counts in later ones
    const aggregate = this.aggregation.aggregator(key, value, base.value);
    const timestampMs = Math.max(ts, base.timestampMs);
    this.store.put(key, { value: aggregate, timestampMs }, start);
    emit({ key: { key, window: { startMs: start, endMs: end } }, value: aggregate, timestampMs });
  }
}
