import { describe, expect, it } from 'vitest';

import {
  Serdes,
  SessionWindows,
  StreamsBuilder,
  TestDriver,
  WindowedSerdes,
  type Windowed,
} from '../../../../streams/index.js';
import { SessionWindowAggregator } from '../../../../streams/operators/windows/session-window-aggregator.js';
import {
  CachingSessionStore,
  ChangeLoggingSessionStore,
  InMemorySessionBytesStore,
  RecordCache,
  Stores,
  isFlushReporting,
  type ChangelogRecord,
  type SessionStore,
} from '../../../../streams/state/index.js';

import { count } from './stores.js';

const str = Serdes.string();
const MiB = 1 << 20;
const b = (s: string): Buffer => Buffer.from(s);

/** A typed session store (cached when `cache` is given) over a logged in-memory store. */
function sessionStore(cache: RecordCache | undefined, log: string[]) {
  const store = Stores.sessionStoreBuilder(
    Stores.inMemorySessionStore('s', 1_000),
    Serdes.string(),
    Serdes.int64(),
  );
  const built = (cache === undefined ? store : store.withCachingEnabled()).build({
    applicationId: 'app',
    taskName: '0_0',
    partition: 0,
    changelogTopic: 'app-s-changelog',
    changelog: {
      write: (key, value) => log.push(`${changelogKey(key)}=${value?.readBigInt64BE() ?? 'null'}`),
    },
    cache,
  });
  return built.store;
}

/** `[key][end][start]` as `key@start-end`. */
function changelogKey(bytes: Buffer): string {
  const n = bytes.length - 16;
  const end = bytes.readBigInt64BE(n);
  const start = bytes.readBigInt64BE(n + 8);
  return `${bytes.subarray(0, n).toString()}@${start}-${end}`;
}

const show = (key: Windowed<string>, value: number | null): string =>
  `${key.key}@${key.window.startMs}-${key.window.endMs}=${value ?? 'null'}`;

/**
 * Counts `timestamps` of key `u` into sessions (gap 5, grace 2), flushing the store after the
 * records whose index is in `flushAfter`; returns what was forwarded (each update without a
 * cache, the flushes with one), the changelog and the late records.
 */
function sessions(cached: boolean, timestamps: readonly number[], flushAfter: readonly number[]) {
  const log: string[] = [];
  const store = sessionStore(cached ? new RecordCache(MiB) : undefined, log);
  const forwarded: string[] = [];
  const reporting = isFlushReporting<Windowed<string>, number>(store) ? store : undefined;
  const listening = reporting?.setFlushListener((u) => forwarded.push(show(u.key, u.newValue)));
  expect(listening === true).toBe(cached);
  const agg = new SessionWindowAggregator(
    SessionWindows.ofInactivityGapAndGrace(5, 2),
    store,
    count,
    (_k, x, y) => x + y,
  );
  let streamTime = -1;
  const late: number[] = [];
  timestamps.forEach((ts, i) => {
    streamTime = Math.max(streamTime, ts);
    const accepted = agg.process('u', 'x', ts, streamTime, (u) => {
      if (!cached) forwarded.push(show(u.key, u.value));
    });
    if (!accepted) late.push(ts);
    if (flushAfter.includes(i)) store.flush();
  });
  store.flush();
  return {
    forwarded,
    log,
    late,
    live: [...store.fetch('u')].map(([k, v]) => show({ key: k.key, window: k }, v)),
  };
}

// 0, 3 → [0,3]; 10 → [10,10]; 6 (out of order, in grace) bridges → [0,10]; 20 → [20,20];
// 1 at stream time 20 is late ([0,10] ended before 20 − 2); 40 → [40,40].
const TIMES = [0, 3, 10, 6, 20, 1, 40];
/** What the TIMES give without a cache: every update, a tombstone per session merged away. */
const EVERY_UPDATE = [
  'u@0-0=1',
  'u@0-0=null',
  'u@0-3=2',
  'u@10-10=1',
  'u@0-3=null',
  'u@10-10=null',
  'u@0-10=4',
  'u@20-20=1',
  'u@40-40=1',
];

describe('session-windowed aggregation with the record cache', () => {
  it('without a cache forwards and logs every update, a tombstone for each merged-away session', () => {
    const r = sessions(false, TIMES, []);
    expect(r.forwarded).toEqual(EVERY_UPDATE);
    expect(r.log).toEqual(EVERY_UPDATE);
    expect(r.late).toEqual([1]);
    expect(r.live).toEqual(['u@0-10=4', 'u@20-20=1', 'u@40-40=1']);
  });

  it('with one flush forwards each final session once; sessions merged before it are never sent', () => {
    const r = sessions(true, TIMES, []);
    expect(r.forwarded).toEqual(['u@0-10=4', 'u@20-20=1', 'u@40-40=1']);
    expect(r.log).toEqual(r.forwarded);
    expect(r.late).toEqual([1]);
    expect(r.live).toEqual(['u@0-10=4', 'u@20-20=1', 'u@40-40=1']);
  });

  it('retracts a flushed session that a later record merges away (its tombstone at the next flush)', () => {
    const r = sessions(true, TIMES, [2]); // flush after 0, 3, 10
    expect(r.forwarded).toEqual([
      // flush 1: [0,0] was merged into [0,3] before it: nothing to retract
      'u@0-3=2',
      'u@10-10=1',
      // flush 2: 6 merged both flushed sessions into [0,10]
      'u@0-3=null',
      'u@10-10=null',
      'u@0-10=4',
      'u@20-20=1',
      'u@40-40=1',
    ]);
    expect(r.log).toEqual(r.forwarded);
    expect(r.live).toEqual(['u@0-10=4', 'u@20-20=1', 'u@40-40=1']);
  });
});

describe('CachingSessionStore', () => {
  function layered() {
    const log: ChangelogRecord[] = [];
    const bytes = new InMemorySessionBytesStore('s', 1_000);
    const logged = new ChangeLoggingSessionStore(bytes, {
      write: (key, value) => log.push({ key, value }),
    });
    const cached = new CachingSessionStore(logged, new RecordCache(MiB), '0_0/s');
    return { bytes, cached, log };
  }
  const found = (store: SessionStore<Buffer, Buffer>, key: string, from: number, to: number) =>
    [...store.findSessions(b(key), from, to)].map(
      ([s, v]) => `${s.startMs}-${s.endMs}=${v.toString()}`,
    );

  it('reads the cached sessions over the stored ones, in end-then-start order', () => {
    const { bytes, cached, log } = layered();
    cached.put({ key: b('u'), startMs: 0, endMs: 4 }, b('a'));
    cached.put({ key: b('u'), startMs: 10, endMs: 12 }, b('b'));
    cached.put({ key: b('uv'), startMs: 0, endMs: 1 }, b('other key'));
    cached.flush();
    cached.put({ key: b('u'), startMs: 5, endMs: 6 }, b('c'));
    cached.remove({ key: b('u'), startMs: 10, endMs: 12 });
    cached.put({ key: b('u'), startMs: 0, endMs: 4 }, b('A'));
    expect(found(cached, 'u', 0, 100)).toEqual(['0-4=A', '5-6=c']);
    expect(found(cached, 'u', 5, 5)).toEqual(['5-6=c']);
    expect(cached.fetchSession(b('u'), 10, 12)).toBeUndefined();
    expect(found(bytes, 'u', 0, 100)).toEqual(['0-4=a', '10-12=b']); // not flushed yet
    expect(log).toHaveLength(3);
  });

  it('writes a removal through only when the store had the session', () => {
    const { cached, log } = layered();
    const reported: string[] = [];
    cached.setFlushListener((s, v, { oldValue }) =>
      reported.push(
        `${s.startMs}-${s.endMs}=${v?.toString() ?? 'null'} (was ${oldValue?.toString() ?? 'null'})`,
      ),
    );
    cached.put({ key: b('u'), startMs: 0, endMs: 0 }, b('1'));
    cached.flush();
    cached.remove({ key: b('u'), startMs: 0, endMs: 0 }); // stored: retracted
    cached.put({ key: b('u'), startMs: 0, endMs: 3 }, b('2'));
    cached.remove({ key: b('u'), startMs: 0, endMs: 3 }); // never stored: dropped
    cached.put({ key: b('u'), startMs: 0, endMs: 5 }, b('3'));
    cached.flush();
    expect(reported).toEqual(['0-0=1 (was null)', '0-0=null (was 1)', '0-5=3 (was null)']);
    expect(log.map((r) => r.value?.toString() ?? null)).toEqual(['1', null, '3']);
  });
});

type Operation = 'count' | 'reduce' | 'aggregate';

describe('session-windowed count, reduce and aggregate in the TestDriver, with and without the cache', () => {
  /** The records `TIMES` give, value `a`, `b`, ... for the reduce and aggregate (of strings). */
  function run(operation: Operation, cacheMaxBytes: number | undefined) {
    const builder = new StreamsBuilder();
    const sessions = builder
      .stream('in', { key: str, value: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 2));
    const table =
      operation === 'count'
        ? sessions.count({ name: 'sessions' }).mapValues((n) => String(n))
        : operation === 'reduce'
          ? sessions.reduce((x, y) => x + y, { name: 'sessions', value: str })
          : sessions.aggregate(
              () => '',
              (_k, v, agg) => agg + v,
              (_k, x, y) => x + y,
              { name: 'sessions', value: str },
            );
    table
      .toStream()
      .to('out', { key: WindowedSerdes.sessionWindowed(str), value: Serdes.nullable(str) });
    const driver = new TestDriver(
      builder.build(),
      cacheMaxBytes === undefined ? {} : { cacheMaxBytes },
    );
    const input = driver.createInputTopic('in', str, str);
    TIMES.forEach((ts, i) => {
      input.pipeInput('u', String.fromCharCode(97 + i), { timestamp: ts });
    });
    const out = driver
      .createOutputTopic('out', WindowedSerdes.sessionWindowed(str), Serdes.nullable(str))
      .readRecordsToList()
      .map((r) => {
        const w = r.key.window;
        return `${r.key.key}@${w.startMs}-${w.endMs}=${r.value ?? 'null'}@${r.timestamp}`;
      });
    driver.close();
    return out;
  }

  // Each record at its session's end; values a@0, b@3, c@10, d@6 (bridges), e@20, f@1 (late), g@40.
  const expected: Record<Operation, string[]> = {
    count: EVERY_UPDATE.map((u) => `${u}@${/-(\d+)=/.exec(u)?.[1] ?? ''}`),
    reduce: [
      'u@0-0=a@0',
      'u@0-0=null@0',
      'u@0-3=ab@3',
      'u@10-10=c@10',
      'u@0-3=null@3',
      'u@10-10=null@10',
      'u@0-10=abcd@10',
      'u@20-20=e@20',
      'u@40-40=g@40',
    ],
    aggregate: [],
  };
  expected.aggregate = expected.reduce;

  it.each(['count', 'reduce', 'aggregate'] as const)(
    '%s forwards the same records, tombstones included, since the driver commits after each record',
    (operation) => {
      expect(run(operation, undefined)).toEqual(expected[operation]);
      expect(run(operation, MiB)).toEqual(expected[operation]);
    },
  );
});
