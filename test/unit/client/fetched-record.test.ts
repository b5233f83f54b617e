import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeFetchedBatch } from '../../../core/client/consumer/fetched-record.js';
import type { ConsumerRecord } from '../../../core/client/consumer/types.js';
import { TimestampType, updateBatchCrc } from '../../../core/protocol/records/batch-header.js';
import {
  decodeRecordBatchInto,
  encodeRecordBatch,
} from '../../../core/protocol/records/record-batch.js';
import type { PartitionRecord } from '../../../core/protocol/records/record.js';
import { CorruptRecordError } from '../../../core/util/errors.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { CODECS, recordInputArb } from '../../helpers/record-arbitraries.js';

/** A record's fields read through its accessors, as an application sees them. */
const plain = (r: ConsumerRecord): PartitionRecord => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  timestamp: r.timestamp,
  key: r.key,
  value: r.value,
  headers: r.headers,
});

describe('decodeFetchedBatch', () => {
  it('hands out what the eager decoder does, for every codec and fetch offset', () => {
    fc.assert(
      fc.property(
        fc.array(recordInputArb, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...CODECS.map(([, c]) => c)),
        fc.boolean(),
        fc.nat({ max: 14 }),
        (records, compression, logAppendTime, skip) => {
          const baseOffset = 100;
          const bytes = encodeRecordBatch(records, {
            baseOffset,
            compression,
            now: 5_000,
            ...(logAppendTime ? { timestampType: TimestampType.LOG_APPEND_TIME } : {}),
          });
          const expected: PartitionRecord[] = [];
          decodeRecordBatchInto(bytes, 0, bytes.length, 't', 3, baseOffset + skip, expected);
          const lazy: ConsumerRecord[] = [];
          const from = { topic: 't', partition: 3, bytes };
          decodeFetchedBatch(from, 0, bytes.length, baseOffset + skip, lazy);
          expect(lazy.map(plain)).toEqual(expected);
        },
      ),
      { seed: fcSeed('lazy consumer records') },
    );
  });

  it('refuses corrupt bytes and malformed records, leaving the output as it was', () => {
    const records = [0, 1].map((i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: 1 }));
    const flipped = encodeRecordBatch(records);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 0xff, flipped.length - 1);
    // A valid CRC over a last record that claims a header it does not have.
    const malformed = encodeRecordBatch(records);
    malformed[malformed.length - 1] = 2;
    updateBatchCrc(malformed, 0);
    for (const bytes of [flipped, malformed]) {
      const out: ConsumerRecord[] = [];
      const from = { topic: 't', partition: 0, bytes };
      expect(() => {
        decodeFetchedBatch(from, 0, bytes.length, 0, out);
      }).toThrow(CorruptRecordError);
      expect(out).toEqual([]);
    }
  });
});
