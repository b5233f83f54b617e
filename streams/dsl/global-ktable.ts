/**
 * `GlobalKTable<K, V>`: a table every app instance holds whole (all partitions of its topic),
 * filled before any task processes and kept up to date, joined by a key derived from each
 * stream record (`stream.join(globalTable, keySelector, joiner)`), so neither side is
 * repartitioned and the topics need not be co-partitioned.
 */
import { addGlobalTable } from '../runtime/global-tables.js';
import type { Topology } from '../runtime/topology.js';
import type { Serde } from '../serde/index.js';

/**
 * Serdes and store name of a global table.
 *
 * @example
 * ```ts
 * const options: GlobalTableOptions<string, Product> = { name: 'products', key: Serdes.string(), value: productSerde };
 * ```
 */
export interface GlobalTableOptions<K, V> {
  /** The store's name; default `<topic>-global`. */
  readonly name?: string;
  readonly key?: Serde<K>;
  readonly value?: Serde<V>;
}

/**
 * A global table.
 *
 * @example
 * ```ts
 * const products = builder.globalTable('products', { key: Serdes.string(), value: productSerde });
 * orders.leftJoin(products, (orderId, o) => o.productId, (o, p) => ({ ...o, product: p?.name ?? null }));
 * ```
 */
export class GlobalKTable<K, V> {
  /** @internal */
  constructor(
    /** The store holding the table. */
    readonly storeName: string,
    /** The topic it reads. */
    readonly topic: string,
    /** Brands the key and value types. @internal */
    readonly types?: { readonly key: K; readonly value: V },
  ) {}
}

/**
 * Adds a global table reading `topic` to `topology`: what `StreamsBuilder.globalTable` does.
 * @internal
 */
export function addGlobalKTable<K, V>(
  topology: Topology,
  topic: string,
  options: GlobalTableOptions<K, V>,
): GlobalKTable<K, V> {
  const name = options.name ?? `${topic}-global`;
  addGlobalTable(topology, {
    name,
    topic,
    keySerde: options.key,
    valueSerde: options.value,
  });
  return new GlobalKTable<K, V>(name, topic);
}
