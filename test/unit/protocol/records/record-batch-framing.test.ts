import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../core/protocol/byte-writer.js';
import {
  Attributes,
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  updateBatchCrc,
} from '../../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../../core/protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
  validateProducedBatch,
} from '../../../../core/protocol/records/record-batch.js';
import type { RecordInput } from '../../../../core/protocol/records/record.js';
import { ErrorCode } from '../../../../core/util/error-codes.js';
import { CorruptRecordError } from '../../../../core/util/errors.js';
import { CODECS } from '../../../helpers/record-arbitraries.js';

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptRecordError);
    return (err as CorruptRecordError).code;
  }
  throw new Error('expected a CorruptRecordError');
}

function records(n: number, tag: string): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`${tag}-${i}`),
    value: Buffer.from(`value ${tag} ${i}`),
    timestamp: 1_000 + i,
  }));
}

/** Rewrites header fields of a copy of `batch` and fixes its CRC, so only the lie remains. */
function patched(
  batch: Buffer,
  fields: { count?: number; lastOffsetDelta?: number; attributes?: number },
): Buffer {
  const copy = Buffer.from(batch);
  if (fields.count !== undefined) copy.writeInt32BE(fields.count, RECORDS_COUNT_OFFSET);
  if (fields.lastOffsetDelta !== undefined) {
    copy.writeInt32BE(fields.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  }
  if (fields.attributes !== undefined) copy.writeInt16BE(fields.attributes, ATTRIBUTES_OFFSET);
  updateBatchCrc(copy, 0);
  return copy;
}

/** A batch of records with the given offsetDeltas, each a null key and value. */
function batchWithDeltas(deltas: readonly number[]): Buffer {
  const w = new ByteWriter();
  for (const delta of deltas) {
    const body = new ByteWriter().writeInt8(0).writeVarlong(0).writeVarint(delta);
    body.writeVarint(-1).writeVarint(-1).writeVarint(0);
    const bytes = body.finish();
    w.writeVarint(bytes.length).writeBytes(bytes);
  }
  const template = encodeRecordBatch([{ key: null, value: null, timestamp: 0 }]);
  const batch = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), w.finish()]);
  batch.writeInt32BE(batch.length - 12, BATCH_LENGTH_OFFSET);
  return patched(batch, { count: deltas.length, lastOffsetDelta: deltas.length - 1 });
}

describe('iterateBatches', () => {
  const batches = [
    encodeRecordBatch(records(3, 'a'), { baseOffset: 0 }),
    encodeRecordBatch(records(1, 'b'), { baseOffset: 3, compression: CompressionType.SNAPPY }),
    encodeRecordBatch(records(5, 'c'), { baseOffset: 4, compression: CompressionType.ZSTD }),
  ];
  const all = Buffer.concat(batches);

  it('walks concatenated batches by their lengths', () => {
    const found = [...iterateBatches(all)];
    expect(found.map((b) => b.size)).toEqual(batches.map((b) => b.length));
    const offsets = found.flatMap(({ pos }) =>
      decodeRecordBatch(all, pos).records.map((r) => r.offset),
    );
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('yields nothing for an empty buffer', () => {
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });

  it('stops before a trailing partial batch, wherever the buffer is cut', () => {
    const complete = [...iterateBatches(all)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length }), (cut) => {
        const view = all.subarray(0, cut);
        const found = [...iterateBatches(view)];
        expect(found).toEqual(complete.filter((b) => b.pos + b.size <= cut));
        for (const b of found) expect(b.pos + b.size).toBeLessThanOrEqual(cut);
      }),
    );
  });

  it('rejects a batchLength too small to be a batch rather than loop on it', () => {
    const bad = Buffer.from(all);
    bad.writeInt32BE(0, batches[0]!.length + BATCH_LENGTH_OFFSET);
    const walk = iterateBatches(bad);
    expect(walk.next().value).toEqual({ pos: 0, size: batches[0]!.length });
    expect(() => walk.next()).toThrow(CorruptRecordError);
  });
});

describe('validateProducedBatch', () => {
  it.each(CODECS)(
    'accepts a client batch compressed with %s and returns its header',
    (_, compression) => {
      const batch = encodeRecordBatch(records(4, 'p'), {
        compression,
        producerId: 77,
        producerEpoch: 2,
        baseSequence: 10,
      });
      expect(validateProducedBatch(batch)).toMatchObject({
        producerId: 77,
        producerEpoch: 2,
        baseSequence: 10,
        lastOffsetDelta: 3,
        recordCount: 4,
      });
    },
  );

  it('rejects a corrupted batch as CORRUPT_MESSAGE', () => {
    const batch = encodeRecordBatch(records(2, 'x'));
    const last = batch.length - 1;
    batch.writeUInt8(batch.readUInt8(last) ^ 0xff, last);
    expect(codeOf(() => validateProducedBatch(batch))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects more than one batch as INVALID_RECORD', () => {
    const two = Buffer.concat([
      encodeRecordBatch(records(1, 'a')),
      encodeRecordBatch(records(1, 'b')),
    ]);
    expect(codeOf(() => validateProducedBatch(two))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('rejects control batches from clients as INVALID_RECORD', () => {
    const batch = patched(encodeRecordBatch(records(1, 'c')), { attributes: Attributes.CONTROL });
    expect(codeOf(() => validateProducedBatch(batch))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('rejects an unknown codec as UNSUPPORTED_COMPRESSION_TYPE', () => {
    const batch = patched(encodeRecordBatch(records(1, 'z')), { attributes: 5 });
    expect(codeOf(() => validateProducedBatch(batch))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it.each([
    ['lastOffsetDelta beyond the count', { lastOffsetDelta: 3 }],
    ['lastOffsetDelta short of the count', { lastOffsetDelta: 1 }],
  ])('rejects %s as INVALID_RECORD, compressed or not', (_, fields) => {
    for (const compression of [CompressionType.NONE, CompressionType.GZIP]) {
      const batch = patched(encodeRecordBatch(records(3, 'l'), { compression }), fields);
      expect(codeOf(() => validateProducedBatch(batch))).toBe(ErrorCode.INVALID_RECORD);
    }
  });

  it('rejects a batch with no records as INVALID_RECORD', () => {
    expect(codeOf(() => validateProducedBatch(batchWithDeltas([])))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('accepts offsetDeltas 0..n-1', () => {
    expect(validateProducedBatch(batchWithDeltas([0, 1, 2])).recordCount).toBe(3);
  });

  it.each([
    ['a gap', [0, 2, 3]],
    ['a repeat', [0, 0, 1]],
    ['a reordering', [1, 0, 2]],
  ])('rejects offsetDeltas with %s as INVALID_RECORD', (_, deltas) => {
    expect(codeOf(() => validateProducedBatch(batchWithDeltas(deltas)))).toBe(
      ErrorCode.INVALID_RECORD,
    );
  });

  it('rejects records that do not parse as INVALID_RECORD', () => {
    const batch = batchWithDeltas([0, 1]);
    const broken = Buffer.concat([batch, Buffer.from([0x00])]);
    broken.writeInt32BE(broken.length - 12, BATCH_LENGTH_OFFSET);
    updateBatchCrc(broken, 0);
    expect(codeOf(() => validateProducedBatch(broken))).toBe(ErrorCode.INVALID_RECORD);
    const truncatedRecord = patched(batchWithDeltas([0, 1]), { count: 3, lastOffsetDelta: 2 });
    expect(codeOf(() => validateProducedBatch(truncatedRecord))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('agrees with the decoder on every record of a valid batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const batch = encodeRecordBatch(records(n, 'f'));
        expect(validateProducedBatch(batch).recordCount).toBe(
          decodeRecordBatch(batch).records.length,
        );
      }),
      { numRuns: 20 },
    );
  });
});
