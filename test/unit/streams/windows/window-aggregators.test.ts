import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SessionWindowAggregator } from '../../../../streams/operators/windows/session-window-aggregator.js';
import { SessionWindows } from '../../../../streams/operators/windows/session-windows.js';
import { SlidingWindowAggregator } from '../../../../streams/operators/windows/sliding-window-aggregator.js';
import { SlidingWindows } from '../../../../streams/operators/windows/sliding-windows.js';
import { TimeWindowAggregator } from '../../../../streams/operators/windows/time-window-aggregator.js';
import { TimeWindows } from '../../../../streams/operators/windows/time-windows.js';
import type { WindowUpdate } from '../../../../streams/operators/windows/window-update.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

import { aggregateStore, count, sessionStore } from './stores.js';

interface Aggregator {
  process(
    key: string,
    value: unknown,
    ts: number,
    streamTimeMs: number,
    emit: (u: WindowUpdate<string, number>) => void,
  ): boolean;
}

/** Feeds `records` ([key, timestamp]) as a task would; returns the updates and the late records. */
function run(agg: Aggregator, records: readonly (readonly [string, number])[]) {
  let streamTime = -1;
  const updates: string[] = [];
  const final = new Map<string, number | null>();
  const late: number[] = [];
  for (const [key, ts] of records) {
    streamTime = Math.max(streamTime, ts);
    const accepted = agg.process(key, 'v', ts, streamTime, (u) => {
      const id = `${u.key.key}@${u.key.window.startMs}-${u.key.window.endMs}`;
      updates.push(`${id}=${u.value ?? 'null'}`);
      final.set(id, u.value);
    });
    if (!accepted) late.push(ts);
  }
  const live = Object.fromEntries([...final].filter(([, v]) => v !== null));
  return { updates, final: live, late };
}

describe('TimeWindowAggregator', () => {
  it('counts out-of-order records inside grace and reports those beyond it as late', () => {
    const windows = TimeWindows.ofSizeAndGrace(10, 5);
    const agg = new TimeWindowAggregator(windows, aggregateStore(10, 15), count);
    // stream time: 1, 12, 12, 16, 16, 16 — [0,10) closes at 15
    const r = run(agg, [
      ['a', 1],
      ['a', 12],
      ['a', 3],
      ['a', 16],
      ['a', 4],
      ['a', 14],
    ]);
    expect(r.updates).toEqual(['a@0-10=1', 'a@10-20=1', 'a@0-10=2', 'a@10-20=2', 'a@10-20=3']);
    expect(r.late).toEqual([4]);
  });

  it('updates every open hopping window of a record and skips its closed ones', () => {
    const windows = TimeWindows.ofSizeWithNoGrace(10).advanceBy(5);
    const agg = new TimeWindowAggregator(windows, aggregateStore(10, 10), count);
    // 7 ∈ [0,10),[5,15); at stream time 12, [0,10) is closed, [5,15) open
    const r = run(agg, [
      ['k', 7],
      ['k', 12],
      ['k', 8],
    ]);
    expect(r.updates).toEqual(['k@0-10=1', 'k@5-15=1', 'k@5-15=2', 'k@10-20=1', 'k@5-15=3']);
    expect(r.late).toEqual([]);
    expect(
      run(agg, [
        ['k', 30],
        ['k', 9],
      ]).late,
    ).toEqual([9]);
  });
});

describe('SlidingWindowAggregator', () => {
  it('creates left and right windows as records arrive out of order (hand-computed)', () => {
    const windows = SlidingWindows.ofTimeDifferenceAndGrace(10, 100);
    const agg = new SlidingWindowAggregator(windows, aggregateStore(10, 120), count);
    const r = run(agg, [
      ['a', 20],
      ['a', 25],
      ['a', 40],
      ['a', 22],
    ]);
    // left windows [t-10, t]; right windows [t+1, t+11] only when they hold records
    expect(r.final).toEqual({
      'a@10-20': 1,
      'a@12-22': 2,
      'a@15-25': 3,
      'a@21-31': 2,
      'a@23-33': 1,
      'a@30-40': 1,
    });
  });

  it('drops a record whose right window is closed and keeps it out of closed windows', () => {
    const windows = SlidingWindows.ofTimeDifferenceWithNoGrace(10);
    const agg = new SlidingWindowAggregator(windows, aggregateStore(10, 20), count);
    const r = run(agg, [
      ['a', 50],
      ['a', 38],
      ['a', 41],
    ]);
    // 38: every window holding it ends before 50 → late. 41: joins [40, 50], gets the right
    // window [42, 52] (holding 50), but not its closed left window [31, 41].
    expect(r.late).toEqual([38]);
    expect(r.final).toEqual({ 'a@40-50': 2, 'a@42-52': 1 });
  });

  it('matches the declarative definition for any order of records, early ones included', () => {
    const d = 10;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 12 }),
        (ts) => {
          const windows = SlidingWindows.ofTimeDifferenceAndGrace(d, 1_000);
          const agg = new SlidingWindowAggregator(windows, aggregateStore(d, 2_000), count);
          const r = run(
            agg,
            ts.map((t) => ['k', t] as const),
          );
          const expected: Record<string, number> = {};
          const inWindow = (s: number) => ts.filter((t) => t >= s && t <= s + d).length;
          for (const t of ts) {
            const left = Math.max(0, t - d);
            expected[`k@${left}-${left + d}`] = inWindow(left);
            if (inWindow(t + 1) > 0) expected[`k@${t + 1}-${t + 1 + d}`] = inWindow(t + 1);
          }
          expect(r.final).toEqual(expected);
        },
      ),
      { seed: fcSeed('sliding windows'), numRuns: 300 },
    );
  });
});

describe('SessionWindowAggregator', () => {
  it('merges sessions a record bridges, deleting the merged ones, and drops late records', () => {
    const windows = SessionWindows.ofInactivityGapWithNoGrace(5);
    const agg = new SessionWindowAggregator(windows, sessionStore(100), count, (_k, a, b) => a + b);
    const r = run(agg, [
      ['a', 0],
      ['a', 3],
      ['a', 10],
      ['a', 6],
      ['b', 20],
      ['a', 2],
      ['a', 15],
    ]);
    expect(r.updates).toEqual([
      'a@0-0=1',
      'a@0-0=null',
      'a@0-3=2',
      'a@10-10=1',
      'a@0-3=null',
      'a@10-10=null',
      'a@0-10=4',
      'b@20-20=1',
    ]);
    // At stream time 20: a@2 would merge into [0, 10], a@15 into [0, 15]; both end before 20.
    expect(r.late).toEqual([2, 15]);
  });
});
