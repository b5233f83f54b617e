import { describe, expect, it } from 'vitest';

import { nextDue, PunctuationQueue } from '../../../../streams/runtime/punctuation-queue.js';

describe('PunctuationQueue', () => {
  it('fires due schedules once per call, earliest first, with the current time', () => {
    const q = new PunctuationQueue();
    const fired: string[] = [];
    q.schedule('a', 0, 10, (ts) => fired.push(`a@${ts}`));
    q.schedule('b', 5, 100, (ts) => fired.push(`b@${ts}`));
    const run = (node: string, cb: (ts: number) => void, ts: number): void => {
      cb(ts);
    };
    expect(q.punctuate(-1, run)).toBe(false);
    expect(q.punctuate(7, run)).toBe(true);
    expect(fired).toEqual(['a@7', 'b@7']);
    expect(q.punctuate(9, run)).toBe(false);
    q.punctuate(45, run); // a was due at 10: fires once, next due 50
    expect(fired.slice(2)).toEqual(['a@45']);
    q.punctuate(49, run);
    expect(fired).toHaveLength(3);
    q.punctuate(50, run);
    expect(fired.slice(3)).toEqual(['a@50']);
  });

  it('stops firing a cancelled schedule, even one cancelled by another punctuator', () => {
    const q = new PunctuationQueue();
    const fired: string[] = [];
    const b = q.schedule('b', 0, 10, () => fired.push('b'));
    q.schedule('a', 0, 10, () => {
      fired.push('a');
      b.cancel();
    });
    q.punctuate(0, (_n, cb, ts) => {
      cb(ts);
    });
    expect(fired).toEqual(['b', 'a']);
    q.punctuate(10, (_n, cb, ts) => {
      cb(ts);
    });
    expect(fired).toEqual(['b', 'a', 'a']);
    expect(q.size).toBe(1);
    q.clear();
    expect(q.size).toBe(0);
  });

  it('aligns the next due time to the grid of the interval', () => {
    expect(nextDue(0, 10, 3)).toBe(10);
    expect(nextDue(0, 10, 10)).toBe(20);
    expect(nextDue(0, 10, 35)).toBe(40);
    expect(nextDue(1005, 1000, 7000)).toBe(7005);
  });
});
