/**
 * kafkajs 2.2.4 as an independent reference implementation of RecordBatch v2: its own record
 * and batch encoders and its fetch-path batch decoder, with every codec registered the way a
 * kafkajs application would.
 */
import { createRequire } from 'node:module';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import Decoder from 'kafkajs/src/protocol/decoder.js';
import kafkajsRecord from 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
import kafkajsBatch from 'kafkajs/src/protocol/recordBatch/v0/index.js';
import decodeKafkajsBatch from 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import type { RecordHeader } from '../../core/index.js';

/** The codec shape kafkajs expects behind each CompressionCodecs entry. */
interface KafkaJSCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

// kafkajs-lz4's types declare an ES default export, but its module.exports is the class itself,
// which a CommonJS require sees as-is.
const LZ4Codec = createRequire(import.meta.url)('kafkajs-lz4') as new () => {
  codec: () => KafkaJSCodec;
};

/** What kafkajs's fetch-path decoder makes of one batch. */
export type KafkaJSDecodedBatch = Awaited<ReturnType<typeof decodeKafkajsBatch>>;

/** Header values grouped by key, the only shape kafkajs knows. */
export type KafkaJSHeaders = Record<string, Buffer | null | (Buffer | null)[]>;

/** A record as these tests hand it to kafkajs: always with a timestamp. */
export interface KafkaJSInputRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestamp: number;
}

/** Batch fields kafkajs lets a producer choose. */
export interface KafkaJSBatchFields {
  readonly compression: number;
  readonly baseOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional: boolean;
}

let registered = false;

/**
 * Registers snappy (kafkajs-snappy) and lz4 (kafkajs-lz4) as kafkajs documents. For zstd the
 * documented plug-in, @kafkajs/zstd, cannot be installed here (its native dependency cppzst does
 * not build on Node 20), so a minimal codec object over zstd-napi stands in; it only supplies
 * the zstd bytes, the framing around them stays kafkajs's own.
 */
export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
  CompressionCodecs[CompressionTypes.ZSTD] = (): KafkaJSCodec => ({
    compress: (encoder: { buffer: Buffer }) => Promise.resolve(zstdCompress(encoder.buffer)),
    decompress: (buffer: Buffer) => Promise.resolve(zstdDecompress(buffer)),
  });
}

/** Groups headers by key as kafkajs does; repeated keys become arrays in order. */
export function groupHeaders(headers: readonly RecordHeader[]): KafkaJSHeaders {
  const grouped: KafkaJSHeaders = {};
  for (const { key, value } of headers) {
    const existing = grouped[key];
    if (existing === undefined) grouped[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else grouped[key] = [existing, value];
  }
  return grouped;
}

/**
 * Encodes a batch with kafkajs's encoders. Like Java (and unlike kafkajs's produce path, which
 * uses the smallest), the first record's timestamp is the base, so deltas may be negative.
 */
export async function kafkajsEncodeBatch(
  records: readonly KafkaJSInputRecord[],
  fields: KafkaJSBatchFields,
): Promise<Buffer> {
  const first = records[0];
  if (first === undefined) throw new Error('kafkajsEncodeBatch needs a record');
  if (records.some((r) => r.headers.some((h) => h.value === null))) {
    // kafkajs's record encoder sizes header values with Buffer.byteLength, which rejects null.
    throw new Error('kafkajs cannot encode null header values');
  }
  const encoded = records.map((record, i) =>
    kafkajsRecord({
      offsetDelta: i,
      timestampDelta: record.timestamp - first.timestamp,
      key: record.key,
      value: record.value,
      headers: groupHeaders(record.headers) as Record<string, Buffer | Buffer[]>,
    }),
  );
  const batch = await kafkajsBatch.RecordBatch({
    compression: fields.compression,
    firstOffset: fields.baseOffset,
    firstTimestamp: first.timestamp,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    partitionLeaderEpoch: fields.partitionLeaderEpoch,
    lastOffsetDelta: records.length - 1,
    transactional: fields.transactional,
    producerId: fields.producerId,
    producerEpoch: fields.producerEpoch,
    firstSequence: fields.baseSequence,
    records: encoded,
  });
  return batch.buffer;
}

/** Decodes one batch with kafkajs's fetch-path decoder. */
export function kafkajsDecodeBatch(buf: Buffer): Promise<KafkaJSDecodedBatch> {
  return decodeKafkajsBatch(new Decoder(buf));
}
