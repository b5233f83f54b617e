import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../../core/index.js';
import {
  SuppressBuffer,
  SuppressBufferFullError,
} from '../../../../streams/operators/windows/suppress-buffer.js';
import { BufferConfig, Suppressed } from '../../../../streams/operators/windows/suppressed.js';

function drain<T>(buffer: SuppressBuffer<T>, until: number): [string, T][] {
  const out: [string, T][] = [];
  buffer.evictUntil(until, (id, v) => {
    out.push([id, v]);
  });
  return out;
}

describe('SuppressBuffer', () => {
  it('keeps one entry per key: the latest value at the time of the first update', () => {
    const b = new SuppressBuffer<number>(BufferConfig.unbounded());
    b.put('a', 10, 1, 1);
    b.put('b', 5, 1, 1);
    b.put('a', 20, 2, 1); // replaces the value, keeps time 10
    expect(drain(b, 9)).toEqual([['b', 1]]);
    expect(drain(b, 10)).toEqual([['a', 2]]);
    expect(b.size).toBe(0);
  });

  it('evicts in time order, ties in insertion order, across many keys', () => {
    const b = new SuppressBuffer<number>(BufferConfig.unbounded());
    const times = [7, 3, 9, 3, 1, 8, 2, 2, 6];
    times.forEach((t, i) => {
      b.put(`k${i}`, t, i, 1);
    });
    const order = drain(b, 100).map(([, v]) => times[v]);
    expect(order).toEqual([...times].sort((x, y) => x - y));
  });

  it('emits the oldest entries early when a bound is exceeded with emitEarlyWhenFull', () => {
    const b = new SuppressBuffer<string>(BufferConfig.maxRecords(2).emitEarlyWhenFull());
    const early: string[] = [];
    for (const [id, t] of [
      ['x', 3],
      ['y', 1],
      ['z', 2],
    ] as const)
      b.put(id, t, id, 1, (k) => early.push(k));
    expect(early).toEqual(['y']);
    const bytes = new SuppressBuffer<string>(BufferConfig.maxBytes(10));
    bytes.put('a', 1, 'a', 6, (k) => early.push(k));
    bytes.put('b', 2, 'b', 6, (k) => early.push(k));
    expect(early).toEqual(['y', 'a']);
    expect(bytes.bytes).toBe(6);
  });

  it('throws SuppressBufferFullError when a strict buffer is full', () => {
    const b = new SuppressBuffer<number>(BufferConfig.maxRecords(1).shutDownWhenFull());
    b.put('a', 1, 1, 1);
    expect(() => {
      b.put('b', 2, 2, 1, () => undefined);
    }).toThrow(SuppressBufferFullError);
  });

  it('validates its settings', () => {
    expect(() => BufferConfig.maxRecords(0)).toThrow(ConfigError);
    expect(() => Suppressed.untilTimeLimit(-1, BufferConfig.unbounded())).toThrow(ConfigError);
    const s = Suppressed.untilWindowCloses(BufferConfig.maxBytes(100).shutDownWhenFull(), 'final');
    expect([s.kind, s.buffer.whenFull, s.buffer.maxBytes, s.name]).toEqual([
      'until-window-closes',
      'shut-down',
      100,
      'final',
    ]);
  });
});
