import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  InMemoryWindowBytesStore,
  LmdbDuplicatesWindowBytesStore,
  openLmdbBytesDb,
  Stores,
  type ChangelogRecord,
  type StoreContext,
  type WindowStore,
} from '../../../streams/state/index.js';
import { Serdes } from '../../../streams/serde/index.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { tempDirsPerTest } from '../../helpers/temp-dir.js';

const tempDir = tempDirsPerTest('fjord-duplicates-');

const spec = { windowSizeMs: 10, retentionMs: 50, retainDuplicates: true };
const b = (s: string): Buffer => Buffer.from(s);
const values = (it: Iterable<readonly [unknown, Buffer]>): string[] =>
  [...it].map(([w, v]) => `${JSON.stringify(w)}=${v.toString()}`);

function open(dir: string, maxPendingWrites?: number): LmdbDuplicatesWindowBytesStore {
  return new LmdbDuplicatesWindowBytesStore('j', spec, openLmdbBytesDb(dir, 'j'), maxPendingWrites);
}

describe('LmdbDuplicatesWindowBytesStore', () => {
  it('answers as the in-memory store retaining duplicates does, expiry included (property)', () => {
    const dir = tempDir();
    let run = 0;
    const key = fc.constantFrom('a', 'b', 'ab').map(b);
    const value = fc.uint8Array({ minLength: 1, maxLength: 3 }).map((a) => Buffer.from(a));
    const hex = (it: Iterable<readonly [unknown, Buffer]>) =>
      [...it].map(([w, v]) => [JSON.stringify(w), v.toString('hex')]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value, fc.nat(20)), { maxLength: 60 }),
        fc.nat(20),
        fc.nat(20),
        (puts, x, y) => {
          // a buffer of 3 keys: most runs write out mid-way, and sweep expired entries
          const disk = open(join(dir, `r${run++}`), 3);
          const memory = new InMemoryWindowBytesStore('j', spec);
          for (const [k, v, slot] of puts) {
            disk.put(k, v, slot * 5);
            memory.put(k, v, slot * 5);
            // reads between writes see the entries waiting in memory and those in LMDB
            expect(hex(disk.fetchRange(k, 0, 100))).toEqual(hex(memory.fetchRange(k, 0, 100)));
          }
          const [from, to] = [Math.min(x, y) * 5, Math.max(x, y) * 5];
          for (const k of ['a', 'b', 'ab'].map(b)) {
            expect(hex(disk.fetchRange(k, from, to))).toEqual(hex(memory.fetchRange(k, from, to)));
            expect(disk.fetch(k, from)?.toString('hex')).toBe(
              memory.fetch(k, from)?.toString('hex'),
            );
          }
          expect(hex(disk.fetchAll(from, to))).toEqual(hex(memory.fetchAll(from, to)));
          expect(hex(disk.all())).toEqual(hex(memory.all()));
          disk.close();
        },
      ),
      { seed: fcSeed('lmdb duplicates vs in-memory'), numRuns: 60 },
    );
  });

  it('keeps every value of a key and window in insertion order, across a reopen', () => {
    const dir = join(tempDir(), 'j');
    const first = open(dir);
    first.put(b('k'), b('v1'), 10);
    first.put(b('k'), b('v2'), 10);
    first.put(b('k'), b('w1'), 20);
    first.put(b('k'), null, 10); // a no-op, as in Kafka
    expect(values(first.fetchRange(b('k'), 0, 30))).toEqual(['10=v1', '10=v2', '20=w1']);
    first.close();
    const second = open(dir);
    expect(second.observedStreamTimeMs).toBe(20);
    second.put(b('k'), b('v3'), 10); // its number follows the ones on disk
    expect(values(second.fetchRange(b('k'), 0, 30))).toEqual(['10=v1', '10=v2', '10=v3', '20=w1']);
    expect(second.fetch(b('k'), 10)?.toString()).toBe('v1');
    second.close();
  });

  it('drops windows past retention from reads at once and from the disk on its sweep', () => {
    const dir = join(tempDir(), 'j');
    const store = open(dir);
    store.put(b('k'), b('old'), 0);
    store.put(b('k'), b('new'), 50); // 0 <= 50 - 50: expired
    expect(values(store.fetchRange(b('k'), 0, 100))).toEqual(['50=new']);
    store.put(b('k'), b('late'), 0); // expired: ignored
    expect([...store.all()].map(([w, v]) => [w.key.toString(), w.window, v.toString()])).toEqual([
      ['k', { startMs: 50, endMs: 60 }, 'new'],
    ]);
    store.close();
    // the put at 50 swept the table (stream time moved a quarter retention): 'old' is gone
    const db = openLmdbBytesDb(dir, 'j');
    expect(db.count()).toBe(1);
    db.close();
    const reopened = open(dir);
    expect(reopened.observedStreamTimeMs).toBe(50);
    reopened.wipe();
    expect([...reopened.all()]).toEqual([]);
    reopened.close();
  });
});

describe('a persistent window store retaining duplicates, with its changelog', () => {
  function build(stateDir: string, log: ChangelogRecord[]) {
    const builder = Stores.windowStoreBuilder(
      Stores.persistentWindowStore('buf', spec),
      Serdes.string(),
      Serdes.string(),
    );
    const ctx: StoreContext = {
      applicationId: 'app',
      taskName: '0_0',
      partition: 0,
      changelogTopic: 'app-buf-changelog',
      changelog: { write: (key, value) => log.push({ key, value }) },
      stateDir,
    };
    return builder.build(ctx) as { store: WindowStore<string, string> } & ReturnType<
      typeof builder.build
    >;
  }

  it('restores every duplicate from the changelog, and a replay past a checkpoint adds none', () => {
    const log: ChangelogRecord[] = [];
    const original = build(tempDir(), log);
    original.store.put('k', 'a', 10);
    original.store.put('k', 'b', 10);
    original.store.put('k', null, 10); // ignored, and not logged
    original.store.put('other', 'c', 12);
    expect(log).toHaveLength(3);
    const show = (s: WindowStore<string, string>) => [...s.fetchRange('k', 0, 20)];
    expect(show(original.store)).toEqual([
      [10, 'a'],
      [10, 'b'],
    ]);
    original.store.close();

    const restored = build(tempDir(), []);
    restored.restore(log);
    expect(show(restored.store)).toEqual([
      [10, 'a'],
      [10, 'b'],
    ]);
    restored.restore(log.slice(1)); // at least once: records past the checkpoint come again
    expect(show(restored.store)).toEqual([
      [10, 'a'],
      [10, 'b'],
    ]);
    restored.store.put('k', 'd', 10); // numbered after the restored entries
    expect(show(restored.store)).toEqual([
      [10, 'a'],
      [10, 'b'],
      [10, 'd'],
    ]);
    expect([...restored.store.fetchRange('other', 0, 20)]).toEqual([[12, 'c']]);
    restored.store.close();
  });
});
