import { describe, expect, it } from 'vitest';

import { FollowerState } from '../../../../core/broker/replication/follower-state.js';
import { highWatermarkOf } from '../../../../core/broker/replication/high-watermark.js';
import { expandedIsr, shrunkIsr } from '../../../../core/broker/replication/isr-rules.js';
import { ProducePurgatory } from '../../../../core/broker/replication/produce-purgatory.js';
import { ErrorCode } from '../../../../core/util/error-codes.js';

function followers(entries: [number, number, number][]): Map<number, FollowerState> {
  // [id, log end, fetched at]
  const map = new Map<number, FollowerState>();
  for (const [id, leo, at] of entries) {
    const f = new FollowerState(id, 0);
    f.onFetch(leo, leo, at);
    map.set(id, f);
  }
  return map;
}

describe('replication rules', () => {
  it('high watermark: the smallest log end over the ISR, held by a member not heard from yet', () => {
    const f = followers([
      [2, 7, 0],
      [3, 5, 0],
    ]);
    expect(highWatermarkOf(1, 10, [1, 2, 3], f)).toBe(5);
    expect(highWatermarkOf(1, 10, [1, 2], f)).toBe(7);
    expect(highWatermarkOf(1, 10, [1], f)).toBe(10);
    expect(highWatermarkOf(1, 10, [1, 4], f)).toBe(-1);
  });

  it('a follower is caught up when it fetches from the end the leader had at its previous fetch', () => {
    const f = new FollowerState(2, 0);
    f.onFetch(0, 10, 100);
    expect(f.lastCaughtUpTimeMs).toBe(0);
    f.onFetch(10, 20, 200);
    expect(f.lastCaughtUpTimeMs).toBe(100);
    f.onFetch(20, 20, 300);
    expect(f.lastCaughtUpTimeMs).toBe(300);
  });

  it('shrink: followers not caught up for longer than replica.lag.time.max.ms leave; the leader stays', () => {
    const f = followers([
      [2, 10, 1000],
      [3, 10, 5000],
    ]);
    expect(shrunkIsr(1, [1, 2, 3], f, 5500, 1000)).toEqual([1, 3]);
    expect(shrunkIsr(1, [1, 2, 3], f, 1900, 1000)).toBeUndefined();
    expect(shrunkIsr(1, [1, 4], f, 1900, 1000)).toEqual([1]);
  });

  it('expand: a follower joins once its log end reaches the high watermark and the epoch start', () => {
    const f = followers([
      [2, 10, 0],
      [3, 4, 0],
    ]);
    expect(expandedIsr([1], [1, 2, 3], f, 10, 0, 0, 1000)).toEqual([1, 2]);
    // Not fetching any more: its last fetch reached the high watermark, yet it stays out.
    expect(expandedIsr([1], [1, 2, 3], f, 10, 0, 5000, 1000)).toBeUndefined();
    expect(expandedIsr([1], [1, 2, 3], f, 10, 11, 0, 1000)).toBeUndefined();
    expect(expandedIsr([1, 2], [1, 2, 3], f, 4, 0, 0, 1000)).toEqual([1, 2, 3]);
  });

  it('purgatory: completes waiters the high watermark covers, with the ISR size checked then', () => {
    const p = new ProducePurgatory();
    const out: [string, number][] = [];
    p.add(5, (c) => out.push(['a', c]));
    const cancel = p.add(6, (c) => out.push(['b', c]));
    p.add(9, (c) => out.push(['c', c]));
    p.onHighWatermark(5, 2, 2);
    cancel();
    p.onHighWatermark(9, 1, 2);
    expect(out).toEqual([
      ['a', ErrorCode.NONE],
      ['c', ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND],
    ]);
    p.add(20, (c) => out.push(['d', c]));
    p.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(out.at(-1)).toEqual(['d', ErrorCode.NOT_LEADER_OR_FOLLOWER]);
  });
});
