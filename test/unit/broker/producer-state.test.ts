import { describe, expect, it } from 'vitest';

import {
  MAX_SEQUENCE,
  ProducerStateManager,
  lastSequence,
  nextSequence,
} from '../../../core/broker/producer-state.js';
import type { ProducerBatch } from '../../../core/broker/producer-state.js';
import { ErrorCode } from '../../../core/util/error-codes.js';

function batch(producerEpoch: number, baseSequence: number, count = 1): ProducerBatch {
  return { producerId: 1, producerEpoch, baseSequence, lastOffsetDelta: count - 1 };
}

describe('producer sequences', () => {
  it('wraps from 2^31-1 to 0', () => {
    expect(nextSequence(MAX_SEQUENCE)).toBe(0);
    expect(nextSequence(41)).toBe(42);
    expect(lastSequence(MAX_SEQUENCE - 1, 3)).toBe(1);
    expect(lastSequence(MAX_SEQUENCE, 0)).toBe(MAX_SEQUENCE);
    expect(lastSequence(MAX_SEQUENCE, 1)).toBe(0);
    expect(lastSequence(10, 4)).toBe(14);
  });

  it('accepts the batch after a wrapped sequence and recognises a wrapped duplicate', () => {
    const state = new ProducerStateManager();
    const wrapping = batch(0, MAX_SEQUENCE - 1, 4); // sequences 2^31-2 .. 1
    state.record(wrapping, 100, 1);
    expect(state.check(batch(0, 2))).toEqual({ kind: 'append' });
    expect(state.check(wrapping)).toMatchObject({ kind: 'duplicate', batch: { baseOffset: 100 } });
    expect(state.check(batch(0, 3))).toMatchObject({
      kind: 'reject',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });
});

describe('ProducerStateManager', () => {
  it('follows the rules of kafka-protocol.md §3.5 in order', () => {
    const state = new ProducerStateManager();
    expect(state.check(batch(2, 500))).toEqual({ kind: 'append' });
    state.record(batch(2, 500, 5), 0, 10);
    expect(state.check(batch(1, 505))).toMatchObject({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(state.check(batch(2, 500, 5))).toMatchObject({ kind: 'duplicate' });
    expect(state.check(batch(3, 1))).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(state.check(batch(3, 0))).toEqual({ kind: 'append' });
    expect(state.check(batch(2, 506))).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(state.check(batch(2, 505))).toEqual({ kind: 'append' });
    // A same-range duplicate needs the same count too: a different last sequence is a gap.
    expect(state.check(batch(2, 500, 4))).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it('starts over when the epoch changes and remembers five batches', () => {
    const state = new ProducerStateManager();
    for (let i = 0; i < 7; i++) state.record(batch(0, i), i, i);
    expect(state.get(1)?.batches.map((b) => b.firstSeq)).toEqual([2, 3, 4, 5, 6]);
    state.record(batch(1, 0), 7, 7);
    expect(state.get(1)).toEqual({
      producerId: 1,
      epoch: 1,
      batches: [{ firstSeq: 0, lastSeq: 0, baseOffset: 7, lastOffsetDelta: 0, timestamp: 7 }],
    });
  });

  it('never answers DUPLICATE_SEQUENCE_NUMBER', () => {
    const state = new ProducerStateManager();
    state.record(batch(0, 0), 0, 0);
    for (let seq = -1; seq < 10; seq++) {
      for (const epoch of [-1, 0, 1]) {
        const verdict = state.check(batch(epoch, seq));
        if (verdict.kind === 'reject') expect(verdict.errorCode).not.toBe(46);
      }
    }
  });

  it('survives a snapshot round trip through JSON', () => {
    const state = new ProducerStateManager();
    state.record(batch(0, 0, 3), 10, 1000);
    state.record({ ...batch(4, 0), producerId: 2 }, 13, 1001);
    const restored = ProducerStateManager.fromSnapshot(
      JSON.parse(JSON.stringify(state.toSnapshot(14))),
    );
    expect(restored?.offset).toBe(14);
    expect(restored?.state.get(1)).toEqual(state.get(1));
    expect(restored?.state.get(2)).toEqual(state.get(2));
    expect(restored?.state.check(batch(0, 0, 3))).toMatchObject({ kind: 'duplicate' });
  });

  it('refuses malformed snapshots', () => {
    for (const bad of [
      null,
      [],
      { version: 2, offset: 0, producers: [] },
      { version: 1, offset: 'x', producers: [] },
      { version: 1, offset: 0, producers: [{ producerId: 1, epoch: 0, batches: [{}] }] },
    ])
      expect(ProducerStateManager.fromSnapshot(bad)).toBeUndefined();
  });

  it('expires producers by the timestamp of their newest batch', () => {
    const state = new ProducerStateManager();
    state.record(batch(0, 0), 0, 1000);
    const version = state.version;
    expect(state.removeExpired(1999, 1000)).toBe(0);
    expect(state.version).toBe(version);
    expect(state.removeExpired(2000, 1000)).toBe(1);
    expect(state.size).toBe(0);
    expect(state.check(batch(0, 77))).toEqual({ kind: 'append' });
  });
});
