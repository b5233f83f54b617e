import fc from 'fast-check';
import { compressSync as rawSnappy, uncompressSync as rawSnappyUncompress } from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import { compress as zstdCompress } from 'zstd-napi';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  compress,
  CompressionType,
  decompress,
} from '../../../../core/protocol/records/compression.js';
import { ErrorCode } from '../../../../core/util/error-codes.js';
import { CorruptRecordError } from '../../../../core/util/errors.js';

const CODECS = [
  ['gzip', CompressionType.GZIP],
  ['snappy', CompressionType.SNAPPY],
  ['lz4', CompressionType.LZ4],
  ['zstd', CompressionType.ZSTD],
] as const;

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];

/** Java's snappy-java framing: magic, version 1, compat 1, then int32-length-prefixed blocks. */
function xerial(data: Buffer, blockBytes: number): Buffer {
  const parts: Buffer[] = [Buffer.from(XERIAL_MAGIC), Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])];
  for (let pos = 0; pos < data.length; pos += blockBytes) {
    const block = rawSnappy(data.subarray(pos, pos + blockBytes));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function thrown(fn: () => unknown): CorruptRecordError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptRecordError);
    return err as CorruptRecordError;
  }
  throw new Error('expected a CorruptRecordError');
}

const MIB = 1024 * 1024;

describe('compression codecs', () => {
  it.each(CODECS)('%s round-trips any bytes', (_name, type) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(decompress(type, compress(type, data)).equals(data)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('passes NONE through untouched', () => {
    const data = Buffer.from('plain');
    expect(compress(CompressionType.NONE, data)).toBe(data);
    expect(decompress(CompressionType.NONE, data)).toBe(data);
  });

  it('writes the standard formats other clients read', () => {
    const data = Buffer.from('kafka '.repeat(100));
    expect(compress(CompressionType.GZIP, data).subarray(0, 2).toString('hex')).toBe('1f8b');
    // Raw snappy, as librdkafka writes, not the xerial framing.
    const snappy = compress(CompressionType.SNAPPY, data);
    expect(snappy.subarray(0, 8).equals(Buffer.from(XERIAL_MAGIC))).toBe(false);
    expect(rawSnappyUncompress(snappy)).toEqual(data);
    expect(compress(CompressionType.LZ4, data).readUInt32LE(0)).toBe(0x184d2204);
    expect(compress(CompressionType.ZSTD, data).readUInt32LE(0)).toBe(0xfd2fb528);
  });

  it('reads the snappy xerial framing that Java producers write', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 1, max: 700 }),
        (bytes, blockBytes) => {
          const data = Buffer.from(bytes);
          expect(decompress(CompressionType.SNAPPY, xerial(data, blockBytes)).equals(data)).toBe(
            true,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reads a xerial stream with a header and no blocks as empty', () => {
    expect(decompress(CompressionType.SNAPPY, xerial(Buffer.alloc(0), 1)).length).toBe(0);
  });

  it('rejects truncated xerial framing as CORRUPT_MESSAGE', () => {
    const framed = xerial(Buffer.from('hello, xerial '.repeat(20)), 64);
    for (const cut of [10, 18, 21, framed.length - 1]) {
      const err = thrown(() => decompress(CompressionType.SNAPPY, framed.subarray(0, cut)));
      expect(err.code).toBe(ErrorCode.CORRUPT_MESSAGE);
    }
  });

  it.each([5, 6, 7, -1])('rejects codec id %d as UNSUPPORTED_COMPRESSION_TYPE', (type) => {
    expect(thrown(() => decompress(type, Buffer.from('x'))).code).toBe(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
    expect(thrown(() => compress(type as CompressionType, Buffer.from('x'))).code).toBe(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
  });

  it.each(CODECS)('reports undecodable %s data as CORRUPT_MESSAGE with the cause', (_n, type) => {
    const garbage = Buffer.from('this is not compressed at all, not even slightly');
    const err = thrown(() => decompress(type, garbage));
    expect(err.code).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(err.retriable).toBe(true);
    expect(err.cause).toBeDefined();
  });

  it.each(CODECS)('reports truncated %s data as CORRUPT_MESSAGE', (_n, type) => {
    const blob = compress(type, Buffer.from('truncate me '.repeat(200)));
    const err = thrown(() => decompress(type, blob.subarray(0, blob.length >> 1)));
    expect(err.code).toBe(ErrorCode.CORRUPT_MESSAGE);
  });
});

describe('decompression bomb limit', () => {
  const zeros = Buffer.alloc(4 * MIB);

  it.each(CODECS)('stops %s output past maxBytes', (_n, type) => {
    const blob = compress(type, zeros);
    expect(blob.length).toBeLessThan(MIB / 4);
    const err = thrown(() => decompress(type, blob, MIB));
    expect(err.code).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(err.message).toMatch(/limit/);
    expect(decompress(type, blob, 4 * MIB).length).toBe(4 * MIB);
  });

  it('defaults to a 64 MiB limit', () => {
    const blob = compress(CompressionType.ZSTD, Buffer.alloc(64 * MIB + 1));
    expect(() => decompress(CompressionType.ZSTD, blob)).toThrow(/limit/);
  });

  it('rejects a snappy block announcing a huge size before decoding it', () => {
    // Preamble varint 0xffffffff: 4 GiB, followed by nothing.
    const bomb = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(thrown(() => decompress(CompressionType.SNAPPY, bomb)).message).toMatch(/limit/);
  });

  it('sums xerial block sizes against the limit before decoding any', () => {
    const framed = xerial(Buffer.alloc(64 * 1024), 32 * 1024);
    expect(() => decompress(CompressionType.SNAPPY, framed, 40 * 1024)).toThrow(/limit/);
    expect(decompress(CompressionType.SNAPPY, framed, 64 * 1024).length).toBe(64 * 1024);
  });

  it('rejects an LZ4 frame whose declared content size is over the limit', () => {
    // Set the content-size flag and splice in an 8-byte size of 2^40: the check reads only
    // the header, so the frame need not be otherwise valid.
    const frame = compressFrameSync(Buffer.from('tiny'));
    const flags = (frame[4] ?? 0) | 0x08;
    const size = Buffer.alloc(8);
    size.writeUInt32LE(0x100, 4);
    const bomb = Buffer.concat([
      frame.subarray(0, 4),
      Buffer.from([flags]),
      frame.subarray(5, 6),
      size,
      frame.subarray(6),
    ]);
    expect(thrown(() => decompress(CompressionType.LZ4, bomb)).message).toMatch(/limit/);
  });

  it('rejects zstd frames that declare an oversized content size, before allocating', () => {
    const blob = zstdCompress(Buffer.alloc(2 * MIB));
    expect(thrown(() => decompress(CompressionType.ZSTD, blob, MIB)).message).toMatch(
      /2097152 bytes/,
    );
  });

  it('bounds zstd streams that leave the content size out', () => {
    const blob = zstdCompress(Buffer.alloc(2 * MIB, 7), { contentSizeFlag: false });
    expect(thrown(() => decompress(CompressionType.ZSTD, blob, MIB)).message).toMatch(/limit/);
    expect(decompress(CompressionType.ZSTD, blob, 2 * MIB).equals(Buffer.alloc(2 * MIB, 7))).toBe(
      true,
    );
  });

  it('decodes concatenated zstd frames of unknown size', () => {
    const a = zstdCompress(Buffer.from('first '.repeat(50)), { contentSizeFlag: false });
    const b = zstdCompress(Buffer.from('second '.repeat(50)));
    const out = decompress(CompressionType.ZSTD, Buffer.concat([a, b]));
    expect(out.toString()).toBe('first '.repeat(50) + 'second '.repeat(50));
  });

  it('stops gzip inflation at the limit', () => {
    const blob = gzipSync(Buffer.alloc(8 * MIB));
    expect(thrown(() => decompress(CompressionType.GZIP, blob, MIB)).message).toMatch(/limit/);
  });
});
