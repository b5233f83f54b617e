import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import Encoder from 'kafkajs/src/protocol/encoder.js';
import { ByteReader, DecodeError } from '../../../core/protocol/byte-reader.js';
import { ByteWriter } from '../../../core/protocol/byte-writer.js';
import {
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  zigzagDecode32,
  zigzagEncode32,
} from '../../../core/util/varint.js';

function varintBytes(value: number): string {
  return new ByteWriter().writeVarint(value).finish().toString('hex');
}

function reader(bytes: number[]): ByteReader {
  return new ByteReader(Buffer.from(bytes));
}

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const safeInteger = fc.maxSafeInteger();

describe('zigzag varints', () => {
  it('encodes the protocol brief examples', () => {
    expect(varintBytes(0)).toBe('00');
    expect(varintBytes(-1)).toBe('01');
    expect(varintBytes(1)).toBe('02');
    expect(varintBytes(63)).toBe('7e');
    expect(varintBytes(64)).toBe('8001');
    expect(varintBytes(-(2 ** 31))).toBe('ffffffff0f');
  });

  it('maps small magnitudes to small unsigned values', () => {
    expect([0, -1, 1, -2, 2].map(zigzagEncode32)).toEqual([0, 1, 2, 3, 4]);
    expect(zigzagEncode32(2 ** 31 - 1)).toBe(0xfffffffe);
    expect(zigzagEncode32(-(2 ** 31))).toBe(0xffffffff);
  });

  it('round-trips every int32 and sizes it exactly', () => {
    fc.assert(
      fc.property(int32, (value) => {
        expect(zigzagDecode32(zigzagEncode32(value))).toBe(value);
        const bytes = new ByteWriter().writeVarint(value).finish();
        expect(bytes.length).toBe(sizeOfVarint(value));
        const r = new ByteReader(bytes);
        expect(r.readVarint()).toBe(value);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('round-trips every uint32 as an unsigned varint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        const bytes = new ByteWriter().writeUVarint(value).finish();
        expect(bytes.length).toBe(sizeOfUnsignedVarint(value));
        expect(new ByteReader(bytes).readUVarint()).toBe(value);
      }),
    );
  });

  it('round-trips every safe-integer varlong and sizes it exactly', () => {
    fc.assert(
      fc.property(safeInteger, (value) => {
        const bytes = new ByteWriter().writeVarlong(value).finish();
        expect(bytes.length).toBe(sizeOfVarlong(value));
        const r = new ByteReader(bytes);
        expect(r.readVarlong()).toBe(value);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('handles the ends of the safe-integer range, whose zigzag form needs 54 bits', () => {
    for (const value of [
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 52,
      -(2 ** 52),
      -(2 ** 52) - 1,
    ]) {
      const bytes = new ByteWriter().writeVarlong(value).finish();
      expect(new ByteReader(bytes).readVarlong()).toBe(value);
    }
    const maxSafe = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f];
    expect(reader(maxSafe).readVarlong()).toBe(Number.MAX_SAFE_INTEGER);
    // zigzag 2^54 - 1 is -(2^53): one past the safe range.
    const minUnsafe = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f];
    expect(() => reader(minUnsafe).readVarlong()).toThrow(/safe integer/);
  });

  it('writes the same bytes as kafkajs, an independent encoder', () => {
    fc.assert(
      fc.property(int32, safeInteger, (v32, v64) => {
        const ours = new ByteWriter().writeVarint(v32).writeVarlong(v64).finish();
        const theirs = new Encoder().writeVarInt(v32).writeVarLong(v64).buffer;
        expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      }),
    );
  });

  it('rejects truncated varints', () => {
    expect(() => reader([]).readVarint()).toThrow(DecodeError);
    expect(() => reader([0x80]).readVarint()).toThrow(/truncated/);
    expect(() => reader([0xff, 0xff, 0xff, 0xff]).readVarint()).toThrow(/truncated/);
    expect(() => reader([0x80, 0x80]).readVarlong()).toThrow(/truncated/);
  });

  it('rejects overlong varints', () => {
    expect(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).readVarint()).toThrow(/longer/);
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).readVarint()).toThrow(/32 bits/);
    expect(() => reader([...Array<number>(10).fill(0x80), 0x00]).readVarlong()).toThrow(/longer/);
    // 2^54 zigzagged: beyond what a JS number holds exactly.
    const huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40];
    expect(() => reader(huge).readVarlong()).toThrow(/safe integer/);
  });
});
