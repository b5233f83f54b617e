import { describe, expect, it } from 'vitest';

import { StoreCoverage } from '../../../../streams/runtime/store-checkpoints.js';

describe('StoreCoverage', () => {
  it('starts at the checkpoint it was opened with (-1: nothing known)', () => {
    expect(new StoreCoverage(42).offset).toBe(42);
    expect(new StoreCoverage(-1).offset).toBe(-1);
  });

  it('counts an acknowledged change only once a flush put it on disk', () => {
    const c = new StoreCoverage(10);
    const first = c.written();
    c.delivered(first, 10); // acknowledged before the flush: not on disk yet
    expect(c.offset).toBe(10);
    c.flushed();
    expect(c.offset).toBe(11);
    const second = c.written();
    c.flushed(); // on disk before its acknowledgement
    const third = c.written(); // not flushed
    c.delivered(second, 11);
    c.delivered(third, 12);
    expect(c.offset).toBe(12);
    c.flushed();
    expect(c.offset).toBe(13);
  });

  it('takes a restore to its end offset once the restored data is flushed', () => {
    const c = new StoreCoverage(-1);
    c.restored(500);
    expect(c.offset).toBe(-1);
    c.flushed();
    expect(c.offset).toBe(500);
  });
});
