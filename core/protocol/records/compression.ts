/**
 * The compression codecs of RecordBatch v2 (attributes bits 0–2). A compressed batch holds its
 * concatenated records as one compressed blob; the codecs themselves come from native packages,
 * fjord only adds Kafka's framing quirks and a bound on how much a batch may inflate to.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress } from 'zstd-napi';
import zstd from 'zstd-napi/binding.js';
import type { DCtx } from 'zstd-napi/binding.js';
import { ErrorCode } from '../../util/error-codes.js';
import { CorruptRecordError } from '../../util/errors.js';

/**
 * Kafka's compression codec ids, as stored in the low three bits of a batch's attributes.
 *
 * @example
 * ```ts
 * encodeRecordBatch(records, { compression: CompressionType.ZSTD });
 * ```
 */
export const CompressionType = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
/** A Kafka compression codec id. */
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/**
 * The default cap on a batch's decompressed size. Kafka's default max.message.bytes is ~1 MiB
 * compressed; 64 MiB leaves room for very compressible data while stopping a few-KiB "bomb" from
 * exhausting memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The header Java's snappy-java (xerial) writes before its length-prefixed snappy blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, then int32 version and int32 minimum compatible version. */
const XERIAL_HEADER_BYTES = 16;
const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_FLAG_CONTENT_SIZE = 0x08;
/** Output chunk of the bounded zstd stream loop; zstd's own recommended size is ~128 KiB. */
const ZSTD_CHUNK_BYTES = 128 * 1024;

/**
 * Compresses `data` with the codec `type`, in the form Kafka brokers and clients expect: a gzip
 * member, raw snappy (as librdkafka writes; every client reads it), an LZ4 frame, a zstd frame.
 * `NONE` returns `data` itself.
 *
 * @example
 * ```ts
 * const blob = compress(CompressionType.LZ4, recordsBytes);
 * ```
 */
export function compress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return data;
    case CompressionType.GZIP:
      return gzipSync(data);
    case CompressionType.SNAPPY:
      return snappyCompress(data);
    case CompressionType.LZ4:
      return compressFrameSync(data);
    case CompressionType.ZSTD:
      return zstdCompress(data);
    default:
      throw unsupported(type);
  }
}

/**
 * Decompresses a batch's records blob. Refuses to produce more than `maxBytes`: where the
 * compressed form announces its size (snappy, zstd, LZ4 frames with a content size) the check
 * runs before anything is allocated; gzip and unbounded zstd streams stop as soon as the limit
 * is crossed; LZ4 frames without a size are checked after decoding (LZ4 inflates at most ~255×).
 * Throws {@link CorruptRecordError}: `UNSUPPORTED_COMPRESSION_TYPE` for an unknown codec id,
 * `CORRUPT_MESSAGE` for undecodable or oversized data.
 *
 * @example
 * ```ts
 * const records = decompress(attributes & 0x07, blob, 16 * 1024 * 1024);
 * ```
 */
export function decompress(
  type: number,
  data: Buffer,
  maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Buffer {
  if (type === CompressionType.NONE) return data;
  let out: Buffer;
  try {
    switch (type) {
      case CompressionType.GZIP:
        out = gunzip(data, maxBytes);
        break;
      case CompressionType.SNAPPY:
        out = snappyDecompress(data, maxBytes);
        break;
      case CompressionType.LZ4:
        out = lz4Decompress(data, maxBytes);
        break;
      case CompressionType.ZSTD:
        out = zstdDecompress(data, maxBytes);
        break;
      default:
        throw unsupported(type);
    }
  } catch (err) {
    if (err instanceof CorruptRecordError) throw err;
    throw new CorruptRecordError(`cannot decompress ${codecName(type)} records`, undefined, {
      cause: err,
    });
  }
  if (out.length > maxBytes) throw tooLarge(type, out.length, maxBytes);
  return out;
}

function codecName(type: number): string {
  const names = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  return names[type] ?? `codec ${type}`;
}

function unsupported(type: number): CorruptRecordError {
  return new CorruptRecordError(
    `unsupported compression codec ${type}`,
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  );
}

function tooLarge(type: number, size: number, maxBytes: number): CorruptRecordError {
  return new CorruptRecordError(
    `${codecName(type)} records inflate to ${size} bytes, over the ${maxBytes}-byte limit`,
  );
}

function gunzip(data: Buffer, maxBytes: number): Buffer {
  try {
    // zlib stops inflating as soon as the output would pass maxOutputLength.
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(CompressionType.GZIP, maxBytes + 1, maxBytes);
    }
    throw err;
  }
}

/** The uncompressed length a raw snappy block announces in its varint preamble. */
function snappyLength(block: Buffer): number {
  let length = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i] ?? 0;
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return length;
  }
  throw new CorruptRecordError('snappy block has a malformed length preamble');
}

function snappyBlock(block: Buffer): Buffer {
  const out = snappyUncompress(block, { asBuffer: true });
  if (typeof out === 'string') throw new CorruptRecordError('snappy returned a string');
  return out;
}

function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  const xerial = data.length >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
  if (!xerial) {
    const length = snappyLength(data);
    if (length > maxBytes) throw tooLarge(CompressionType.SNAPPY, length, maxBytes);
    return snappyBlock(data);
  }
  if (data.length < XERIAL_HEADER_BYTES) {
    throw new CorruptRecordError('xerial snappy header truncated');
  }
  // Java writes blocks of ≤32 KiB; find them all and sum their announced sizes before
  // decoding any, so the limit holds before a single allocation.
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CorruptRecordError('xerial snappy block truncated');
    const size = data.readUInt32BE(pos);
    pos += 4;
    if (size > data.length - pos) throw new CorruptRecordError('xerial snappy block truncated');
    const block = data.subarray(pos, pos + size);
    pos += size;
    total += snappyLength(block);
    if (total > maxBytes) throw tooLarge(CompressionType.SNAPPY, total, maxBytes);
    blocks.push(block);
  }
  if (blocks.length === 1 && blocks[0] !== undefined) return snappyBlock(blocks[0]);
  return Buffer.concat(
    blocks.map((b) => snappyBlock(b)),
    total,
  );
}

function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  // Frame: magic (4, LE), FLG, BD, then an optional 8-byte LE content size.
  if (data.length >= 14 && data.readUInt32LE(0) === LZ4_FRAME_MAGIC) {
    const flags = data[4] ?? 0;
    if ((flags & LZ4_FLAG_CONTENT_SIZE) !== 0) {
      const size = data.readUInt32LE(10) * 0x1_0000_0000 + data.readUInt32LE(6);
      if (size > maxBytes) throw tooLarge(CompressionType.LZ4, size, maxBytes);
    }
  }
  return decompressFrameSync(data);
}

/** Total content size the zstd frames in `data` declare, or null if any frame leaves it out. */
function zstdContentSize(data: Buffer): number | null {
  let total = 0;
  let frame = data;
  while (frame.length > 0) {
    const size = zstd.getFrameContentSize(frame);
    if (size === null) return null;
    total += size;
    frame = frame.subarray(zstd.findFrameCompressedSize(frame));
  }
  return total;
}

// One context serves every call: decompression is synchronous, and a context costs ~100 KiB.
let zstdContext: DCtx | undefined;

function zstdDecompress(data: Buffer, maxBytes: number): Buffer {
  const dctx = (zstdContext ??= new zstd.DCtx());
  dctx.reset(zstd.ResetDirective.sessionOnly);
  const known = zstdContentSize(data);
  if (known !== null) {
    if (known > maxBytes) throw tooLarge(CompressionType.ZSTD, known, maxBytes);
    const out = Buffer.allocUnsafe(known);
    const written = dctx.decompress(out, data);
    if (written !== known) throw new CorruptRecordError('zstd frame shorter than it declares');
    return out;
  }
  // Streaming writers (zstd-jni's ZstdOutputStream) leave the size out: inflate in chunks and
  // stop as soon as the limit is crossed.
  const chunks: Buffer[] = [];
  let total = 0;
  let input = data;
  let pending = 1;
  while (input.length > 0 || pending !== 0) {
    const out = Buffer.allocUnsafe(Math.min(ZSTD_CHUNK_BYTES, maxBytes + 1 - total));
    const [hint, produced, consumed] = dctx.decompressStream(out, input);
    if (produced === 0 && consumed === 0) throw new CorruptRecordError('zstd frame truncated');
    total += produced;
    if (total > maxBytes) throw tooLarge(CompressionType.ZSTD, total, maxBytes);
    chunks.push(out.subarray(0, produced));
    input = input.subarray(consumed);
    pending = hint;
  }
  return Buffer.concat(chunks, total);
}
