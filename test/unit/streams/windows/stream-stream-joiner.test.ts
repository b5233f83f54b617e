import { describe, expect, it } from 'vitest';

import { Serdes } from '../../../../streams/index.js';
import { JoinWindows } from '../../../../streams/operators/windows/join-windows.js';
import {
  StreamStreamJoiner,
  type JoinKind,
  type JoinSide,
} from '../../../../streams/operators/windows/stream-stream-joiner.js';

import { windowStore } from './stores.js';

type Input = readonly [JoinSide, string, string, number];

function join(kind: JoinKind, windows: JoinWindows, inputs: readonly Input[]) {
  const retention = windows.minimumRetentionMs + 1;
  const size = windows.sizeMs + 1;
  const joiner = new StreamStreamJoiner<string, string, string>(
    windows,
    kind,
    windowStore(Serdes.string(), size, retention, true),
    windowStore(Serdes.string(), size, retention, true),
    (k) => k,
  );
  let streamTime = -1;
  const out: string[] = [];
  const late: string[] = [];
  for (const [side, key, value, ts] of inputs) {
    streamTime = Math.max(streamTime, ts);
    const ok = joiner.process(side, key, value, ts, streamTime, (r) =>
      out.push(`${r.key}:${r.left ?? '-'}+${r.right ?? '-'}@${r.timestampMs}`),
    );
    if (!ok) late.push(value);
  }
  return { out, late, pending: joiner.pendingUnmatched };
}

// before = after = 5, no grace; the stream time after each record is the largest timestamp so far
const sequence: Input[] = [
  ['left', 'k', 'a', 10],
  ['right', 'k', 'x', 12], // joins a (a's window [5, 15] is open)
  ['right', 'k', 'y', 30],
  ['left', 'k', 'b', 8], // late: its window closed at 13 < 30
  ['left', 'k', 'c', 28], // joins y
  ['left', 'k', 'd', 40],
  ['right', 'k', 'z', 50], // d's window closed at 45: d is emitted unmatched first
  ['left', 'k', 'e', 60], // z's window closed at 55
];

describe('StreamStreamJoiner', () => {
  const windows = JoinWindows.ofTimeDifferenceWithNoGrace(5);

  it('inner: joins records within the window, out of order too, and drops late ones', () => {
    const r = join('inner', windows, sequence);
    expect(r.out).toEqual(['k:a+x@12', 'k:c+y@30']);
    expect(r.late).toEqual(['b']);
  });

  it('left: emits an unmatched left record only after its window closed', () => {
    const r = join('left', windows, sequence);
    expect(r.out).toEqual(['k:a+x@12', 'k:c+y@30', 'k:d+-@40']);
    expect(r.pending).toBe(1); // e waits for its window to close
  });

  it('outer: emits unmatched records of both sides after their windows closed', () => {
    const r = join('outer', windows, sequence);
    expect(r.out).toEqual(['k:a+x@12', 'k:c+y@30', 'k:d+-@40', 'k:-+z@50']);
  });

  it('never joins a record that was already emitted unmatched (no spurious results)', () => {
    const w = JoinWindows.ofTimeDifferenceWithNoGrace(10).after(0);
    const r = join('left', w, [
      ['left', 'k', 'a', 100],
      ['left', 'o', 'p', 101], // stream time 101 closes a's window [90, 100]
      ['right', 'k', 'x', 100], // in a's window, not late itself, but a is final
    ]);
    expect(r.out).toEqual(['k:a+-@100']);
    expect(r.late).toEqual([]);
  });

  it('keeps records within grace and joins duplicates of one key and time alike', () => {
    const w = JoinWindows.ofTimeDifferenceAndGrace(5, 10);
    const r = join('left', w, [
      ['left', 'k', 'a1', 10],
      ['left', 'k', 'a2', 10],
      ['left', 'k', 'n', 24], // stream time 24: a's window closes at 25
      ['right', 'k', 'x', 14],
      ['left', 'k', 'q', 40], // closes the windows of a1, a2 (matched) and n (unmatched)
    ]);
    expect(r.out).toEqual(['k:a1+x@14', 'k:a2+x@14', 'k:n+-@24']);
  });
});
