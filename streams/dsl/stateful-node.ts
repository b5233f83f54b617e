/**
 * Adds a stateful processor node with its key-value store, named as Kafka Streams names them:
 * the store's name is the user's, or generated (and then the topology warns, since a generated
 * name shifts whenever an operator is added upstream, and the state of the old name is lost).
 */
import type { Serde } from '../serde/index.js';
import type { NodeFactory } from '../runtime/node-context.js';
import { TopologyError } from '../runtime/streams-error.js';
import {
  dslStoreSupplier,
  Stores,
  type KeyValueBytesStoreSupplier,
  type KeyValueStore,
  type StoreBuilder,
} from '../state/index.js';

import type { BuilderContext } from './builder-context.js';
import type { Materialized } from './grouping-options.js';

/** The store name of a stateful operator: the user's, else generated with a warning. */
export function storeNameOf(
  ctx: BuilderContext,
  name: string | undefined,
  prefix: string,
  operator: string,
): string {
  if (name !== undefined) return name;
  const generated = ctx.newName(prefix);
  ctx.warn(
    `${operator} is unnamed: its store and internal topics get the generated name ${generated}, ` +
      'which changes when the topology changes (and the state is then lost); give it a name',
  );
  return generated;
}

/** The store name `options` give: the user's, else the supplier's (undefined: generate one). */
export function materializedName(options: Materialized<unknown, unknown>): string | undefined {
  const { name, supplier } = options;
  if (name !== undefined && supplier !== undefined && supplier.name !== name)
    throw new TopologyError(
      `a store named ${name} cannot use the supplier of store ${supplier.name}: give one name`,
    );
  return name ?? supplier?.name;
}

/** The byte store of a DSL key-value store: the given supplier, else the chosen store type. */
function keyValueSupplierOf(
  ctx: BuilderContext,
  store: string,
  options: Materialized<unknown, unknown>,
): KeyValueBytesStoreSupplier {
  if (options.supplier !== undefined) return options.supplier;
  return dslStoreSupplier(
    options.storeType ?? ctx.defaultDslStore,
    Stores.inMemoryKeyValueStore(store),
    Stores.persistentKeyValueStore(store),
  );
}

/**
 * A key-value store builder for `options`: cached unless `caching: false` (the DSL's default, as
 * in Kafka Streams: aggregations and tables forward once per key per commit).
 */
export function keyValueStoreOf<K, V>(
  ctx: BuilderContext,
  store: string,
  options: Materialized<K, V>,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): StoreBuilder<KeyValueStore<K, V>> {
  const builder = Stores.keyValueStoreBuilder(
    keyValueSupplierOf(ctx, store, options as Materialized<unknown, unknown>),
    options.key ?? keySerde,
    options.value ?? valueSerde,
  );
  if (options.caching !== false) builder.withCachingEnabled();
  if (options.logging === false) return builder.withLoggingDisabled();
  return options.logging === undefined ? builder : builder.withLoggingEnabled(options.logging);
}

/** Adds processor `name` under `parents`, connected to `store` (added here). */
export function addStatefulNode(
  ctx: BuilderContext,
  name: string,
  parents: readonly string[],
  store: StoreBuilder,
  create: NodeFactory,
): void {
  ctx.topology.addNode({ kind: 'processor', name, parents, stores: [store.name], create });
  ctx.topology.addStateStore(store);
}
