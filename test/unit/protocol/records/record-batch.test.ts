import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../core/protocol/byte-writer.js';
import {
  Attributes,
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  checkBatch,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  stampLogAppendTime,
  TimestampType,
  updateBatchCrc,
} from '../../../../core/protocol/records/batch-header.js';
import { compress, CompressionType } from '../../../../core/protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
} from '../../../../core/protocol/records/record-batch.js';
import type { RecordInput } from '../../../../core/protocol/records/record.js';
import { AssertionError } from '../../../../core/util/assert.js';
import { ErrorCode } from '../../../../core/util/error-codes.js';
import { CorruptRecordError } from '../../../../core/util/errors.js';
import {
  batchFieldsArb,
  CODECS,
  recordInputArb,
  timestampArb,
} from '../../../helpers/record-arbitraries.js';

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptRecordError);
    return (err as CorruptRecordError).code;
  }
  throw new Error('expected a CorruptRecordError');
}

const SAMPLE: readonly RecordInput[] = [
  { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_000 },
  {
    key: null,
    value: Buffer.from('v2'),
    headers: [{ key: 'h', value: null }],
    timestamp: 1_010,
  },
  { key: Buffer.from('k3'), value: null, timestamp: 990 },
];

/** Wraps hand-made record bytes in a valid header and CRC, to test record-level checks. */
function batchAround(
  records: Buffer,
  count: number,
  fields: { lastOffsetDelta?: number; attributes?: number } = {},
): Buffer {
  const template = encodeRecordBatch([{ key: null, value: null, timestamp: 0 }]);
  const batch = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), records]);
  batch.writeInt32BE(batch.length - 12, BATCH_LENGTH_OFFSET);
  batch.writeInt16BE(fields.attributes ?? 0, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(fields.lastOffsetDelta ?? count - 1, LAST_OFFSET_DELTA_OFFSET);
  batch.writeInt32BE(count, RECORDS_COUNT_OFFSET);
  updateBatchCrc(batch, 0);
  return batch;
}

interface RawRecord {
  offsetDelta?: number;
  keyLength?: number;
  headerCount?: number;
  /** Added to the true body length in the length prefix. */
  lengthSkew?: number;
  /** Bytes appended to the body (and counted in the length). */
  padding?: number;
}

/** A record with a null key and value, written field by field so any field can lie. */
function rawRecord(spec: RawRecord = {}): Buffer {
  const body = new ByteWriter()
    .writeInt8(0)
    .writeVarlong(0)
    .writeVarint(spec.offsetDelta ?? 0)
    .writeVarint(spec.keyLength ?? -1)
    .writeVarint(-1)
    .writeVarint(spec.headerCount ?? 0)
    .writeBytes(Buffer.alloc(spec.padding ?? 0))
    .finish();
  return new ByteWriter()
    .writeVarint(body.length + (spec.lengthSkew ?? 0))
    .writeBytes(body)
    .finish();
}

describe('encodeRecordBatch / decodeRecordBatch', () => {
  it.each(CODECS)('round-trips any records and producer fields with %s', (_name, compression) => {
    fc.assert(
      fc.property(
        fc.array(recordInputArb, { minLength: 1, maxLength: 12 }),
        batchFieldsArb,
        timestampArb,
        (records, fields, now) => {
          const batch = encodeRecordBatch(records, { ...fields, compression, now });
          expect(checkBatch(batch)).toBe(batch.length);
          const { header, records: decoded } = decodeRecordBatch(batch);
          expect(header).toMatchObject({
            baseOffset: fields.baseOffset,
            partitionLeaderEpoch: fields.partitionLeaderEpoch,
            producerId: fields.producerId,
            producerEpoch: fields.producerEpoch,
            baseSequence: fields.baseSequence,
            magic: 2,
            lastOffsetDelta: records.length - 1,
            recordCount: records.length,
          });
          expect(header.attributes & Attributes.COMPRESSION_MASK).toBe(compression);
          expect((header.attributes & Attributes.TRANSACTIONAL) !== 0).toBe(fields.transactional);
          const timestamps = records.map((r) => r.timestamp ?? now);
          expect(header.baseTimestamp).toBe(Math.min(...timestamps));
          expect(header.maxTimestamp).toBe(Math.max(...timestamps));
          expect(decoded).toEqual(
            records.map((r, i) => ({
              offset: fields.baseOffset + i,
              timestamp: timestamps[i],
              key: r.key,
              value: r.value,
              headers: r.headers,
            })),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('decodes absolute offsets and timestamps, and absent headers as none', () => {
    const { records } = decodeRecordBatch(encodeRecordBatch(SAMPLE, { baseOffset: 100 }));
    expect(records).toEqual([
      {
        offset: 100,
        timestamp: 1_000,
        key: Buffer.from('k1'),
        value: Buffer.from('v1'),
        headers: [],
      },
      {
        offset: 101,
        timestamp: 1_010,
        key: null,
        value: Buffer.from('v2'),
        headers: [{ key: 'h', value: null }],
      },
      { offset: 102, timestamp: 990, key: Buffer.from('k3'), value: null, headers: [] },
    ]);
  });

  it('stamps records without a timestamp with `now`', () => {
    const batch = encodeRecordBatch(
      [
        { key: null, value: null },
        { key: null, value: null, timestamp: 3 },
      ],
      { now: 42 },
    );
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([42, 3]);
  });

  it('uses the producer defaults of a non-idempotent client', () => {
    const { header } = decodeRecordBatch(encodeRecordBatch(SAMPLE));
    expect(header).toMatchObject({
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      attributes: 0,
      baseTimestamp: 990,
      maxTimestamp: 1_010,
    });
  });

  it('decodes a batch at an offset inside a larger buffer', () => {
    const batch = encodeRecordBatch(SAMPLE, { compression: CompressionType.GZIP });
    const framed = Buffer.concat([Buffer.from('prefix'), batch, Buffer.from('suffix')]);
    expect(decodeRecordBatch(framed, 6).records).toEqual(decodeRecordBatch(batch).records);
  });

  it('gives every record `now` when encoding with LogAppendTime', () => {
    const batch = encodeRecordBatch(SAMPLE, {
      timestampType: TimestampType.LOG_APPEND_TIME,
      now: 5_000,
    });
    const { header, records } = decodeRecordBatch(batch);
    expect(header.attributes & Attributes.TIMESTAMP_TYPE_LOG_APPEND).not.toBe(0);
    expect(header.maxTimestamp).toBe(5_000);
    expect(records.map((r) => r.timestamp)).toEqual([5_000, 5_000, 5_000]);
  });

  it('reads a broker-stamped LogAppendTime batch as maxTimestamp for every record', () => {
    const batch = encodeRecordBatch(SAMPLE, { compression: CompressionType.LZ4 });
    stampLogAppendTime(batch, 0, 7_777);
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual([7_777, 7_777, 7_777]);
  });

  it('refuses to encode an empty batch', () => {
    expect(() => encodeRecordBatch([])).toThrow(AssertionError);
  });

  it('re-encodes a compacted batch with its offset gaps and lastOffsetDelta', () => {
    const survivors = [0, 2, 5].map((offsetDelta) => ({
      key: Buffer.from([offsetDelta]),
      value: null,
      timestamp: 10 + offsetDelta,
      offsetDelta,
    }));
    const batch = encodeRecordBatch(survivors, { baseOffset: 40, lastOffsetDelta: 7 });
    const { header, records } = decodeRecordBatch(batch);
    expect(header.lastOffsetDelta).toBe(7);
    expect(header.recordCount).toBe(3);
    expect(records.map((r) => r.offset)).toEqual([40, 42, 45]);
    expect(() => encodeRecordBatch(survivors, { lastOffsetDelta: 4 })).toThrow(AssertionError);
    const unordered = [survivors[1]!, survivors[0]!];
    expect(() => encodeRecordBatch(unordered)).toThrow(AssertionError);
  });

  it('decodes compacted batches whose offsetDeltas have gaps', () => {
    const records = Buffer.concat([0, 2, 5].map((offsetDelta) => rawRecord({ offsetDelta })));
    const batch = batchAround(records, 3, { lastOffsetDelta: 5 });
    expect(decodeRecordBatch(batch).records.map((r) => r.offset)).toEqual([0, 2, 5]);
  });

  it('decodes control batches like any other', () => {
    const controlKey = Buffer.from([0, 0, 0, 1]);
    const body = new ByteWriter().writeInt8(0).writeVarlong(0).writeVarint(0);
    body.writeVarint(controlKey.length).writeBytes(controlKey).writeVarint(-1).writeVarint(0);
    const bytes = body.finish();
    const record = new ByteWriter().writeVarint(bytes.length).writeBytes(bytes).finish();
    const batch = batchAround(record, 1, { attributes: Attributes.CONTROL });
    expect(decodeRecordBatch(batch).records[0]?.key).toEqual(controlKey);
  });
});

describe('decodeRecordBatch rejects bad batches', () => {
  const batches = CODECS.map(
    ([name, compression]) =>
      [name, encodeRecordBatch(SAMPLE, { compression, producerId: 9, baseSequence: 3 })] as const,
  );

  it.each(batches)(
    'flags any flipped CRC-covered byte of a %s batch as CORRUPT_MESSAGE',
    (_, batch) => {
      fc.assert(
        fc.property(
          fc.integer({ min: ATTRIBUTES_OFFSET, max: batch.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          (at, mask) => {
            const copy = Buffer.from(batch);
            copy[at] = (copy[at] ?? 0) ^ mask;
            expect(codeOf(() => checkBatch(copy))).toBe(ErrorCode.CORRUPT_MESSAGE);
            expect(codeOf(() => decodeRecordBatch(copy))).toBe(ErrorCode.CORRUPT_MESSAGE);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it.each(batches)('flags every truncation of a %s batch as CORRUPT_MESSAGE', (_, batch) => {
    for (let cut = 0; cut < batch.length; cut++) {
      expect(codeOf(() => decodeRecordBatch(batch.subarray(0, cut)))).toBe(
        ErrorCode.CORRUPT_MESSAGE,
      );
    }
  });

  it.each([0, 1, 3, -1])('rejects magic %d as INVALID_RECORD', (magic) => {
    const batch = encodeRecordBatch(SAMPLE);
    batch.writeInt8(magic, MAGIC_OFFSET);
    expect(codeOf(() => decodeRecordBatch(batch))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('rejects an unknown codec as UNSUPPORTED_COMPRESSION_TYPE', () => {
    const batch = batchAround(rawRecord(), 1, { attributes: 6 });
    expect(codeOf(() => decodeRecordBatch(batch))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it('rejects compressed records that are not what the codec says', () => {
    const batch = batchAround(Buffer.from('not gzip at all'), 1, { attributes: 1 });
    expect(codeOf(() => decodeRecordBatch(batch))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it.each(CODECS.slice(1))('enforces maxDecompressedBytes on %s batches', (_, compression) => {
    const big = [{ key: null, value: Buffer.alloc(1024 * 1024), timestamp: 0 }];
    const batch = encodeRecordBatch(big, { compression });
    expect(batch.length).toBeLessThan(64 * 1024);
    expect(() => decodeRecordBatch(batch, 0, { maxDecompressedBytes: 64 * 1024 })).toThrow(/limit/);
    expect(decodeRecordBatch(batch).records[0]?.value?.length).toBe(1024 * 1024);
  });

  const structural: [string, Buffer, number][] = [
    ['trailing bytes after the last record', Buffer.concat([rawRecord(), Buffer.alloc(3)]), 1],
    [
      'fewer records than recordCount',
      Buffer.concat([rawRecord(), rawRecord({ offsetDelta: 1 })]),
      3,
    ],
    ['a length longer than the fields', rawRecord({ lengthSkew: 1 }), 1],
    ['a length shorter than the fields', rawRecord({ lengthSkew: -1 }), 1],
    ['a length past the end of the batch', rawRecord({ lengthSkew: 1000 }), 1],
    ['a key length past the end of the batch', rawRecord({ keyLength: 2 ** 30 }), 1],
    ['a key length below -1', rawRecord({ keyLength: -2 }), 1],
    ['a header count no record could hold', rawRecord({ headerCount: 2 ** 30 }), 1],
    ['a negative header count', rawRecord({ headerCount: -1 }), 1],
    ['padding inside a record', rawRecord({ padding: 2 }), 1],
    ['a recordCount the bytes cannot hold', Buffer.concat([rawRecord(), Buffer.alloc(60)]), 60],
  ];

  it.each(structural)('flags %s as CORRUPT_MESSAGE', (_, records, count) => {
    const batch = batchAround(records, count, { lastOffsetDelta: Math.max(count - 1, 0) });
    expect(codeOf(() => decodeRecordBatch(batch))).toBe(ErrorCode.CORRUPT_MESSAGE);
    // The same checks hold inside a compressed blob.
    const compressed = Buffer.concat([
      batch.subarray(0, RECORD_BATCH_OVERHEAD),
      compress(CompressionType.ZSTD, records),
    ]);
    compressed.writeInt32BE(compressed.length - 12, BATCH_LENGTH_OFFSET);
    compressed.writeInt16BE(CompressionType.ZSTD, ATTRIBUTES_OFFSET);
    updateBatchCrc(compressed, 0);
    expect(codeOf(() => decodeRecordBatch(compressed))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it.each([
    ['decreasing', [1, 0], 1],
    ['repeated', [0, 0], 1],
    ['beyond lastOffsetDelta', [0, 2], 1],
    ['negative', [-1, 0], 1],
  ])('flags %s offsetDeltas as INVALID_RECORD', (_, deltas, lastOffsetDelta) => {
    const records = Buffer.concat(deltas.map((offsetDelta) => rawRecord({ offsetDelta })));
    const batch = batchAround(records, deltas.length, { lastOffsetDelta });
    expect(codeOf(() => decodeRecordBatch(batch))).toBe(ErrorCode.INVALID_RECORD);
  });
});
