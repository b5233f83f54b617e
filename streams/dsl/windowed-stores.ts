/**
 * The stores of windowed aggregations: a window store of timestamped aggregates for time and
 * sliding windows, a session store for sessions. The aggregate's serde may be the runner's
 * default, known only when a task builds the store, so the timestamped value serde is made then.
 * Window and session stores are cached unless the operator says `caching: false`; `storeType`
 * `persistent` puts the bytes in LMDB.
 */
import type { Serde } from '../serde/index.js';
import {
  dslStoreSupplier,
  Stores,
  type DslStoreType,
  type BuiltStore,
  type StateStore,
  type StoreBuilder,
  type StoreContext,
} from '../state/index.js';
import { timestampedSerde } from '../operators/windows/timestamped.js';
import type { Windows } from '../operators/windows/windowed-aggregate-node.js';
import { windowRetentionMs } from '../operators/windows/window.js';

/** Store settings of a windowed aggregation. */
export interface WindowedStoreSpec {
  readonly name: string;
  readonly windows: Windows;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly retentionMs: number | undefined;
  readonly logging: false | Readonly<Record<string, string>> | undefined;
  /** Keep updates in the record cache until the commit. */
  readonly caching: boolean;
  /** Undefined: the app's `default.dsl.store`, when a task makes the store. */
  readonly storeType: DslStoreType | undefined;
}

/** The window size a store of `windows` records (a session store has none). */
export function windowSizeOf(windows: Windows): number {
  if (windows.kind === 'time') return windows.sizeMs;
  if (windows.kind === 'sliding') return windows.timeDifferenceMs;
  return windows.inactivityGapMs;
}

function withLogging<S extends StateStore>(
  builder: StoreBuilder<S>,
  logging: WindowedStoreSpec['logging'],
): StoreBuilder<S> {
  if (logging === false) return builder.withLoggingDisabled();
  return logging === undefined ? builder : builder.withLoggingEnabled(logging);
}

/**
 * The store builder of a windowed aggregation.
 *
 * @example
 * ```ts
 * topology.addStateStore(windowedStoreBuilder({ name: 'counts', windows, keySerde, valueSerde: Serdes.int64(), retentionMs: undefined, logging: undefined, caching: true, storeType: 'in-memory' }));
 * ```
 */
export function windowedStoreBuilder(spec: WindowedStoreSpec): StoreBuilder {
  const w = spec.windows;
  const retentionMs = windowRetentionMs(w.minimumRetentionMs, spec.retentionMs);
  if (w.kind === 'session') {
    const builder = Stores.sessionStoreBuilder(
      dslStoreSupplier(
        spec.storeType,
        Stores.inMemorySessionStore(spec.name, Math.max(1, retentionMs)),
        Stores.persistentSessionStore(spec.name, Math.max(1, retentionMs)),
      ),
      spec.keySerde,
      spec.valueSerde,
    );
    return withLogging(spec.caching ? builder.withCachingEnabled() : builder, spec.logging);
  }
  const options = {
    windowSizeMs: windowSizeOf(w),
    retentionMs: Math.max(windowSizeOf(w), retentionMs),
  };
  const supplier = dslStoreSupplier(
    spec.storeType,
    Stores.inMemoryWindowStore(spec.name, options),
    Stores.persistentWindowStore(spec.name, options),
  );
  const make = (value: Serde<unknown> | undefined): StoreBuilder => {
    const builder = Stores.windowStoreBuilder(
      supplier,
      spec.keySerde,
      value === undefined ? undefined : timestampedSerde(value),
    );
    return withLogging(spec.caching ? builder.withCachingEnabled() : builder, spec.logging);
  };
  const known = make(spec.valueSerde);
  if (spec.valueSerde !== undefined) return known;
  // The aggregate's serde is the runner's default: wrap it when a task builds the store.
  return {
    name: spec.name,
    kind: 'window',
    get loggingEnabled() {
      return known.loggingEnabled;
    },
    get cachingEnabled() {
      return known.cachingEnabled === true;
    },
    changelogConfigs: () => known.changelogConfigs(),
    withLoggingEnabled(configs) {
      known.withLoggingEnabled(configs);
      return this;
    },
    withLoggingDisabled() {
      known.withLoggingDisabled();
      return this;
    },
    build(ctx: StoreContext): BuiltStore {
      const value = ctx.defaultValueSerde;
      return (value === undefined ? known : make(value)).build(ctx);
    },
  };
}
