import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import {
  InMemorySessionBytesStore,
  InMemoryWindowBytesStore,
  LmdbKeyValueBytesStore,
  LmdbSessionBytesStore,
  LmdbWindowBytesStore,
  openLmdbBytesDb,
  StateStoreError,
  Stores,
  storeDirectory,
} from '../../../streams/state/index.js';
import { Serdes } from '../../../streams/serde/index.js';
import {
  CHECKPOINT_FILE,
  checkpointedTasks,
  readCheckpoint,
  writeCheckpoint,
} from '../../../streams/runtime/task-checkpoint.js';
import {
  ACTIVE_TASK_OFFSET_SUM,
  taskOffsetSums,
} from '../../../streams/runtime/task-offset-sums.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function tempDir(): string {
  const t = makeTempDir('fjord-persistent-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const hex = (b: Buffer): string => b.toString('hex');
const bytes = fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a));

describe('LmdbKeyValueBytesStore', () => {
  it('behaves as a Map with ranges in key-byte order, across write-outs of its buffer (property)', () => {
    const dir = tempDir();
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('put' as const), bytes, fc.option(bytes, { nil: null })),
            fc.tuple(
              fc.constant('range' as const),
              fc.option(bytes, { nil: undefined }),
              fc.option(bytes, { nil: undefined }),
            ),
            fc.tuple(fc.constant('flush' as const)),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          // a buffer of 4 keys: most runs write out mid-way
          const store = new LmdbKeyValueBytesStore(
            'kv',
            openLmdbBytesDb(join(dir, `r${run++}`), 'kv'),
            4,
          );
          const model = new Map<string, Buffer>();
          for (const op of ops) {
            if (op[0] === 'put') {
              const [, k, v] = op;
              store.put(k, v);
              if (v === null) model.delete(hex(k));
              else model.set(hex(k), v);
              expect(store.get(k)?.toString('hex')).toBe(v === null ? undefined : hex(v));
            } else if (op[0] === 'flush') store.flush();
            else {
              const [, from, to] = op;
              const want = [...model]
                .map(([k, v]) => [Buffer.from(k, 'hex'), v] as const)
                .filter(
                  ([k]) =>
                    (from === undefined || Buffer.compare(k, from) >= 0) &&
                    (to === undefined || Buffer.compare(k, to) <= 0),
                )
                .sort(([a], [c]) => Buffer.compare(a, c))
                .map(([k, v]) => [hex(k), hex(v)]);
              expect([...store.range(from, to)].map(([k, v]) => [hex(k), hex(v)])).toEqual(want);
            }
          }
          expect(store.approximateNumEntries()).toBe(model.size);
          store.close();
        },
      ),
      { seed: fcSeed('lmdb kv vs Map'), numRuns: 60 },
    );
  });

  it('keeps its data across close and reopen; wipe empties it; closed use throws', () => {
    const dir = join(tempDir(), 'kv');
    const first = new LmdbKeyValueBytesStore('kv', openLmdbBytesDb(dir, 'kv'));
    for (let i = 0; i < 1000; i++) first.put(Buffer.from(`k${i}`), Buffer.from(String(i)));
    first.close();
    expect(() => first.get(Buffer.from('k1'))).toThrow(StateStoreError);
    const second = new LmdbKeyValueBytesStore('kv', openLmdbBytesDb(dir, 'kv'));
    expect(second.persistent).toBe(true);
    expect(second.get(Buffer.from('k999'))?.toString()).toBe('999');
    expect(second.approximateNumEntries()).toBe(1000);
    second.wipe();
    expect(second.approximateNumEntries()).toBe(0);
    second.close();
  });
});

describe('LmdbWindowBytesStore', () => {
  const spec = { windowSizeMs: 10, retentionMs: 50, retainDuplicates: false };

  it('answers as the in-memory window store does, expiry included (property)', () => {
    const dir = tempDir();
    let run = 0;
    const key = fc.constantFrom('a', 'b', 'ab').map((s) => Buffer.from(s));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            key,
            fc.option(
              bytes.filter((x) => x.length > 0),
              { nil: null },
            ),
            fc.nat(20),
          ),
          { maxLength: 50 },
        ),
        fc.nat(20),
        fc.nat(20),
        (puts, a, c) => {
          const disk = new LmdbWindowBytesStore(
            'w',
            spec,
            openLmdbBytesDb(join(dir, `r${run++}`), 'w'),
            3,
          );
          const memory = new InMemoryWindowBytesStore('w', spec);
          for (const [k, v, slot] of puts) {
            disk.put(k, v, slot * 10);
            memory.put(k, v, slot * 10);
          }
          const [from, to] = [Math.min(a, c) * 10, Math.max(a, c) * 10];
          const show = (it: Iterable<readonly [unknown, Buffer]>) =>
            [...it].map(([w, v]) => [JSON.stringify(w), hex(v)]);
          for (const k of ['a', 'b', 'ab'].map((s) => Buffer.from(s))) {
            expect(show(disk.fetchRange(k, from, to))).toEqual(
              show(memory.fetchRange(k, from, to)),
            );
            expect(disk.fetch(k, from)?.toString('hex')).toBe(
              memory.fetch(k, from)?.toString('hex'),
            );
          }
          expect(show(disk.fetchAll(from, to))).toEqual(show(memory.fetchAll(from, to)));
          disk.close();
        },
      ),
      { seed: fcSeed('lmdb window vs in-memory'), numRuns: 60 },
    );
  });

  it('recovers its stream time on reopen and refuses stores retaining duplicates', () => {
    const dir = join(tempDir(), 'w');
    const first = new LmdbWindowBytesStore('w', spec, openLmdbBytesDb(dir, 'w'));
    first.put(Buffer.from('a'), Buffer.from([1]), 100);
    first.close();
    const second = new LmdbWindowBytesStore('w', spec, openLmdbBytesDb(dir, 'w'));
    expect(second.observedStreamTimeMs).toBe(100);
    second.put(Buffer.from('a'), Buffer.from([2]), 40); // at or before 100 - 50: expired, ignored
    expect(second.fetch(Buffer.from('a'), 40)).toBeUndefined();
    second.close();
    expect(
      () =>
        new LmdbWindowBytesStore(
          'j',
          { ...spec, retainDuplicates: true },
          openLmdbBytesDb(join(dir, 'j'), 'j'),
        ),
    ).toThrow(StateStoreError);
  });
});

describe('LmdbSessionBytesStore', () => {
  it('finds sessions as the in-memory session store does (property)', () => {
    const dir = tempDir();
    let run = 0;
    const key = fc.constantFrom('u', 'v', 'uv').map((s) => Buffer.from(s));
    const session = fc
      .tuple(key, fc.nat(100), fc.nat(30))
      .map(([k, start, length]) => ({ key: k, startMs: start, endMs: start + length }));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            session,
            fc.option(
              bytes.filter((x) => x.length > 0),
              { nil: null },
            ),
          ),
          {
            maxLength: 40,
          },
        ),
        fc.nat(130),
        fc.nat(130),
        (puts, earliestEnd, latestStart) => {
          const disk = new LmdbSessionBytesStore(
            's',
            1000,
            openLmdbBytesDb(join(dir, `r${run++}`), 's'),
            3,
          );
          const memory = new InMemorySessionBytesStore('s', 1000);
          for (const [s, v] of puts) {
            disk.put(s, v);
            memory.put(s, v);
          }
          const show = (it: Iterable<readonly [{ startMs: number; endMs: number }, Buffer]>) =>
            [...it].map(([s, v]) => [s.startMs, s.endMs, hex(v)]);
          for (const k of ['u', 'v', 'uv'].map((s) => Buffer.from(s)))
            expect(show(disk.findSessions(k, earliestEnd, latestStart))).toEqual(
              show(memory.findSessions(k, earliestEnd, latestStart)),
            );
          disk.close();
        },
      ),
      { seed: fcSeed('lmdb session vs in-memory'), numRuns: 60 },
    );
  });
});

describe('persistent store builders', () => {
  it('put a task store under <state.dir>/<application.id>/<task>/<store> and keep it across builds', () => {
    const stateDir = tempDir();
    const ctx = {
      applicationId: 'app',
      taskName: '0_3',
      partition: 3,
      changelogTopic: 'app-counts-changelog',
      changelog: undefined,
      stateDir,
    };
    const builder = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore('counts'),
      Serdes.string(),
      Serdes.int64(),
    );
    const first = builder.build(ctx).store;
    first.put('a', 7);
    first.close();
    expect(storeDirectory(stateDir, 'app', '0_3', 'counts')).toBe(
      join(stateDir, 'app', '0_3', 'counts'),
    );
    const again = builder.build(ctx);
    expect(again.store.persistent).toBe(true);
    expect(again.store.get('a')).toBe(7);
    again.wipe();
    expect(again.store.get('a')).toBeUndefined();
    again.store.close();
  });
});

describe('task checkpoint file', () => {
  it('round-trips offsets; missing and corrupt files are told apart', () => {
    const dir = tempDir();
    expect(readCheckpoint(dir)).toEqual({ kind: 'missing' });
    const offsets = [{ topic: 'app-counts-changelog', partition: 2, offset: 4200 }];
    writeCheckpoint(dir, offsets);
    expect(readCheckpoint(dir)).toEqual({ kind: 'found', offsets });
    writeFileSync(join(dir, CHECKPOINT_FILE), '{"version":1,"offs');
    expect(readCheckpoint(dir).kind).toBe('corrupt');
    writeFileSync(
      join(dir, CHECKPOINT_FILE),
      '{"version":1,"offsets":[{"topic":"t","partition":0,"offset":-1}]}',
    );
    expect(readCheckpoint(dir).kind).toBe('corrupt');
  });

  it('reports the checkpointed task directories, with standbys and active tasks over them', () => {
    const stateDir = tempDir();
    const app = join(stateDir, 'words');
    writeCheckpoint(join(app, '0_0'), [
      { topic: 'words-a-changelog', partition: 0, offset: 40 },
      { topic: 'words-b-changelog', partition: 0, offset: 2 },
    ]);
    writeCheckpoint(join(app, '0_1'), [{ topic: 'words-a-changelog', partition: 1, offset: 7 }]);
    writeCheckpoint(join(app, '1_0'), [{ topic: 'words-c-changelog', partition: 0, offset: 9 }]);
    writeFileSync(join(app, '1_0', CHECKPOINT_FILE), 'torn'); // unreadable: not reported
    writeCheckpoint(join(app, 'not-a-task'), [{ topic: 't', partition: 0, offset: 1 }]);
    expect(checkpointedTasks(app)).toEqual(
      new Map([
        ['0_0', 42],
        ['0_1', 7],
      ]),
    );
    expect(checkpointedTasks(join(stateDir, 'nothing-yet')).size).toBe(0);
    const sums = taskOffsetSums({
      active: ['0_1'],
      standby: new Map([['2_0', 500]]),
      stateDir,
      applicationId: 'words',
    });
    expect(sums).toEqual(
      new Map([
        ['0_0', 42],
        ['0_1', ACTIVE_TASK_OFFSET_SUM],
        ['2_0', 500],
      ]),
    );
  });
});
