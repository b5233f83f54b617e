import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeRecordBatch,
  encodeRecordBatch,
} from '../../../../core/protocol/records/record-batch.js';
import {
  groupHeaders,
  kafkajsDecodeBatch,
  kafkajsEncodeBatch,
  registerKafkajsCodecs,
} from '../../../helpers/kafkajs-record-batch.js';
import {
  batchFieldsArb,
  CODECS,
  headerArb,
  nullableBytesArb,
  recordInputArb,
  timestampArb,
} from '../../../helpers/record-arbitraries.js';

// kafkajs stores header values with Buffer.byteLength, so its records carry no null header
// values, and it needs a timestamp on every record.
const kafkajsRecordArb = fc.record({
  key: nullableBytesArb,
  value: nullableBytesArb,
  headers: fc.array(headerArb(false), { maxLength: 4 }),
  timestamp: timestampArb,
});

beforeAll(() => {
  registerKafkajsCodecs();
});

describe('kafkajs 2.2.4 record-format compatibility', () => {
  it.each(CODECS)('fjord decodes what kafkajs encodes with %s', async (_, compression) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(kafkajsRecordArb, { minLength: 1, maxLength: 10 }),
        batchFieldsArb,
        async (records, fields) => {
          const batch = await kafkajsEncodeBatch(records, { ...fields, compression });
          const { header, records: decoded } = decodeRecordBatch(batch);
          expect(header).toMatchObject({
            baseOffset: fields.baseOffset,
            partitionLeaderEpoch: fields.partitionLeaderEpoch,
            attributes: compression | (fields.transactional ? 0x10 : 0),
            lastOffsetDelta: records.length - 1,
            baseTimestamp: records[0]?.timestamp,
            maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
            producerId: fields.producerId,
            producerEpoch: fields.producerEpoch,
            baseSequence: fields.baseSequence,
            recordCount: records.length,
          });
          // kafkajs writes headers grouped by key, so compare them grouped.
          expect(decoded.map((r) => ({ ...r, headers: groupHeaders(r.headers) }))).toEqual(
            records.map((r, i) => ({
              offset: fields.baseOffset + i,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: groupHeaders(r.headers),
            })),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(CODECS)('kafkajs decodes what fjord encodes with %s', async (_, compression) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordInputArb, { minLength: 1, maxLength: 10 }),
        batchFieldsArb,
        timestampArb,
        async (records, fields, now) => {
          const batch = encodeRecordBatch(records, { ...fields, compression, now });
          const decoded = await kafkajsDecodeBatch(batch);
          const timestamps = records.map((r) => r.timestamp ?? now);
          expect(decoded).toMatchObject({
            firstOffset: String(fields.baseOffset),
            partitionLeaderEpoch: fields.partitionLeaderEpoch,
            inTransaction: fields.transactional,
            isControlBatch: false,
            lastOffsetDelta: records.length - 1,
            firstTimestamp: String(Math.min(...timestamps)),
            maxTimestamp: String(Math.max(...timestamps)),
            producerId: String(fields.producerId),
            producerEpoch: fields.producerEpoch,
            firstSequence: fields.baseSequence,
          });
          expect(
            decoded.records.map((r) => ({
              offset: r.offset,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: r.headers,
            })),
          ).toEqual(
            records.map((r, i) => ({
              offset: String(fields.baseOffset + i),
              timestamp: String(timestamps[i]),
              key: r.key,
              value: r.value,
              headers: groupHeaders(r.headers),
            })),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('agrees with kafkajs byte for byte on an uncompressed batch', async () => {
    const records = [
      { key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestamp: 1_000 },
      {
        key: null,
        value: Buffer.from('w'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
        timestamp: 1_005,
      },
    ];
    const fields = {
      baseOffset: 0,
      partitionLeaderEpoch: 0,
      producerId: 5,
      producerEpoch: 1,
      baseSequence: 7,
      transactional: false,
    };
    const theirs = await kafkajsEncodeBatch(records, { ...fields, compression: 0 });
    const ours = encodeRecordBatch(records, fields);
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
  });

  it('reads kafkajs batches whose timestamps run backwards (negative deltas)', async () => {
    const records = [1_000_000, 5, 2_000_000].map((timestamp) => ({
      key: null,
      value: Buffer.from(String(timestamp)),
      headers: [],
      timestamp,
    }));
    const fields = {
      baseOffset: 10,
      partitionLeaderEpoch: 0,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: 0,
      transactional: false,
    };
    for (const [, compression] of CODECS) {
      const batch = await kafkajsEncodeBatch(records, { ...fields, compression });
      const { header, records: decoded } = decodeRecordBatch(batch);
      expect(header.baseTimestamp).toBe(1_000_000);
      expect(decoded.map((r) => r.timestamp)).toEqual([1_000_000, 5, 2_000_000]);
      expect(decoded.map((r) => r.offset)).toEqual([10, 11, 12]);
    }
  });
});
