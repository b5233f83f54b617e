import { describe, expect, it } from 'vitest';

import { FetchBuffer } from '../../../core/client/consumer/fetch-buffer.js';
import {
  decodePartitionRecords,
  PartitionDecoder,
} from '../../../core/client/consumer/fetch-records.js';
import { SubscriptionState } from '../../../core/client/consumer/subscription-state.js';
import {
  Attributes,
  ATTRIBUTES_OFFSET,
  updateBatchCrc,
} from '../../../core/protocol/records/batch-header.js';
import { encodeRecordBatch } from '../../../core/protocol/records/record-batch.js';

function batch(
  baseOffset: number,
  values: string[],
  options: { producerId?: number; transactional?: boolean } = {},
): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000 })),
    { baseOffset, ...options },
  );
}

/** A transaction marker: a control batch whose one record's key is version 0, type 0/1. */
function marker(baseOffset: number, producerId: number, commit: boolean): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const b = encodeRecordBatch([{ key, value: Buffer.alloc(6), timestamp: 1000 }], {
    baseOffset,
    producerId,
    transactional: true,
  });
  b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | Attributes.CONTROL, ATTRIBUTES_OFFSET);
  updateBatchCrc(b, 0);
  return b;
}

const offsets = (
  bytes: Buffer,
  from: number,
  aborted: { producerId: number; firstOffset: number }[] = [],
) => {
  const r = decodePartitionRecords('t', 0, bytes, from, aborted);
  return { offsets: r.records.map((x) => x.offset), next: r.nextOffset, truncated: r.truncated };
};

describe('decodePartitionRecords (read_committed)', () => {
  it('drops records below the fetch offset in the first batch', () => {
    const bytes = Buffer.concat([batch(10, ['a', 'b', 'c']), batch(13, ['d'])]);
    expect(offsets(bytes, 11)).toEqual({ offsets: [11, 12, 13], next: 14, truncated: false });
  });

  it('skips control batches and aborted transactions, keeps committed ones', () => {
    const bytes = Buffer.concat([
      batch(0, ['t1-a', 't1-b'], { producerId: 7, transactional: true }),
      batch(2, ['plain']),
      batch(3, ['t2-a'], { producerId: 8, transactional: true }),
      marker(4, 7, false),
      marker(5, 8, true),
      batch(6, ['t1-again'], { producerId: 7, transactional: true }),
      marker(7, 7, true),
    ]);
    const result = offsets(bytes, 0, [{ producerId: 7, firstOffset: 0 }]);
    expect(result).toEqual({ offsets: [2, 3, 6], next: 8, truncated: false });
  });

  it('advances past a response of markers only, and reports a batch too big to fit', () => {
    expect(offsets(marker(4, 1, true), 4)).toEqual({ offsets: [], next: 5, truncated: false });
    const whole = batch(0, ['x'.repeat(100)]);
    expect(offsets(whole.subarray(0, 40), 0)).toEqual({ offsets: [], next: 0, truncated: true });
  });
});

describe('FetchBuffer', () => {
  it('hands out prefetched data only while it continues from the position', () => {
    const state = new SubscriptionState();
    state.assignManually([{ topic: 't', partition: 0 }]);
    state.seek({ topic: 't', partition: 0, offset: 0 });
    const buffer = new FetchBuffer();
    const push = (from: number, n: number): void => {
      const r = decodePartitionRecords(
        't',
        0,
        batch(from, Array.from({ length: n }, String)),
        from,
        null,
      );
      buffer.push({
        topic: 't',
        partition: 0,
        cursor: from,
        records: r.records,
        index: 0,
        nextOffset: r.nextOffset,
        highWatermark: 100,
        bytes: 10,
      });
    };
    push(0, 5);
    push(5, 5);
    expect(buffer.take(state, 3)?.records.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(buffer.take(state, 3)?.records.map((r) => r.offset)).toEqual([3, 4]);
    expect(buffer.take(state, 3)?.records.map((r) => r.offset)).toEqual([5, 6, 7]);
    state.seek({ topic: 't', partition: 0, offset: 2 });
    expect(buffer.take(state, 3)).toBeUndefined();
    expect(buffer.bytes).toBe(0);
  });

  it('decodes lazily as records are handed out, and reports corrupt data when reached', () => {
    const state = new SubscriptionState();
    state.assignManually([{ topic: 't', partition: 0 }]);
    state.seek({ topic: 't', partition: 0, offset: 1 });
    const corrupt = batch(6, ['x', 'y']);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    const bytes = Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d', 'e', 'f']), corrupt]);
    const decoder = new PartitionDecoder('t', 0, bytes, 1, null);
    expect(decoder.nextOffset).toBe(8);
    const buffer = new FetchBuffer();
    buffer.push({
      topic: 't',
      partition: 0,
      cursor: 1,
      records: [],
      index: 0,
      decoder,
      nextOffset: decoder.nextOffset,
      highWatermark: 100,
      bytes: bytes.length,
    });
    expect(buffer.take(state, 4)?.records.map((r) => r.offset)).toEqual([1, 2, 3, 4]);
    expect(buffer.take(state, 4)?.records.map((r) => r.offset)).toEqual([5]);
    expect(() => buffer.take(state, 4)).toThrow(/t-0 at offset 6: corrupt data/);
    expect(buffer.take(state, 4)).toBeUndefined();
    expect(buffer.bytes).toBe(0);
    expect(state.get('t', 0)?.position).toBe(6);
  });
});
