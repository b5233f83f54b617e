import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../../core/index.js';
import { JoinWindows } from '../../../../streams/operators/windows/join-windows.js';
import { SessionWindows } from '../../../../streams/operators/windows/session-windows.js';
import { SlidingWindows } from '../../../../streams/operators/windows/sliding-windows.js';
import { TimeWindows } from '../../../../streams/operators/windows/time-windows.js';
import { windowRetentionMs } from '../../../../streams/operators/windows/window.js';

describe('TimeWindows', () => {
  it('puts a record in the one epoch-aligned tumbling window [start, start + size)', () => {
    const w = TimeWindows.ofSizeWithNoGrace(60_000);
    expect(w.windowsFor(0)).toEqual([{ startMs: 0, endMs: 60_000 }]);
    expect(w.windowsFor(59_999)).toEqual([{ startMs: 0, endMs: 60_000 }]);
    expect(w.windowsFor(60_000)).toEqual([{ startMs: 60_000, endMs: 120_000 }]);
    expect(w.graceMs).toBe(0);
  });

  it('puts a record in size / advance hopping windows, none starting before the epoch', () => {
    const w = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5);
    expect(w.windowsFor(12)).toEqual([
      { startMs: 5, endMs: 15 },
      { startMs: 10, endMs: 20 },
    ]);
    expect(w.windowsFor(3)).toEqual([{ startMs: 0, endMs: 10 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(3).windowsFor(10)).toEqual([
      { startMs: 3, endMs: 13 },
      { startMs: 6, endMs: 16 },
      { startMs: 9, endMs: 19 },
    ]);
  });

  it('closes a window when stream time reaches its end plus grace', () => {
    const w = TimeWindows.ofSizeAndGrace(10, 5);
    expect(w.isClosed({ startMs: 0, endMs: 10 }, 14)).toBe(false);
    expect(w.isClosed({ startMs: 0, endMs: 10 }, 15)).toBe(true);
    expect(w.minimumRetentionMs).toBe(15);
  });

  it('refuses invalid sizes, grace periods and advances with a ConfigError', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(ConfigError);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(ConfigError);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/must not exceed/);
    expect(() => TimeWindows.ofSizeWithNoGrace(1.5)).toThrow(ConfigError);
  });
});

describe('SlidingWindows, SessionWindows, JoinWindows', () => {
  it('keeps a sliding window store for three differences plus grace', () => {
    const w = SlidingWindows.ofTimeDifferenceAndGrace(10, 3);
    expect([w.timeDifferenceMs, w.graceMs, w.minimumRetentionMs]).toEqual([10, 3, 34]);
    expect(SlidingWindows.ofTimeDifferenceWithNoGrace(5).graceMs).toBe(0);
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0)).toThrow(ConfigError);
  });

  it('lets a record touch a session within the inactivity gap of either end', () => {
    const s = SessionWindows.ofInactivityGapAndGrace(5, 2);
    const session = { startMs: 10, endMs: 20 };
    expect([4, 5, 25, 26].map((t) => s.touches(session, t))).toEqual([false, true, true, false]);
    expect(s.minimumRetentionMs).toBe(8);
  });

  it('joins right records in [t - before, t + after] and closes a side after its reach plus grace', () => {
    const w = JoinWindows.ofTimeDifferenceAndGrace(10, 2).after(3);
    expect([w.beforeMs, w.afterMs, w.sizeMs, w.minimumRetentionMs]).toEqual([10, 3, 13, 15]);
    expect(w.closesAtMs('left', 100)).toBe(105);
    expect(w.closesAtMs('right', 100)).toBe(112);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(ConfigError);
  });

  it('defaults a store retention to size plus grace and refuses a shorter one', () => {
    expect(windowRetentionMs(15, undefined)).toBe(15);
    expect(windowRetentionMs(15, 100)).toBe(100);
    expect(() => windowRetentionMs(15, 14)).toThrow(/shorter than the window size plus grace/);
  });
});
