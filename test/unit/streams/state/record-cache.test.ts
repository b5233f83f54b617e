import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  CACHE_ENTRY_OVERHEAD_BYTES,
  CachingKeyValueStore,
  ChangeLoggingKeyValueStore,
  InMemoryKeyValueBytesStore,
  RecordCache,
  StateStoreError,
  Stores,
  type CacheFlushEntry,
  type ChangelogRecord,
  type KeyValueStore,
  type WindowStore,
} from '../../../../streams/state/index.js';
import { Serdes } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const entryBytes = (key: string, value: string): number =>
  key.length + value.length + CACHE_ENTRY_OVERHEAD_BYTES;

/** A caching layer over a logged in-memory store; `log` gets the changelog. */
function cachedStore(cache: RecordCache, log: ChangelogRecord[], name = '0_0/s') {
  const bytes = new InMemoryKeyValueBytesStore('s');
  const logged = new ChangeLoggingKeyValueStore(bytes, {
    write: (key, value) => log.push({ key, value }),
  });
  return { bytes, cached: new CachingKeyValueStore(logged, cache, name) };
}

const logged = (log: readonly ChangelogRecord[]) =>
  log.map((r) => [r.key?.toString('latin1'), r.value === null ? null : r.value.toString('latin1')]);

describe('RecordCache', () => {
  it('flushes each dirty key once, with its latest value, in the order keys were last updated', () => {
    const flushed: CacheFlushEntry[][] = [];
    const cache = new RecordCache(1 << 20);
    const named = cache.namedCache('0_0/s', (dirty) => flushed.push([...dirty]));
    named.put('a', '1');
    named.put('b', '1');
    named.put('a', '2');
    named.put('c', null);
    named.flush();
    expect(flushed).toEqual([
      [
        { key: 'b', value: '1' },
        { key: 'a', value: '2' },
        { key: 'c', value: null },
      ],
    ]);
    // clean entries stay cached (reads hit), flushed deletions leave
    expect(named.get('a')?.value).toBe('2');
    expect(named.get('c')).toBeUndefined();
    named.flush();
    expect(flushed).toHaveLength(1);
    expect(cache.stats).toMatchObject({ flushed: 3, entries: 2 });
  });

  it('evicts the least recently used entry across named caches; a dirty one flushes its store first', () => {
    const flushes: string[] = [];
    // room for exactly three entries of one-char keys and values
    const cache = new RecordCache(3 * entryBytes('k', 'v'));
    const x = cache.namedCache('0_0/x', (d) => flushes.push(`x:${d.map((e) => e.key).join('')}`));
    const y = cache.namedCache('0_1/y', (d) => flushes.push(`y:${d.map((e) => e.key).join('')}`));
    x.put('a', '1');
    y.put('b', '1');
    x.put('c', '1');
    x.get('a'); // a is now more recently used than b
    y.put('d', '1'); // evicts b, the least recently used: y flushes (b and d) first
    expect(flushes).toEqual(['y:bd']);
    expect(y.get('b')).toBeUndefined();
    expect(x.get('a')?.value).toBe('1');
    x.put('e', '1'); // evicts c (x's dirty a, c, e are flushed together)
    expect(flushes).toEqual(['y:bd', 'x:ace']);
    expect(x.get('c')).toBeUndefined();
    expect(cache.stats.evictions).toBe(2);
    expect(cache.stats.bytes).toBeLessThanOrEqual(cache.maxBytes);
  });

  it('keeps its bytes within the bound under any sequence of puts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(20), fc.option(fc.string({ maxLength: 30 }), { nil: null }))),
        fc.integer({ min: 0, max: 2000 }),
        (puts, maxBytes) => {
          const cache = new RecordCache(maxBytes);
          const written = new Map<string, string | null>();
          const named = cache.namedCache('n', (dirty) => {
            for (const e of dirty) written.set(e.key, e.value);
          });
          const truth = new Map<string, string | null>();
          for (const [k, v] of puts) {
            named.put(`k${k}`, v);
            truth.set(`k${k}`, v);
            expect(cache.stats.bytes).toBeLessThanOrEqual(maxBytes);
          }
          named.flush();
          expect(written).toEqual(truth);
        },
      ),
      { seed: fcSeed('record cache bound'), numRuns: 200 },
    );
  });
});

describe('CachingKeyValueStore', () => {
  it('de-duplicates updates of a key between flushes: one changelog record per key', () => {
    const log: ChangelogRecord[] = [];
    const { bytes, cached } = cachedStore(new RecordCache(1 << 20), log);
    for (let i = 1; i <= 100; i++) cached.put(b(`k${i % 3}`), b(String(i)));
    expect(log).toHaveLength(0);
    expect(bytes.approximateNumEntries()).toBe(0);
    expect(cached.get(b('k1'))?.toString()).toBe('100');
    cached.flush();
    expect(logged(log)).toEqual([
      ['k2', '98'],
      ['k0', '99'],
      ['k1', '100'],
    ]);
    expect(bytes.get(b('k1'))?.toString()).toBe('100');
  });

  it('caches a deletion as a tombstone that hides the older stored value until the flush logs it', () => {
    const log: ChangelogRecord[] = [];
    const { bytes, cached } = cachedStore(new RecordCache(1 << 20), log);
    cached.put(b('a'), b('1'));
    cached.flush();
    expect(cached.delete(b('a'))?.toString()).toBe('1');
    expect(cached.get(b('a'))).toBeUndefined();
    expect(bytes.get(b('a'))?.toString()).toBe('1');
    expect([...cached.all()]).toEqual([]);
    cached.flush();
    expect(logged(log)).toEqual([
      ['a', '1'],
      ['a', null],
    ]);
    expect(bytes.get(b('a'))).toBeUndefined();
  });

  it('answers ranges from the cache merged over the store, in key order (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(key, fc.option(fc.constantFrom('1', '2', '3'), { nil: null }), fc.boolean()),
        ),
        fc.option(key, { nil: undefined }),
        fc.option(key, { nil: undefined }),
        (ops, from, to) => {
          const { cached } = cachedStore(new RecordCache(1 << 20), []);
          const model = new Map<string, string>();
          for (const [k, v, flush] of ops) {
            cached.put(b(k), v === null ? null : b(v));
            if (v === null) model.delete(k);
            else model.set(k, v);
            if (flush) cached.flush();
          }
          const want = [...model]
            .filter(([k]) => (from === undefined || k >= from) && (to === undefined || k <= to))
            .sort(([x], [y]) => (x < y ? -1 : 1));
          const got = [
            ...cached.range(
              from === undefined ? undefined : b(from),
              to === undefined ? undefined : b(to),
            ),
          ].map(([k, v]) => [k.toString(), v.toString()]);
          expect(got).toEqual(want);
        },
      ),
      { seed: fcSeed('caching kv range'), numRuns: 300 },
    );
  });

  it('writes an evicted dirty entry through to the changelog, with the rest of its store', () => {
    const log: ChangelogRecord[] = [];
    const { cached } = cachedStore(new RecordCache(2 * entryBytes('k0', '0')), log);
    cached.put(b('k0'), b('0'));
    cached.put(b('k1'), b('1'));
    expect(log).toHaveLength(0);
    cached.put(b('k2'), b('2'));
    expect(logged(log)).toEqual([
      ['k0', '0'],
      ['k1', '1'],
      ['k2', '2'],
    ]);
    expect(cached.get(b('k0'))?.toString()).toBe('0'); // from the store now
  });

  it('tells a flush listener every entry it writes through', () => {
    const heard: [string, string | null][] = [];
    const { cached } = cachedStore(new RecordCache(1 << 20), []);
    cached.setFlushListener((k, v) => heard.push([k.toString(), v?.toString() ?? null]));
    cached.put(b('a'), b('1'));
    cached.put(b('a'), b('2'));
    cached.put(b('b'), null);
    cached.flush();
    expect(heard).toEqual([
      ['a', '2'],
      ['b', null],
    ]);
  });

  it('hands a flush listener the value each write replaces and the context of its last update', () => {
    const heard: [string, string | null, string | null, number | undefined][] = [];
    const { cached } = cachedStore(new RecordCache(1 << 20), []);
    let ts = 0;
    cached.setFlushListener(
      (k, v, { oldValue, context }) =>
        heard.push([
          k.toString(),
          v?.toString() ?? null,
          oldValue?.toString() ?? null,
          context?.timestamp,
        ]),
      { sendOldValues: true, recordContext: () => ({ timestamp: ts, headers: {} }) },
    );
    ts = 1;
    cached.put(b('a'), b('1'));
    cached.flush();
    ts = 2;
    cached.put(b('a'), b('2'));
    ts = 3;
    cached.put(b('a'), b('3'));
    cached.flush();
    expect(heard).toEqual([
      ['a', '1', null, 1],
      ['a', '3', '1', 3],
    ]);
  });

  it('drops unflushed updates on close and throws StateStoreError after it', () => {
    const log: ChangelogRecord[] = [];
    const cache = new RecordCache(1 << 20);
    const { cached } = cachedStore(cache, log);
    cached.put(b('a'), b('1'));
    cached.close();
    expect(log).toHaveLength(0);
    expect(cache.stats.entries).toBe(0);
    expect(() => {
      cached.put(b('a'), b('2'));
    }).toThrow(StateStoreError);
  });
});

describe('store builders with caching', () => {
  const ctx = (log: ChangelogRecord[], cache: RecordCache | undefined) => ({
    applicationId: 'app',
    taskName: '0_0',
    partition: 0,
    changelogTopic: 'app-s-changelog',
    changelog: { write: (key: Buffer, value: Buffer | null) => log.push({ key, value }) },
    cache,
  });

  it('caches a key-value store only when caching is enabled and the runner has a cache', () => {
    const cache = new RecordCache(1 << 20);
    for (const [enabled, withCache, records] of [
      [true, true, 1],
      [false, true, 3],
      [true, false, 3],
    ] as const) {
      const log: ChangelogRecord[] = [];
      const builder = Stores.keyValueStoreBuilder('s', Serdes.string(), Serdes.int64());
      if (enabled) builder.withCachingEnabled();
      const store: KeyValueStore<string, number> = builder.build(
        ctx(log, withCache ? cache : undefined),
      ).store;
      for (const n of [1, 2, 3]) store.put('a', n);
      store.flush();
      expect(log).toHaveLength(records);
      expect(store.get('a')).toBe(3);
      store.close();
    }
  });

  it('caches window stores by (key, window): point reads see the cache, range reads write it through', () => {
    const log: ChangelogRecord[] = [];
    const store: WindowStore<string, number> = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('w', { windowSizeMs: 10, retentionMs: 100 }),
      Serdes.string(),
      Serdes.int64(),
    )
      .withCachingEnabled()
      .build(ctx(log, new RecordCache(1 << 20))).store;
    store.put('a', 1, 0);
    store.put('a', 2, 0);
    store.put('a', 5, 10);
    expect(store.fetch('a', 0)).toBe(2);
    expect(log).toHaveLength(0);
    expect([...store.fetchRange('a', 0, 10)]).toEqual([
      [0, 2],
      [10, 5],
    ]);
    expect(log).toHaveLength(2);
  });
});
