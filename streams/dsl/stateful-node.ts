/**
 * Adds a stateful processor node with its key-value store, named as Kafka Streams names them:
 * the store's name is the user's, or generated (and then the topology warns, since a generated
 * name shifts whenever an operator is added upstream, and the state of the old name is lost).
 */
import type { Serde } from '../serde/index.js';
import type { NodeFactory } from '../runtime/node-context.js';
import { Stores, type KeyValueStore, type StoreBuilder } from '../state/index.js';

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

/** A key-value store builder for `options`. */
export function keyValueStoreOf<K, V>(
  store: string,
  options: Materialized<K, V>,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): StoreBuilder<KeyValueStore<K, V>> {
  const builder = Stores.keyValueStoreBuilder(
    store,
    options.key ?? keySerde,
    options.value ?? valueSerde,
  );
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
