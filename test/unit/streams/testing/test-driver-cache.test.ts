import { describe, expect, it } from 'vitest';

import {
  Serdes,
  Stores,
  StreamsBuilder,
  TestDriver,
  type KeyValueStore,
  type ProcessorContext,
} from '../../../../streams/index.js';

/** Each input updates its key's store entry twice (+1 then +1 again) and forwards the total. */
function doubleCount(): StreamsBuilder {
  const b = new StreamsBuilder();
  b.addStateStore(
    Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.int64()).withCachingEnabled(),
  );
  b.stream('in', { key: Serdes.string(), value: Serdes.string() })
    .process<string, number>(
      () => {
        let ctx: ProcessorContext<string, number> | undefined;
        let store: KeyValueStore<string, number> | undefined;
        return {
          init(c) {
            ctx = c;
            store = c.getStateStore<KeyValueStore<string, number>>('counts');
          },
          process(r) {
            if (store === undefined) return;
            store.put(r.key, (store.get(r.key) ?? 0) + 1);
            const total = (store.get(r.key) ?? 0) + 1;
            store.put(r.key, total);
            ctx?.forward({ ...r, value: total });
          },
        };
      },
      { stores: ['counts'] },
    )
    .to('out', { key: Serdes.string(), value: Serdes.int64() });
  return b;
}

function changelogOf(driver: TestDriver): [string, number][] {
  return driver
    .createOutputTopic('test-driver-counts-changelog', Serdes.string(), Serdes.int64())
    .readKeyValuesToList()
    .map(([k, v]) => [k, v]);
}

describe('TestDriver and the record cache', () => {
  it('has no cache by default: every store update reaches the changelog', () => {
    const driver = new TestDriver(doubleCount().build());
    driver.createInputTopic('in', Serdes.string(), Serdes.string()).pipeInput('a', 'x');
    expect(changelogOf(driver)).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    driver.close();
  });

  it('with cacheMaxBytes, commits after every input: one changelog record per key per input', () => {
    const driver = new TestDriver(doubleCount().build(), { cacheMaxBytes: 1 << 20 });
    const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
    input.pipeInput('a', 'x');
    input.pipeInput('b', 'x');
    input.pipeInput('a', 'x');
    expect(changelogOf(driver)).toEqual([
      ['a', 2],
      ['b', 2],
      ['a', 4],
    ]);
    // the store survives a rebalance (restored from the changelog the cache wrote)
    driver.simulateRebalance();
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(4);
    driver.close();
  });
});
