import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  InMemoryKeyValueBytesStore,
  StateStoreError,
  Stores,
  type ChangelogRecord,
  type KeyValueStore,
} from '../../../../streams/state/index.js';
import { Serdes } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

type Op =
  | { readonly kind: 'put'; readonly key: Buffer; readonly value: Buffer | null }
  | { readonly kind: 'delete'; readonly key: Buffer }
  | { readonly kind: 'putIfAbsent'; readonly key: Buffer; readonly value: Buffer }
  | { readonly kind: 'range'; readonly from: Buffer | undefined; readonly to: Buffer | undefined };

const bytes = fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    key: bytes,
    value: fc.option(bytes, { nil: null }),
  }),
  fc.record({ kind: fc.constant('delete' as const), key: bytes }),
  fc.record({ kind: fc.constant('putIfAbsent' as const), key: bytes, value: bytes }),
  fc.record({
    kind: fc.constant('range' as const),
    from: fc.option(bytes, { nil: undefined }),
    to: fc.option(bytes, { nil: undefined }),
  }),
);

const hex = (b: Buffer): string => b.toString('hex');

/** The model: a Map by hex key; ranges sorted by Buffer.compare. */
function modelRange(
  model: Map<string, Buffer>,
  from: Buffer | undefined,
  to: Buffer | undefined,
): [string, string][] {
  return [...model.entries()]
    .map(([k, v]) => [Buffer.from(k, 'hex'), v] as const)
    .filter(
      ([k]) =>
        (from === undefined || Buffer.compare(k, from) >= 0) &&
        (to === undefined || Buffer.compare(k, to) <= 0),
    )
    .sort(([a], [b]) => Buffer.compare(a, b))
    .map(([k, v]) => [hex(k), hex(v)]);
}

describe('InMemoryKeyValueBytesStore', () => {
  it('behaves as a Map, with ranges ordered by key bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const store = new InMemoryKeyValueBytesStore('s');
        const model = new Map<string, Buffer>();
        for (const o of ops) {
          if (o.kind === 'put') {
            store.put(o.key, o.value);
            if (o.value === null) model.delete(hex(o.key));
            else model.set(hex(o.key), o.value);
          } else if (o.kind === 'delete') {
            expect(store.delete(o.key)?.toString('hex')).toBe(
              model.get(hex(o.key))?.toString('hex'),
            );
            model.delete(hex(o.key));
          } else if (o.kind === 'putIfAbsent') {
            const old = model.get(hex(o.key));
            expect(store.putIfAbsent(o.key, o.value)?.toString('hex')).toBe(old?.toString('hex'));
            if (old === undefined) model.set(hex(o.key), o.value);
          } else {
            const got = [...store.range(o.from, o.to)].map(([k, v]) => [hex(k), hex(v)]);
            expect(got).toEqual(modelRange(model, o.from, o.to));
          }
          expect(store.approximateNumEntries()).toBe(model.size);
        }
        expect([...store.all()].map(([k, v]) => [hex(k), hex(v)])).toEqual(
          modelRange(model, undefined, undefined),
        );
      }),
      { seed: fcSeed('kv store vs Map'), numRuns: 300 },
    );
  });

  it('lets a scan run while the store is written to (a snapshot of the key order)', () => {
    const store = new InMemoryKeyValueBytesStore('s');
    for (const k of ['a', 'b', 'c']) store.put(Buffer.from(k), Buffer.from(k));
    const seen: string[] = [];
    for (const [k] of store.all()) {
      seen.push(k.toString());
      store.put(Buffer.from(`${k.toString()}2`), Buffer.from('x'));
      store.put(Buffer.from('c'), null);
    }
    expect(seen).toEqual(['a', 'b']);
    expect([...store.all()].map(([k]) => k.toString())).toEqual(['a', 'a2', 'b', 'b2']);
  });

  it('throws StateStoreError once closed', () => {
    const store = new InMemoryKeyValueBytesStore('s');
    store.close();
    expect(() => store.get(Buffer.from('a'))).toThrow(StateStoreError);
    expect(store.isOpen).toBe(false);
  });
});

describe('key-value store builder', () => {
  function build(log: ChangelogRecord[]): KeyValueStore<string, number> {
    return Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.int64()).build({
      applicationId: 'app',
      taskName: '0_0',
      partition: 0,
      changelogTopic: 'app-counts-changelog',
      changelog: { write: (key, value) => log.push({ key, value }) },
    }).store;
  }

  it('writes every change to the changelog, a delete as a tombstone, and restores from it', () => {
    const log: ChangelogRecord[] = [];
    const store = build(log);
    store.put('a', 1);
    store.put('b', 2);
    store.put('a', 3);
    store.delete('b');
    expect(
      log.map((r) => [
        r.key?.toString(),
        r.value === null ? null : Number(r.value.readBigInt64BE()),
      ]),
    ).toEqual([
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['b', null],
    ]);
    const builder = Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.int64());
    const replayed: ChangelogRecord[] = [];
    const restored = builder.build({
      applicationId: 'app',
      taskName: '0_0',
      partition: 0,
      changelogTopic: 'app-counts-changelog',
      changelog: { write: (key, value) => replayed.push({ key, value }) },
    });
    restored.restore(log);
    expect([...restored.store.all()]).toEqual([['a', 3]]);
    expect(replayed).toEqual([]); // restoring does not log again
  });

  it('configures a compacted changelog, or none when logging is disabled', () => {
    const b = Stores.keyValueStoreBuilder('x', Serdes.string(), Serdes.string());
    expect(b.changelogConfigs()).toEqual({ 'cleanup.policy': 'compact' });
    expect(b.withLoggingEnabled({ 'min.compaction.lag.ms': '100' }).changelogConfigs()).toEqual({
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '100',
    });
    expect(b.withLoggingDisabled().loggingEnabled).toBe(false);
  });

  it('refuses to build without serdes', () => {
    const b = Stores.keyValueStoreBuilder<string, string>('x');
    expect(() =>
      b.build({
        applicationId: 'a',
        taskName: '0_0',
        partition: 0,
        changelogTopic: 't',
        changelog: undefined,
      }),
    ).toThrow(/no key serde/);
  });
});
