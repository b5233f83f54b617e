import { describe, expect, it } from 'vitest';

import {
  InMemorySessionBytesStore,
  InMemoryWindowBytesStore,
  StateStoreError,
  Stores,
  type ChangelogRecord,
  type StoreContext,
} from '../../../../streams/state/index.js';
import { Serdes } from '../../../../streams/serde/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const str = (x: Buffer): string => x.toString();

function ctx(log: ChangelogRecord[]): StoreContext {
  return {
    applicationId: 'app',
    taskName: '0_0',
    partition: 0,
    changelogTopic: 'app-w-changelog',
    changelog: { write: (key, value) => log.push({ key, value }) },
  };
}

describe('InMemoryWindowBytesStore', () => {
  it('fetches by key and window start, ranges by start, and drops windows past retention', () => {
    const s = new InMemoryWindowBytesStore('w', {
      windowSizeMs: 10,
      retentionMs: 30,
      retainDuplicates: false,
    });
    s.put(b('a'), b('1'), 0);
    s.put(b('b'), b('2'), 0);
    s.put(b('a'), b('3'), 10);
    s.put(b('a'), b('4'), 20);
    expect(str(s.fetch(b('a'), 10) ?? b('-'))).toBe('3');
    expect([...s.fetchRange(b('a'), 5, 20)].map(([t, v]) => [t, str(v)])).toEqual([
      [10, '3'],
      [20, '4'],
    ]);
    expect([...s.fetchAll(0, 0)].map(([w, v]) => [str(w.key), w.window, str(v)])).toEqual([
      ['a', { startMs: 0, endMs: 10 }, '1'],
      ['b', { startMs: 0, endMs: 10 }, '2'],
    ]);
    s.put(b('a'), b('5'), 30); // stream time 30: window 0 is at 30 - 30, expired
    expect(s.fetch(b('a'), 0)).toBeUndefined();
    s.put(b('z'), b('late'), 0);
    expect(s.fetch(b('z'), 0)).toBeUndefined();
    s.put(b('a'), null, 10);
    expect(s.fetch(b('a'), 10)).toBeUndefined();
  });

  it('keeps every value of a window with duplicates retained', () => {
    const s = new InMemoryWindowBytesStore('w', {
      windowSizeMs: 10,
      retentionMs: 100,
      retainDuplicates: true,
    });
    s.put(b('a'), b('1'), 0);
    s.put(b('a'), b('2'), 0);
    expect([...s.fetchRange(b('a'), 0, 0)].map(([, v]) => str(v))).toEqual(['1', '2']);
  });

  it('refuses a retention shorter than the window', () => {
    expect(() => Stores.inMemoryWindowStore('w', { windowSizeMs: 10, retentionMs: 5 })).toThrow(
      StateStoreError,
    );
  });

  it('logs [key][start][seq] keys with compact,delete and restores them', () => {
    const log: ChangelogRecord[] = [];
    const builder = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('w', { windowSizeMs: 60_000, retentionMs: 3_600_000 }),
      Serdes.string(),
      Serdes.int64(),
    );
    expect(builder.changelogConfigs()).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(3_600_000 + 86_400_000),
    });
    const store = builder.build(ctx(log)).store;
    store.put('u', 1, 0);
    store.put('u', 2, 60_000);
    store.put('v', 7, 60_000);
    expect(log[0]?.key?.length).toBe(1 + 8 + 4);
    const restored = builder.build(ctx([]));
    restored.restore(log);
    expect([...restored.store.all()].map(([w, v]) => [w.key, w.window.startMs, v])).toEqual([
      ['u', 0, 1],
      ['u', 60_000, 2],
      ['v', 60_000, 7],
    ]);
  });
});

describe('InMemorySessionBytesStore', () => {
  it('finds the sessions a new event may merge with, ordered by end then start', () => {
    const s = new InMemorySessionBytesStore('s', 1000);
    s.put({ key: b('u'), startMs: 0, endMs: 10 }, b('a'));
    s.put({ key: b('u'), startMs: 20, endMs: 30 }, b('b'));
    s.put({ key: b('u'), startMs: 50, endMs: 50 }, b('c'));
    s.put({ key: b('v'), startMs: 0, endMs: 100 }, b('x'));
    const found = (e: number, l: number): string[] =>
      [...s.findSessions(b('u'), e, l)].map(([k, v]) => `${k.startMs}-${k.endMs}:${str(v)}`);
    expect(found(5, 25)).toEqual(['0-10:a', '20-30:b']);
    expect(found(31, 60)).toEqual(['50-50:c']);
    expect(str(s.fetchSession(b('u'), 20, 30) ?? b('-'))).toBe('b');
    s.remove({ key: b('u'), startMs: 20, endMs: 30 });
    expect(found(0, 100)).toEqual(['0-10:a', '50-50:c']);
  });

  it('expires sessions that ended more than the retention ago', () => {
    const s = new InMemorySessionBytesStore('s', 100);
    s.put({ key: b('u'), startMs: 0, endMs: 10 }, b('a'));
    s.put({ key: b('u'), startMs: 500, endMs: 500 }, b('b'));
    expect([...s.fetch(b('u'))].map(([k]) => k.endMs)).toEqual([500]);
    s.put({ key: b('u'), startMs: 0, endMs: 5 }, b('late'));
    expect([...s.fetch(b('u'))].map(([k]) => k.endMs)).toEqual([500]);
  });

  it('logs [key][end][start] keys and restores them', () => {
    const log: ChangelogRecord[] = [];
    const builder = Stores.sessionStoreBuilder(
      Stores.inMemorySessionStore('s', 10_000),
      Serdes.string(),
      Serdes.string(),
    );
    const store = builder.build(ctx(log)).store;
    store.put({ key: 'u', startMs: 1, endMs: 2 }, 'x');
    store.put({ key: 'u', startMs: 1, endMs: 2 }, null);
    store.put({ key: 'u', startMs: 3, endMs: 9 }, 'y');
    const restored = builder.build(ctx([]));
    restored.restore(log);
    expect([...restored.store.fetch('u')]).toEqual([[{ key: 'u', startMs: 3, endMs: 9 }, 'y']]);
  });
});
