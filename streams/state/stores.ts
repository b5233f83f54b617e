/**
 * Store builders (Kafka Streams' `Stores`): a supplier makes the byte store (in memory, or
 * persistent on LMDB), the builder stacks the changelogging layer (unless logging is disabled),
 * the caching layer (when caching is enabled and the runner has a record cache) and the typed
 * layer on it, for each task that uses the store.
 */
import type { Serde } from '../serde/index.js';

import {
  ChangeLoggingKeyValueStore,
  ChangeLoggingSessionStore,
  ChangeLoggingWindowStore,
} from './changelogging-stores.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import { CachingSessionStore } from './caching-session-store.js';
import { CachingWindowStore } from './caching-window-store.js';
import { duplicateSequencerOf } from './duplicate-sequencer.js';
import { InMemoryKeyValueBytesStore } from './in-memory-key-value-store.js';
import { InMemorySessionBytesStore } from './in-memory-session-store.js';
import {
  checkWindowSpec,
  InMemoryWindowBytesStore,
  type WindowStoreSpec,
} from './in-memory-window-store.js';
import { openLmdbBytesDb } from './lmdb-bytes-db.js';
import { LmdbDuplicatesWindowBytesStore } from './lmdb-duplicates-window-store.js';
import { LmdbKeyValueBytesStore } from './lmdb-key-value-store.js';
import { LmdbSessionBytesStore } from './lmdb-session-store.js';
import { LmdbWindowBytesStore } from './lmdb-window-store.js';
import type { RecordCache } from './record-cache.js';
import { storeDirectory } from './state-directory.js';
import type { KeyValueStore, SessionStore, StateStore, WindowStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import type { BuiltStore, ChangelogWriter, StoreContext } from './store-context.js';
import { parseSessionKey, parseWindowKey } from './store-keys.js';
import { TypedKeyValueStore, TypedSessionStore, TypedWindowStore } from './typed-stores.js';

/** Kafka Streams' `windowstore.changelog.additional.retention.ms` default: one day. */
export const CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000;

/**
 * Makes the byte store of a key-value store, once per task.
 *
 * @example
 * ```ts
 * const supplier = Stores.inMemoryKeyValueStore('counts');
 * ```
 */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  get(ctx: StoreContext): KeyValueStore<Buffer, Buffer>;
}

/**
 * Makes the byte store of a window store, once per task.
 *
 * @example
 * ```ts
 * const supplier = Stores.inMemoryWindowStore('clicks', { windowSizeMs: 60_000, retentionMs: 3_600_000 });
 * ```
 */
export interface WindowBytesStoreSupplier extends WindowStoreSpec {
  readonly name: string;
  get(ctx: StoreContext): WindowStore<Buffer, Buffer>;
}

/**
 * Makes the byte store of a session store, once per task.
 *
 * @example
 * ```ts
 * const supplier = Stores.inMemorySessionStore('sessions', 3_600_000);
 * ```
 */
export interface SessionBytesStoreSupplier {
  readonly name: string;
  readonly retentionMs: number;
  get(ctx: StoreContext): SessionStore<Buffer, Buffer>;
}

/** A byte store that keeps a checkpoint (a persistent one). */
interface Checkpointed {
  checkpointOffset(): number | undefined;
  checkpoint(offset: number): void;
}

function checkpointedOf(store: object): Checkpointed | undefined {
  return 'checkpointOffset' in store && 'checkpoint' in store ? (store as Checkpointed) : undefined;
}

/** A byte store that can drop its local data (a persistent one). */
function wipeableOf(store: object): { wipe(): void } | undefined {
  return 'wipe' in store && typeof store.wipe === 'function'
    ? (store as { wipe(): void })
    : undefined;
}

/**
 * What a topology holds for each store: how to make it per task and how its changelog is
 * configured.
 *
 * @example
 * ```ts
 * const builder: StoreBuilder<KeyValueStore<string, number>> =
 *   Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.long()).withLoggingDisabled();
 * ```
 */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly kind: 'key-value' | 'window' | 'session';
  readonly loggingEnabled: boolean;
  /**
   * Whether the store keeps its writes in the app's record cache between commits (see
   * {@link CachingStoreBuilder}); absent means no.
   */
  readonly cachingEnabled?: boolean;
  /** Configs of the changelog topic (Kafka names), defaults included. */
  changelogConfigs(): Readonly<Record<string, string>>;
  /** Keeps a changelog (the default), with extra topic configs. */
  withLoggingEnabled(configs?: Readonly<Record<string, string>>): this;
  /** No changelog: the store starts empty whenever its task is created. */
  withLoggingDisabled(): this;
  /** Makes the store for one task. */
  build(ctx: StoreContext): BuiltStore<S>;
}

/**
 * A store builder whose stores can be cached (key-value and window stores; Kafka's
 * `withCachingEnabled`). Caching is off unless enabled, as for Kafka's `Stores` builders; it
 * takes effect where the runner has a record cache (`statestore.cache.max.bytes` > 0; the
 * TestDriver has none unless configured).
 *
 * @example
 * ```ts
 * const counts = Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.int64()).withCachingEnabled();
 * ```
 */
export interface CachingStoreBuilder<S extends StateStore = StateStore> extends StoreBuilder<S> {
  readonly cachingEnabled: boolean;
  /** Keeps writes in the record cache between commits: one changelog record per key per commit. */
  withCachingEnabled(): this;
  /** Writes every update through (the default). */
  withCachingDisabled(): this;
}

/** The record cache and the name of the store's part of it. */
interface CacheSlot {
  readonly cache: RecordCache;
  readonly name: string;
  readonly scope: ((flush: () => void) => void) | undefined;
}

/** What differs between the kinds of store: the byte store, the layers on it, restoring a record. */
interface StoreLayers<S extends StateStore, B> {
  readonly kind: StoreBuilder['kind'];
  readonly name: string;
  readonly configs: Readonly<Record<string, string>>;
  bytes(ctx: StoreContext): B;
  /**
   * The changelogging layer (when `log` is set), the caching layer (when `cache` is set) and the
   * typed layer over `bytes`.
   */
  wrap(
    bytes: B,
    log: ChangelogWriter | undefined,
    serdes: StoreSerdes,
    topic: string,
    cache: CacheSlot | undefined,
  ): S;
  restore(bytes: B, key: Buffer, value: Buffer | null): void;
}

interface StoreSerdes {
  readonly key: Serde<unknown>;
  readonly value: Serde<unknown>;
}

class LayeredStoreBuilder<
  S extends StateStore,
  B extends object,
> implements CachingStoreBuilder<S> {
  private logging = true;
  private caching = false;
  private logConfig: Readonly<Record<string, string>> = {};

  constructor(
    private readonly layers: StoreLayers<S, B>,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
  ) {}

  get name(): string {
    return this.layers.name;
  }

  get kind(): StoreBuilder['kind'] {
    return this.layers.kind;
  }

  get loggingEnabled(): boolean {
    return this.logging;
  }

  withLoggingEnabled(configs: Readonly<Record<string, string>> = {}): this {
    this.logging = true;
    this.logConfig = { ...configs };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    return this;
  }

  get cachingEnabled(): boolean {
    return this.caching;
  }

  withCachingEnabled(): this {
    this.caching = true;
    return this;
  }

  withCachingDisabled(): this {
    this.caching = false;
    return this;
  }

  changelogConfigs(): Readonly<Record<string, string>> {
    return { ...this.layers.configs, ...this.logConfig };
  }

  build(ctx: StoreContext): BuiltStore<S> {
    const layers = this.layers;
    const bytes = layers.bytes(ctx);
    const key = this.keySerde ?? ctx.defaultKeySerde;
    const value = this.valueSerde ?? ctx.defaultValueSerde;
    if (key === undefined || value === undefined)
      throw new StateStoreError(
        `store ${this.name}: no ${key === undefined ? 'key' : 'value'} serde given and no default set`,
        { store: this.name },
      );
    const log = this.logging ? ctx.changelog : undefined;
    const cache =
      this.caching && ctx.cache !== undefined
        ? { cache: ctx.cache, name: `${ctx.taskName}/${this.name}`, scope: ctx.cacheFlushScope }
        : undefined;
    const store = layers.wrap(bytes, log, { key, value }, ctx.changelogTopic, cache);
    const checkpointed = checkpointedOf(bytes);
    const wipeable = wipeableOf(bytes);
    return {
      store,
      restore: (records) => {
        for (const r of records) if (r.key !== null) layers.restore(bytes, r.key, r.value);
      },
      checkpointOffset: () => checkpointed?.checkpointOffset(),
      checkpoint: (offset) => {
        checkpointed?.checkpoint(offset);
      },
      wipe: () => {
        wipeable?.wipe();
      },
    };
  }
}

function windowedConfigs(retentionMs: number): Readonly<Record<string, string>> {
  return {
    'cleanup.policy': 'compact,delete',
    'retention.ms': String(retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS),
  };
}

function keyValueLayers<K, V>(
  supplier: KeyValueBytesStoreSupplier,
): StoreLayers<KeyValueStore<K, V>, KeyValueStore<Buffer, Buffer>> {
  return {
    kind: 'key-value',
    name: supplier.name,
    configs: { 'cleanup.policy': 'compact' },
    bytes: (ctx) => supplier.get(ctx),
    wrap: (bytes, log, serdes, topic, cache) => {
      const logged = log === undefined ? bytes : new ChangeLoggingKeyValueStore(bytes, log);
      return new TypedKeyValueStore(
        cache === undefined
          ? logged
          : new CachingKeyValueStore(logged, cache.cache, cache.name, cache.scope),
        serdes.key as Serde<K>,
        serdes.value as Serde<V>,
        topic,
      );
    },
    restore: (bytes, key, value) => {
      bytes.put(key, value);
    },
  };
}

function windowLayers<K, V>(
  supplier: WindowBytesStoreSupplier,
): StoreLayers<WindowStore<K, V>, WindowStore<Buffer, Buffer>> {
  return {
    kind: 'window',
    name: supplier.name,
    configs: windowedConfigs(supplier.retentionMs),
    bytes: (ctx) => supplier.get(ctx),
    wrap: (bytes, log, serdes, topic, cache) => {
      const logged =
        log === undefined
          ? bytes
          : new ChangeLoggingWindowStore(bytes, log, supplier.retainDuplicates);
      // A store retaining duplicates makes every put a new entry: nothing to de-duplicate.
      const cached =
        cache === undefined || supplier.retainDuplicates
          ? logged
          : new CachingWindowStore(logged, cache.cache, cache.name, cache.scope);
      return new TypedWindowStore(cached, serdes.key as Serde<K>, serdes.value as Serde<V>, topic);
    },
    restore: (bytes, key, value) => {
      const k = parseWindowKey(key, supplier.name);
      const sequencer = supplier.retainDuplicates ? duplicateSequencerOf(bytes) : undefined;
      if (sequencer !== undefined && value !== null)
        sequencer.putDuplicate(k.key, value, k.windowStartMs, k.seq);
      else bytes.put(k.key, value, k.windowStartMs);
    },
  };
}

function sessionLayers<K, V>(
  supplier: SessionBytesStoreSupplier,
): StoreLayers<SessionStore<K, V>, SessionStore<Buffer, Buffer>> {
  return {
    kind: 'session',
    name: supplier.name,
    configs: windowedConfigs(supplier.retentionMs),
    bytes: (ctx) => supplier.get(ctx),
    wrap: (bytes, log, serdes, topic, cache) => {
      const logged = log === undefined ? bytes : new ChangeLoggingSessionStore(bytes, log);
      const cached =
        cache === undefined
          ? logged
          : new CachingSessionStore(logged, cache.cache, cache.name, cache.scope);
      return new TypedSessionStore(cached, serdes.key as Serde<K>, serdes.value as Serde<V>, topic);
    },
    restore: (bytes, key, value) => {
      const k = parseSessionKey(key, supplier.name);
      bytes.put({ key: k.key, startMs: k.startMs, endMs: k.endMs }, value);
    },
  };
}

/** Opens the LMDB files of store `name` of the task `ctx` is for. */
function openDb(ctx: StoreContext, name: string): ReturnType<typeof openLmdbBytesDb> {
  ctx.claimTaskDirectory?.();
  return openLmdbBytesDb(storeDirectory(ctx.stateDir, ctx.applicationId, ctx.taskName, name), name);
}

/**
 * Options of {@link Stores.inMemoryWindowStore} and {@link Stores.persistentWindowStore}.
 *
 * @example
 * ```ts
 * const options: WindowStoreOptions = { windowSizeMs: 60_000, retentionMs: 86_400_000 };
 * ```
 */
export interface WindowStoreOptions {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  /** Default false. */
  readonly retainDuplicates?: boolean;
}

/**
 * Factories of store suppliers and builders.
 *
 * @example
 * ```ts
 * const counts = Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.long());
 * topology.addStateStore(counts, 'count-words');
 * // in the processor: ctx.getStateStore<KeyValueStore<string, number>>('counts')
 * ```
 */
export const Stores = {
  /** An in-memory key-value byte store. */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, get: () => new InMemoryKeyValueBytesStore(name) };
  },

  /** An in-memory window byte store. */
  inMemoryWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    const spec = { ...options, retainDuplicates: options.retainDuplicates ?? false };
    checkWindowSpec(name, spec);
    return { name, ...spec, get: () => new InMemoryWindowBytesStore(name, spec) };
  },

  /** An in-memory session byte store keeping sessions `retentionMs` after they end. */
  inMemorySessionStore(name: string, retentionMs: number): SessionBytesStoreSupplier {
    return { name, retentionMs, get: () => new InMemorySessionBytesStore(name, retentionMs) };
  },

  /**
   * A persistent key-value byte store: LMDB files under
   * `<state.dir>/<application.id>/<task>/<name>`; after a restart its task restores only the
   * changelog past the task's checkpoint.
   */
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return {
      name,
      get: (ctx) => new LmdbKeyValueBytesStore(name, openDb(ctx, name)),
    };
  },

  /**
   * A persistent window byte store. With `retainDuplicates` (stream–stream join buffers) every
   * put is a new entry, keyed `[key][start][seq]` as Kafka's RocksDB store keys it.
   */
  persistentWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    const spec = { ...options, retainDuplicates: options.retainDuplicates ?? false };
    checkWindowSpec(name, spec);
    return {
      name,
      ...spec,
      get: (ctx) =>
        spec.retainDuplicates
          ? new LmdbDuplicatesWindowBytesStore(name, spec, openDb(ctx, name))
          : new LmdbWindowBytesStore(name, spec, openDb(ctx, name)),
    };
  },

  /** A persistent session byte store keeping sessions `retentionMs` after they end. */
  persistentSessionStore(name: string, retentionMs: number): SessionBytesStoreSupplier {
    return {
      name,
      retentionMs,
      get: (ctx) => new LmdbSessionBytesStore(name, retentionMs, openDb(ctx, name)),
    };
  },

  /** A key-value store builder; a name alone means an in-memory store. Serdes default to the runner's. */
  keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier | string,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): CachingStoreBuilder<KeyValueStore<K, V>> {
    const s = typeof supplier === 'string' ? Stores.inMemoryKeyValueStore(supplier) : supplier;
    return new LayeredStoreBuilder(keyValueLayers<K, V>(s), keySerde, valueSerde);
  },

  /** A window store builder. */
  windowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): CachingStoreBuilder<WindowStore<K, V>> {
    return new LayeredStoreBuilder(windowLayers<K, V>(supplier), keySerde, valueSerde);
  },

  /** A session store builder. */
  sessionStoreBuilder<K, V>(
    supplier: SessionBytesStoreSupplier,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
  ): CachingStoreBuilder<SessionStore<K, V>> {
    return new LayeredStoreBuilder(sessionLayers<K, V>(supplier), keySerde, valueSerde);
  },
} as const;
