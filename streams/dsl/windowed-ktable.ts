/**
 * The result of a windowed aggregation: a `KTable<Windowed<K>, V>` that also knows its windows'
 * grace, so it can be suppressed until its windows close (one final result per window).
 */
import { Serdes, type Serde } from '../serde/index.js';
import { Stores } from '../state/index.js';
import { changeSerde, type Change } from '../operators/table/change.js';
import { jsonEnvelopeSerde } from '../operators/windows/buffer-record-serde.js';
import { suppressNode, type SuppressEntry } from '../operators/windows/suppress-node.js';
import type { Suppressed } from '../operators/windows/suppressed.js';
import type { Windowed } from '../state/index.js';

import type { BuilderContext } from './builder-context.js';
import { KTable } from './ktable.js';
import { keyIdentity } from './late-records-sink.js';
import type { StreamState } from './stream-state.js';

/** How the windows of a windowed table close. */
export interface WindowClosing {
  /** How long after its end a window may still change: grace (plus the gap, for sessions). */
  readonly graceMs: number;
  /** Sliding and session windows include their end; time windows do not. */
  readonly inclusiveEnd: boolean;
}

function sizeOf(serde: Serde<unknown> | undefined, value: unknown): number {
  if (value === null || value === undefined) return 0;
  const ctx = { topic: 'suppress' };
  if (serde !== undefined) return serde.serialize(value, ctx)?.length ?? 0;
  // JSON.stringify gives undefined for functions and symbols, whatever its declared type says.
  const json = JSON.stringify(value) as string | undefined;
  return json?.length ?? 0;
}

/**
 * A windowed table: windowed keys, one row per window.
 *
 * @example
 * ```ts
 * const perMinute = clicks
 *   .groupByKey()
 *   .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000))
 *   .count({ name: 'clicks-per-minute' })
 *   .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
 * ```
 */
export class WindowedKTable<K, V> extends KTable<Windowed<K>, V> {
  /** @internal */
  constructor(
    ctx: BuilderContext,
    state: StreamState<Windowed<K>, V>,
    queryableStoreName: string | undefined,
    private readonly closing: WindowClosing,
    private readonly innerKeySerde: Serde<K> | undefined,
  ) {
    super(ctx, state, queryableStoreName);
  }

  /**
   * Holds back updates: `Suppressed.untilWindowCloses` emits exactly one final result per
   * window once stream time passes its end plus grace (so only when later records arrive);
   * `Suppressed.untilTimeLimit` emits a window's latest value a time after its first update.
   */
  suppress(suppressed: Suppressed): WindowedKTable<K, V> {
    const { ctx, state } = this.internals;
    const name = suppressed.name ?? ctx.newName('KTABLE-SUPPRESS-');
    const keySerde = this.innerKeySerde;
    const valueSerde = state.valueSerde as Serde<unknown> | undefined;
    // The buffer is a store with a changelog, so a moved or restarted task loses nothing.
    const storeName = `${name}-store`;
    ctx.topology.addStateStore(
      Stores.keyValueStoreBuilder(
        storeName,
        Serdes.string(),
        jsonEnvelopeSerde<SuppressEntry>('suppress-entry'),
      ),
    );
    ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [state.node],
      stores: [storeName],
      create: suppressNode({
        storeName,
        ...(state.keySerde === undefined ? {} : { keySerde: state.keySerde }),
        ...(valueSerde === undefined ? {} : { valueSerde: changeSerde(valueSerde) }),
        suppressed,
        window: this.closing,
        keyId: keyIdentity(keySerde as Serde<unknown> | undefined),
        sizeOf: (key, value) =>
          sizeOf(keySerde, (key as Windowed<K>).key) +
          16 +
          sizeOf(valueSerde, (value as Change<unknown>).newValue),
        isTombstone: (value) => (value as Change<unknown>).newValue === null,
      }),
    });
    return new WindowedKTable(
      ctx,
      { ...state, node: name },
      undefined,
      this.closing,
      this.innerKeySerde,
    );
  }
}
