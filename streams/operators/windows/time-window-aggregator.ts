/**
 * The windowed aggregation over tumbling and hopping windows (Kafka Streams'
 * KStreamWindowAggregate): a record updates each window it falls in that is still open at the
 * task's stream time; a record all of whose windows are closed is late.
 */
import type { WindowStore } from '../../state/state-store.js';

import type { TimeWindows } from './time-windows.js';
import type { Timestamped } from './timestamped.js';
import type { Aggregation, WindowUpdate } from './window-update.js';

/**
 * Aggregates records into the time windows they fall in.
 *
 * @example
 * ```ts
 * const agg = new TimeWindowAggregator(TimeWindows.ofSizeWithNoGrace(60_000), store, count);
 * const accepted = agg.process('user-1', click, 61_000, streamTimeMs, (u) => forward(u));
 * ```
 */
export class TimeWindowAggregator<K, V, A> {
  constructor(
    private readonly windows: TimeWindows,
    private readonly store: WindowStore<K, Timestamped<A>>,
    private readonly aggregation: Aggregation<K, V, A>,
  ) {}

  /** Updates the open windows of the record; false when every window of it is closed (late). */
  process(
    key: K,
    value: V,
    timestampMs: number,
    streamTimeMs: number,
    emit: (update: WindowUpdate<K, A>) => void,
  ): boolean {
    let accepted = false;
    for (const window of this.windows.windowsFor(timestampMs)) {
      if (this.windows.isClosed(window, streamTimeMs)) continue;
      accepted = true;
      const old = this.store.fetch(key, window.startMs);
      const aggregate = this.aggregation.aggregator(
        key,
        value,
        old === undefined ? this.aggregation.initializer() : old.value,
      );
      const ts = old === undefined ? timestampMs : Math.max(old.timestampMs, timestampMs);
      this.store.put(key, { value: aggregate, timestampMs: ts }, window.startMs);
      emit({ key: { key, window }, value: aggregate, timestampMs: ts });
    }
    return accepted;
  }
}
