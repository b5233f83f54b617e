/**
 * Where the DSL keeps a store's bytes (Kafka Streams' `default.dsl.store`): chosen by the
 * operator (`storeType`), else by the builder's option, else by the app's config. An app's
 * config is known only when the app starts, after the topology is built, so a store the DSL
 * left to the app's default decides in which byte store it lives when its task makes it.
 */
import type { StoreContext } from './store-context.js';

/**
 * `in-memory` (the default) or `persistent` (LMDB files under `state.dir`, restored from the
 * task's checkpoint after a restart).
 *
 * @example
 * ```ts
 * grouped.count({ name: 'counts', storeType: 'persistent' });
 * ```
 */
export type DslStoreType = 'in-memory' | 'persistent';

/**
 * The values `default.dsl.store` accepts: fjord's, and Kafka's spellings (`in_memory`, and
 * `rocksDB`, whose role LMDB plays here).
 *
 * @example
 * ```ts
 * const config: DslStoreConfig = 'rocksDB'; // persistent
 * ```
 */
export type DslStoreConfig = DslStoreType | 'in_memory' | 'rocksDB';

const ACCEPTED: Readonly<Record<DslStoreConfig, DslStoreType>> = {
  'in-memory': 'in-memory',
  in_memory: 'in-memory',
  persistent: 'persistent',
  rocksDB: 'persistent',
};

/** What the error for a bad `default.dsl.store` lists. */
export const DSL_STORE_VALUES: readonly string[] = Object.keys(ACCEPTED);

/**
 * The store type a `default.dsl.store` value names; undefined for any other value (the caller
 * throws its own error: a `TopologyError` from the builder, a `ConfigError` from the app).
 *
 * @example
 * ```ts
 * dslStoreTypeOf('in_memory'); // 'in-memory'
 * ```
 */
export function dslStoreTypeOf(value: unknown): DslStoreType | undefined {
  return typeof value === 'string' && Object.hasOwn(ACCEPTED, value)
    ? ACCEPTED[value as DslStoreConfig]
    : undefined;
}

/**
 * The byte store supplier of `type`; with no type, one that picks at `get` time from the
 * runner's `default.dsl.store` (`ctx.defaultDslStore`, in memory when unset). The two
 * suppliers describe the same store (name, window spec), so the chosen one's fields serve.
 *
 * @example
 * ```ts
 * const supplier = dslStoreSupplier(undefined, Stores.inMemoryKeyValueStore('c'), Stores.persistentKeyValueStore('c'));
 * ```
 */
export function dslStoreSupplier<S extends { get(ctx: StoreContext): unknown }>(
  type: DslStoreType | undefined,
  inMemory: S,
  persistent: S,
): S {
  if (type !== undefined) return type === 'persistent' ? persistent : inMemory;
  return {
    ...inMemory,
    get: (ctx: StoreContext) =>
      (ctx.defaultDslStore === 'persistent' ? persistent : inMemory).get(ctx),
  };
}
