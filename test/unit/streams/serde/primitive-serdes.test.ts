import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const seed = fcSeed('primitive serdes');
const ctx = { topic: 'texts' };
const hex = (s: string): Buffer => Buffer.from(s.replaceAll(' ', ''), 'hex');

describe('string serde', () => {
  it.each([
    ['héllo', '68 c3 a9 6c 6c 6f'],
    ['€', 'e2 82 ac'],
    ['😀', 'f0 9f 98 80'],
    ['', ''],
  ])('writes %j as the UTF-8 bytes Java’s StringSerializer writes (%s)', (text, bytes) => {
    expect(Serdes.string().serialize(text, ctx)).toEqual(hex(bytes));
    expect(Serdes.string().deserialize(hex(bytes), ctx)).toBe(text);
  });

  it('round-trips every well-formed Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const serde = Serdes.string();
        expect(serde.deserialize(serde.serialize(text, ctx), ctx)).toBe(text);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('reads invalid UTF-8 as U+FFFD, as Java does', () => {
    expect(Serdes.string().deserialize(hex('61 ff 62'), ctx)).toBe('a\ufffdb');
  });

  it('refuses null bytes and null values', () => {
    expect(() => Serdes.string().deserialize(null, ctx)).toThrow(
      "string, topic 'texts': null bytes (a tombstone or a missing key); declare the serde nullable: Serdes.nullable(Serdes.string())",
    );
    expect(() => Serdes.string().serialize(null as never, ctx)).toThrow(SerdeError);
    expect(() => Serdes.string().serialize(42 as never, ctx)).toThrow(
      "string, topic 'texts': needs a string, got number 42",
    );
  });
});

describe('bytes serde', () => {
  it('passes bytes through without copying', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (array) => {
        const buf = Buffer.from(array);
        const out = Serdes.bytes().serialize(buf, ctx);
        expect(out).toBe(buf);
        expect(Serdes.bytes().deserialize(out, ctx)).toBe(buf);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('wraps a plain Uint8Array over the same memory', () => {
    const array = new Uint8Array([9, 1, 2, 3]).subarray(1);
    const out = Serdes.bytes().serialize(array as Buffer, ctx);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out).toEqual(Buffer.from([1, 2, 3]));
    array[0] = 7;
    expect(out![0]).toBe(7);
  });

  it('refuses null bytes and non-bytes', () => {
    expect(() => Serdes.bytes().deserialize(null, ctx)).toThrow(SerdeError);
    expect(() => Serdes.bytes().serialize('abc' as never, ctx)).toThrow(SerdeError);
  });
});

describe('boolean serde', () => {
  it('writes 01 for true and 00 for false, as Java’s BooleanSerializer does', () => {
    expect(Serdes.boolean().serialize(true, ctx)).toEqual(hex('01'));
    expect(Serdes.boolean().serialize(false, ctx)).toEqual(hex('00'));
    expect(Serdes.boolean().deserialize(hex('01'), ctx)).toBe(true);
    expect(Serdes.boolean().deserialize(hex('00'), ctx)).toBe(false);
  });

  it('refuses any other byte and any other length', () => {
    expect(() => Serdes.boolean().deserialize(hex('02'), ctx)).toThrow(
      "boolean, topic 'texts': expected byte 0x00 or 0x01, got 0x02",
    );
    expect(() => Serdes.boolean().deserialize(hex('0100'), ctx)).toThrow(
      'expected exactly 1 byte, got 2',
    );
  });
});

describe('Serdes', () => {
  it('names each serde for errors and descriptions', () => {
    expect(
      [
        Serdes.string(),
        Serdes.bytes(),
        Serdes.boolean(),
        Serdes.int16(),
        Serdes.int32(),
        Serdes.int64(),
        Serdes.bigint64(),
        Serdes.float32(),
        Serdes.double(),
        Serdes.json(),
        Serdes.nullable(Serdes.int32()),
      ].map((s) => s.name),
    ).toEqual([
      'string',
      'bytes',
      'boolean',
      'int16',
      'int32',
      'int64',
      'bigint64',
      'float32',
      'double',
      'json',
      'nullable(int32)',
    ]);
  });

  it('cannot be altered by a caller', () => {
    expect(Object.isFrozen(Serdes)).toBe(true);
    expect(Object.isFrozen(Serdes.string())).toBe(true);
  });
});
