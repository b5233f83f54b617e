/**
 * Global tables (Kafka Streams' `GlobalKTable`): a table every instance holds whole — all
 * partitions of its topic — so a stream can join it by any key without co-partitioning. The
 * topology lists them here (a registry per topology, like `droppedRecordsOf`); a runner makes one
 * {@link GlobalStores} for them, fills it from the topics before any task processes, keeps it
 * updated, and hands it to tasks through their environment.
 */
import { ConfigError, type ConsumerRecord } from '../../core/index.js';
import type { Serde } from '../serde/index.js';
import {
  InMemoryKeyValueBytesStore,
  TypedKeyValueStore,
  type ReadOnlyKeyValueStore,
} from '../state/index.js';

/**
 * A global table of a topology: its store name, topic and serdes.
 *
 * @example
 * ```ts
 * const spec: GlobalTableSpec = { name: 'products', topic: 'products', keySerde: Serdes.string(), valueSerde: productSerde };
 * ```
 */
export interface GlobalTableSpec {
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

const registry = new WeakMap<object, GlobalTableSpec[]>();

/** The global tables of `topology` (none unless the DSL added some). */
export function globalTablesOf(topology: object): readonly GlobalTableSpec[] {
  return registry.get(topology) ?? [];
}

/** Adds a global table to `topology`; names and topics must be unique. */
export function addGlobalTable(topology: object, spec: GlobalTableSpec): void {
  const list = registry.get(topology) ?? [];
  if (list.some((s) => s.name === spec.name || s.topic === spec.topic))
    throw new ConfigError(`global table ${spec.name} (topic ${spec.topic}) is already added`);
  registry.set(topology, [...list, spec]);
}

/**
 * A runner's global tables: one whole in-memory store per table.
 *
 * @example
 * ```ts
 * const globals = new GlobalStores(globalTablesOf(topology), defaults);
 * globals.apply(consumerRecord); // a record of a global topic
 * globals.get('products').get('p-1');
 * ```
 */
export class GlobalStores {
  private readonly byTopic = new Map<string, InMemoryKeyValueBytesStore>();
  private readonly byName = new Map<string, ReadOnlyKeyValueStore<unknown, unknown>>();

  constructor(
    specs: readonly GlobalTableSpec[],
    defaults: { readonly key?: Serde<unknown>; readonly value?: Serde<unknown> },
  ) {
    for (const spec of specs) {
      const key = spec.keySerde ?? defaults.key;
      const value = spec.valueSerde ?? defaults.value;
      if (key === undefined || value === undefined)
        throw new ConfigError(
          `global table ${spec.name}: no ${key === undefined ? 'key' : 'value'} serde given and no default set`,
        );
      const bytes = new InMemoryKeyValueBytesStore(spec.name);
      this.byTopic.set(spec.topic, bytes);
      this.byName.set(spec.name, new TypedKeyValueStore(bytes, key, value, spec.topic));
    }
  }

  /** The topics of the global tables. */
  get topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** The store of global table `name`; a ConfigError when there is none. */
  get(name: string): ReadOnlyKeyValueStore<unknown, unknown> {
    const store = this.byName.get(name);
    if (store === undefined) throw new ConfigError(`no global table ${name}`);
    return store;
  }

  /** Applies a record of a global topic: upserts its key, or deletes it (a null value). */
  apply(record: ConsumerRecord): void {
    const store = this.byTopic.get(record.topic);
    if (store === undefined || record.key === null) return;
    store.put(record.key, record.value);
  }
}
