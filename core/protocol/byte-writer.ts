import { zigzagEncode32 } from '../util/varint.js';

/**
 * An append-only, growable Buffer writer. Encoders write sequentially and may reserve a slot to
 * patch later (lengths, CRCs), which keeps every encoder a single pass.
 */
export class ByteWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeInt8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  writeUInt8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  writeInt16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeUInt16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeInt32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeUInt32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  writeInt64(v: bigint | number): this {
    this.ensure(8);
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // hi * 2^32 + lo keeps the hot path free of BigInt.
      const hi = Math.floor(v / 0x1_0000_0000);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(v - hi * 0x1_0000_0000, this.pos + 4);
    } else {
      this.buf.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
    }
    this.pos += 8;
    return this;
  }

  writeFloat64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Unsigned LEB128 varint of a uint32. */
  writeUVarint(v: number): this {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
    return this;
  }

  /** Signed zigzag varint of an int32. */
  writeVarint(v: number): this {
    const z = zigzagEncode32(v) >>> 0;
    if (z < 0x80) {
      this.ensure(1);
      this.buf[this.pos++] = z;
      return this;
    }
    return this.writeUVarint(z);
  }

  /** Signed zigzag varlong of a safe integer. */
  writeVarlong(v: number): this {
    this.ensure(10);
    // The zigzag value 2|v| (- 1) needs 54 bits, past a double's exact range, so it is kept as
    // z = 2a + sign and a's low six bits go into the first byte alongside the sign.
    const a = v >= 0 ? v : -v - 1;
    const first = ((a % 64) << 1) | (v >= 0 ? 0 : 1);
    let rest = Math.floor(a / 64);
    if (rest === 0) {
      this.buf[this.pos++] = first;
      return this;
    }
    this.buf[this.pos++] = first | 0x80;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.pos++] = rest;
    return this;
  }

  writeBytes(src: Uint8Array): this {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
    return this;
  }

  /**
   * `s` as UTF-8. `byteLength` is `Buffer.byteLength(s)`, which the caller needed anyway for the
   * length prefix; passing it saves encoding the string twice.
   */
  writeUtf8(s: string, byteLength: number): this {
    this.ensure(byteLength);
    this.buf.write(s, this.pos, byteLength, 'utf8');
    this.pos += byteLength;
    return this;
  }

  /** Reserves `n` bytes and returns their position, to be filled in with a `patch*` call. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }

  patchUInt32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  /**
   * A view of the bytes written since `from`. Later writes only append, and growing moves on to
   * a fresh buffer, so the viewed bytes never change unless a `patch*` call targets them.
   */
  view(from = 0): Buffer {
    return this.buf.subarray(from, this.pos);
  }

  /** The bytes written, as a view of the writer's buffer; the writer must not be reused. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
