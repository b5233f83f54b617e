/** fast-check generators for records and batch options, shared by the record-format tests. */
import fc from 'fast-check';
import type { RecordHeader } from '../../core/index.js';
import { CompressionType } from '../../core/protocol/records/compression.js';

/** Every codec, by name, for `it.each`. */
export const CODECS = [
  ['none', CompressionType.NONE],
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
  ['zstd', CompressionType.ZSTD],
] as const;

/** Epoch-ms timestamps up to the year 2109. */
export const timestampArb = fc.integer({ min: 0, max: 2 ** 42 });

export const bytesArb = fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b));

export const nullableBytesArb = fc.option(bytesArb, { nil: null, freq: 4 });

/** Header keys in any script, since keys are UTF-8 on the wire. */
export const headerKeyArb = fc.string({ unit: 'grapheme', maxLength: 6 });

export function headerArb(allowNullValues: boolean): fc.Arbitrary<RecordHeader> {
  return fc.record({ key: headerKeyArb, value: allowNullValues ? nullableBytesArb : bytesArb });
}

/** Records whose headers may repeat keys; `timestamp` is sometimes absent. */
export const recordInputArb = fc.record(
  {
    key: nullableBytesArb,
    value: nullableBytesArb,
    headers: fc.array(headerArb(true), { maxLength: 4 }),
    timestamp: timestampArb,
  },
  { requiredKeys: ['key', 'value', 'headers'] },
);

/** The producer-chosen batch fields, across their whole ranges. */
export const batchFieldsArb = fc.record({
  baseOffset: fc.integer({ min: 0, max: 2 ** 52 }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  producerId: fc.oneof(fc.constant(-1), fc.maxSafeNat()),
  producerEpoch: fc.integer({ min: -1, max: 2 ** 15 - 1 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  transactional: fc.boolean(),
});
