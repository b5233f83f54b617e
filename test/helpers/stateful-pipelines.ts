/**
 * The stateful pipeline of the state-store tests: a count per key, materialized in the store
 * `counts` (changelog `<application.id>-counts-changelog`), its updates written to `output`.
 */
import type { Producer } from '../../core/index.js';
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import type { ProcessorContext } from '../../streams/runtime/processor.js';
import type { Topology } from '../../streams/runtime/topology.js';
import { Serdes } from '../../streams/serde/index.js';
import { Stores, type KeyValueStore } from '../../streams/state/index.js';

export const COUNT_STORE = 'counts';

/** Counts the records of `input` per key into store `counts`; every update goes to `output`. */
export function countTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ name: COUNT_STORE })
    .toStream()
    .to(output, { key: Serdes.string(), value: Serdes.nullable(Serdes.int64()) });
  return b.build();
}

/** The last value of each key in records of `output` (its latest count). */
export function latestCounts(
  records: readonly { key: Buffer | null; value: Buffer | null }[],
): Map<string, number> {
  const latest = new Map<string, number>();
  for (const r of records) {
    if (r.key === null || r.value === null) continue;
    latest.set(r.key.toString(), Number(r.value.readBigInt64BE(0)));
  }
  return latest;
}

/** How {@link storeCountTopology} materializes its count. */
export interface CountStoreOptions {
  /** A persistent (LMDB) store instead of an in-memory one. */
  readonly persistent?: boolean;
  /** Cache the store's writes in the app's record cache. */
  readonly caching?: boolean;
}

/**
 * The count per key of {@link countTopology}, written with the Processor API so the store can be
 * persistent and cached: the processor reads and writes store `counts` and forwards each new
 * count.
 */
export function storeCountTopology(
  input: string,
  output: string,
  options: CountStoreOptions = {},
): Topology {
  const b = new StreamsBuilder();
  const builder = Stores.keyValueStoreBuilder<string, number>(
    options.persistent === true
      ? Stores.persistentKeyValueStore(COUNT_STORE)
      : Stores.inMemoryKeyValueStore(COUNT_STORE),
    Serdes.string(),
    Serdes.int64(),
  );
  if (options.caching === true) builder.withCachingEnabled();
  b.addStateStore(builder);
  b.stream(input, { key: Serdes.string(), value: Serdes.string() })
    .process<string, number>(
      () => {
        let ctx: ProcessorContext<string, number> | undefined;
        let store: KeyValueStore<string, number> | undefined;
        return {
          init(c) {
            ctx = c;
            store = c.getStateStore<KeyValueStore<string, number>>(COUNT_STORE);
          },
          process(r) {
            if (store === undefined || ctx === undefined) return;
            const next = (store.get(r.key) ?? 0) + 1;
            store.put(r.key, next);
            ctx.forward({ ...r, value: next });
          },
        };
      },
      { stores: [COUNT_STORE] },
    )
    .to(output, { key: Serdes.string(), value: Serdes.int64() });
  return b.build();
}

/** Sends `n` records over `keys` keys (`k0`..), round-robin, adding them to `truth`. */
export async function sendKeys(
  producer: Producer,
  topic: string,
  n: number,
  keys: number,
  truth: Map<string, number>,
): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const key = `k${i % keys}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    sends.push(producer.send({ topic, key, value: `v${i}` }));
  }
  await Promise.all(sends);
}
