import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { zigzagDecode32 } from '../util/varint.js';

/** Raised when bytes from the wire or the disk end early or hold an impossible value. */
export class DecodeError extends FjordError {}

/**
 * A bounds-checked cursor over a Buffer. Every length read from untrusted bytes is checked against
 * the bytes remaining before anything is allocated; a failed check throws {@link DecodeError} with
 * the error code given at construction (`INVALID_REQUEST` for requests, `CORRUPT_MESSAGE` for
 * record batches).
 */
export class ByteReader {
  /** The next byte to read. */
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end: number = buf.length,
    private readonly errorCode: ErrorCode = ErrorCode.INVALID_REQUEST,
  ) {
    this.pos = start;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless at least `n` bytes remain. */
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw this.fail(`${what}: needs ${n} bytes, ${this.remaining} remain`);
    }
  }

  /** A DecodeError carrying this reader's error code. */
  fail(message: string): DecodeError {
    return new DecodeError(`${message} (at byte ${this.pos})`, this.errorCode);
  }

  readInt8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  readUInt8(): number {
    this.need(1, 'uint8');
    return this.buf[this.pos++] ?? 0;
  }

  readInt16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readUInt16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readInt32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readUInt32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readInt64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** An int64 that must fit a JS safe integer (offsets, timestamps, producer ids). */
  readInt64Number(): number {
    this.need(8, 'int64');
    // hi * 2^32 + lo keeps this hot path (offsets in every fetch and produce) free of BigInt.
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    const v = hi * 0x1_0000_0000 + lo;
    if (!Number.isSafeInteger(v)) {
      throw this.fail(`int64 ${this.buf.readBigInt64BE(this.pos)} outside the safe integer range`);
    }
    this.pos += 8;
    return v;
  }

  readFloat64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** An unsigned LEB128 varint of at most 5 bytes (uint32). */
  readUVarint(): number {
    // One- and two-byte varints (deltas, lengths below 8 KiB) dominate record decoding.
    const pos = this.pos;
    if (pos + 1 < this.end) {
      const first = this.buf[pos] ?? 0;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
      const second = this.buf[pos + 1] ?? 0;
      if (second < 0x80) {
        this.pos = pos + 2;
        return (first & 0x7f) | (second << 7);
      }
    }
    return this.readUVarintSlow();
  }

  private readUVarintSlow(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw this.fail('varint: truncated');
      const byte = this.buf[this.pos++] ?? 0;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) throw this.fail('varint: exceeds 32 bits');
        return result;
      }
    }
    throw this.fail('varint: longer than 5 bytes');
  }

  /** A signed zigzag varint (int32). */
  readVarint(): number {
    return zigzagDecode32(this.readUVarint() >>> 0);
  }

  /**
   * A signed zigzag varlong. Returned as a number: fjord rejects values beyond ±2^53, which no
   * real timestamp delta reaches.
   */
  readVarlong(): number {
    // The zigzag value of a safe integer needs 54 bits, past a double's exact range: decode it
    // as z = 2a + sign, with the sign taken from the first byte.
    if (this.pos >= this.end) throw this.fail('varlong: truncated');
    let byte = this.buf[this.pos++] ?? 0;
    if (byte < 0x80) return (byte >>> 1) ^ -(byte & 1);
    if (this.pos < this.end) {
      const second = this.buf[this.pos] ?? 0;
      if (second < 0x80) {
        this.pos++;
        const z = (byte & 0x7f) | (second << 7);
        return (z >>> 1) ^ -(z & 1);
      }
    }
    const negative = (byte & 1) === 1;
    let a = (byte & 0x7f) >>> 1;
    for (let shift = 6; (byte & 0x80) !== 0; shift += 7) {
      if (shift > 62) throw this.fail('varlong: longer than 10 bytes');
      if (this.pos >= this.end) throw this.fail('varlong: truncated');
      byte = this.buf[this.pos++] ?? 0;
      a += (byte & 0x7f) * 2 ** shift;
    }
    if (a > Number.MAX_SAFE_INTEGER - (negative ? 1 : 0)) {
      throw this.fail('varlong: outside the safe integer range');
    }
    return negative ? -a - 1 : a;
  }

  /** `n` bytes as a view (no copy) into the underlying buffer. */
  readBytes(n: number): Buffer {
    this.need(n, 'bytes');
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `n` bytes decoded as UTF-8, without an intermediate view. */
  readUtf8(n: number): string {
    this.need(n, 'string');
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number): void {
    this.need(n, 'skip');
    this.pos += n;
  }
}
