import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PartitionQueue } from '../../../core/client/producer/producer-batch.js';
import type {
  ProducerBytes,
  ProducerHeaders,
  ProducerRecord,
} from '../../../core/client/producer/producer-record.js';
import { PreparedRecord, prepareRecord } from '../../../core/client/producer/producer-record.js';
import { RecordBatchBuilder } from '../../../core/client/producer/record-batch-builder.js';
import { Utf8Scratch } from '../../../core/client/producer/utf8-scratch.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { decodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { CODECS, timestampArb } from '../../helpers/record-arbitraries.js';

/** Keys and values as callers pass them: bytes, strings in any script and of any length, null. */
const producerBytesArb: fc.Arbitrary<ProducerBytes> = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 60, maxLength: 300 }),
);

const headersArb: fc.Arbitrary<ProducerHeaders> = fc.oneof(
  fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 6 }), value: producerBytesArb }),
    { maxLength: 3 },
  ),
  fc.dictionary(fc.string({ maxLength: 5 }), producerBytesArb, { maxKeys: 3 }),
);

/** Records as callers write them: headers and timestamp are sometimes absent. */
const recordArb = fc.record(
  { key: producerBytesArb, value: producerBytesArb, headers: headersArb, timestamp: timestampArb },
  { requiredKeys: ['key', 'value'] },
);

const asBuffer = (b: ProducerBytes | undefined): Buffer | null =>
  b === null || b === undefined ? null : Buffer.from(b);

function headerList(h: ProducerRecord['headers']): { key: string; value: Buffer | null }[] {
  if (h === undefined) return [];
  const entries = Array.isArray(h)
    ? (h as { key: string; value: ProducerBytes }[]).map((x) => [x.key, x.value] as const)
    : Object.entries(h as Record<string, ProducerBytes>);
  return entries.map(([key, value]) => ({ key, value: asBuffer(value) }));
}

describe('RecordBatchBuilder', () => {
  it('builds batches every reader decodes back to the records sent, in every codec', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...CODECS.map(([, c]) => c)),
        timestampArb,
        fc.record({
          producerId: fc.oneof(fc.constant(-1), fc.maxSafeNat()),
          producerEpoch: fc.integer({ min: -1, max: 2 ** 15 - 1 }),
          baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        }),
        (inputs, codec, nowMs, stamp) => {
          const draft = PreparedRecord.reusable();
          // A small first buffer, so that growing is exercised too.
          const builder = new RecordBatchBuilder(Buffer.allocUnsafe(64));
          for (const input of inputs) builder.append(draft.fill({ topic: 't', ...input }, nowMs));
          const { header, records } = decodeRecordBatch(builder.build(codec, stamp));
          const timestamps = inputs.map((r) => r.timestamp ?? nowMs);
          expect(header).toMatchObject({
            ...stamp,
            recordCount: inputs.length,
            lastOffsetDelta: inputs.length - 1,
            baseTimestamp: timestamps[0],
            maxTimestamp: Math.max(...timestamps),
            attributes: codec,
          });
          expect(records).toEqual(
            inputs.map((r, i) => ({
              offset: i,
              timestamp: timestamps[i],
              key: asBuffer(r.key),
              value: asBuffer(r.value),
              headers: headerList(r.headers),
            })),
          );
          expect(inputs.map((_, i) => builder.timestampAt(i))).toEqual(timestamps);
        },
      ),
      { seed: fcSeed('record batch builder round trip'), numRuns: 200 },
    );
  });

  it('writes timestamp deltas of any size and sign, as varlongs', () => {
    const times = [2 ** 42, 0, 2 ** 42 + 2 ** 31, 2 ** 42 - 1, 2 ** 42 + 5];
    const builder = new RecordBatchBuilder(Buffer.allocUnsafe(16));
    const draft = PreparedRecord.reusable();
    for (const timestamp of times)
      builder.append(draft.fill({ topic: 't', value: 'v', timestamp }, 0));
    const batch = builder.build(CompressionType.NONE, {
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
    });
    expect(decodeRecordBatch(batch).records.map((r) => r.timestamp)).toEqual(times);
  });
});

describe('PreparedRecord', () => {
  it('converts like Buffer.from and copies scratch bytes when it is detached', () => {
    const draft = PreparedRecord.reusable();
    const first = draft.fill({ topic: 't', key: 'κλειδί', value: 'x'.repeat(70_000) }, 1);
    expect(first.keyView()).toEqual(Buffer.from('κλειδί'));
    const kept = first.detach();
    draft.fill({ topic: 't', key: 'other', value: 'short' }, 2);
    expect(kept.key).toEqual(Buffer.from('κλειδί'));
    expect(kept.value).toEqual(Buffer.from('x'.repeat(70_000)));
    expect(kept.keyBytes).toBe(Buffer.byteLength('κλειδί'));
    expect(draft.keyView()).toEqual(Buffer.from('other'));
  });

  it('refuses keys and values that are neither bytes, strings nor null', () => {
    expect(() => prepareRecord({ topic: 't', value: 42 as unknown as string }, 0)).toThrow(
      /value must be a Buffer/,
    );
    expect(() => prepareRecord({ topic: '', value: null }, 0)).toThrow(/needs a topic/);
  });
});

describe('Utf8Scratch', () => {
  it('encodes what Buffer.from encodes, growing for long strings', () => {
    const scratch = new Utf8Scratch();
    for (const s of ['', 'ascii', 'naïve', '😀 emoji', 'é'.repeat(200), 'a'.repeat(1000)]) {
      const bytes = scratch.encode(s);
      expect(bytes.subarray(0, scratch.length)).toEqual(Buffer.from(s));
      expect(scratch.view(scratch.length)).toEqual(Buffer.from(s));
    }
  });
});

describe('ProducerBatch record results', () => {
  it('resolves each record with its offset, or rejects each with the batch error', async () => {
    const ok = new PartitionQueue('t', 2).newBatch(0);
    const failing = new PartitionQueue('t', 3).newBatch(0);
    for (const b of [ok, failing])
      for (const v of ['a', 'b']) b.tryAppend(prepareRecord({ topic: 't', value: v }, 7), 1 << 14);
    const results = [ok.recordResult(0), ok.recordResult(1)];
    const failures = [failing.recordResult(0), failing.recordResult(1)];
    ok.complete({ baseOffset: 10, logAppendTimeMs: -1 });
    failing.fail(new Error('gone'));
    expect(await Promise.all(results)).toEqual([
      { topic: 't', partition: 2, offset: 10, timestamp: 7 },
      { topic: 't', partition: 2, offset: 11, timestamp: 7 },
    ]);
    for (const f of failures) await expect(f).rejects.toThrow('gone');
    expect(await ok.recordResult(1)).toMatchObject({ offset: 11 });
  });
});
