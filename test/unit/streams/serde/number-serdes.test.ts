import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError, type Serde } from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const seed = fcSeed('number serdes');
const ctx = { topic: 'numbers' };
const hex = (s: string): Buffer => Buffer.from(s.replaceAll(' ', ''), 'hex');

function roundTrips<T>(serde: Serde<T>, arb: fc.Arbitrary<T>): void {
  fc.assert(
    fc.property(arb, (value) => {
      expect(serde.deserialize(serde.serialize(value, ctx), ctx)).toStrictEqual(value);
    }),
    { seed, numRuns: 500 },
  );
}

function serdeError(fn: () => unknown): SerdeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SerdeError);
    return err as SerdeError;
  }
  throw new Error('expected a SerdeError');
}

// Each vector is what Kafka's Java serializer writes for the value (checked against a Java
// transcription of IntegerSerializer, LongSerializer, ShortSerializer, DoubleSerializer and
// FloatSerializer on OpenJDK 17).
describe('the number serdes write the bytes Kafka’s Java serializers write', () => {
  it.each([
    [1, '00 00 00 01'],
    [-1, 'ff ff ff ff'],
    [256, '00 00 01 00'],
    [-0x8000_0000, '80 00 00 00'],
    [0x7fff_ffff, '7f ff ff ff'],
  ])('int32 %d → %s', (value, bytes) => {
    expect(Serdes.int32().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.int32().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it.each([
    [-2, 'ff fe'],
    [0x7fff, '7f ff'],
  ])('int16 %d → %s', (value, bytes) => {
    expect(Serdes.int16().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.int16().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it.each([
    [Number.MAX_SAFE_INTEGER, '00 1f ff ff ff ff ff ff'],
    [Number.MIN_SAFE_INTEGER, 'ff e0 00 00 00 00 00 01'],
    [-1, 'ff ff ff ff ff ff ff ff'],
    [1, '00 00 00 00 00 00 00 01'],
  ])('int64 %d → %s', (value, bytes) => {
    expect(Serdes.int64().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.int64().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it.each([
    [-(2n ** 63n), '80 00 00 00 00 00 00 00'],
    [2n ** 63n - 1n, '7f ff ff ff ff ff ff ff'],
    [-1n, 'ff ff ff ff ff ff ff ff'],
  ])('bigint64 %s → %s', (value, bytes) => {
    expect(Serdes.bigint64().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.bigint64().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it.each([
    [1.5, '3f f8 00 00 00 00 00 00'],
    [-0, '80 00 00 00 00 00 00 00'],
    [NaN, '7f f8 00 00 00 00 00 00'],
    [Infinity, '7f f0 00 00 00 00 00 00'],
    [0.1, '3f b9 99 99 99 99 99 9a'],
  ])('double %d → %s', (value, bytes) => {
    expect(Serdes.double().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.double().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it.each([
    [1.5, '3f c0 00 00'],
    [NaN, '7f c0 00 00'],
  ])('float32 %d → %s', (value, bytes) => {
    expect(Serdes.float32().serialize(value, ctx)).toEqual(hex(bytes));
    expect(Serdes.float32().deserialize(hex(bytes), ctx)).toBe(value);
  });

  it('float32 rounds a double to the nearest single, as Java’s (float) cast does', () => {
    expect(Serdes.float32().serialize(0.1, ctx)).toEqual(hex('3d cc cc cd'));
    expect(Serdes.float32().deserialize(hex('3d cc cc cd'), ctx)).toBe(Math.fround(0.1));
  });
});

describe('every value in a number serde’s range survives serialize → deserialize', () => {
  it('int16', () => {
    roundTrips(Serdes.int16(), fc.integer({ min: -0x8000, max: 0x7fff }));
  });
  it('int32', () => {
    roundTrips(Serdes.int32(), fc.integer());
  });
  it('int64 over the safe integers', () => {
    roundTrips(Serdes.int64(), fc.maxSafeInteger());
  });
  it('bigint64 over the full signed 64-bit range', () => {
    roundTrips(Serdes.bigint64(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
  });
  it('double, NaN, ±Infinity and -0 included', () => {
    roundTrips(Serdes.double(), fc.double());
  });
  it('float32 over the single-precision values', () => {
    roundTrips(Serdes.float32(), fc.float());
  });
  it('int64 and bigint64 write the same bytes for a safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(Serdes.int64().serialize(n, ctx)).toEqual(
          Serdes.bigint64().serialize(BigInt(n), ctx),
        );
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('the number serdes refuse what they cannot represent', () => {
  const fixed: readonly (readonly [string, Serde<never>, number])[] = [
    ['int16', Serdes.int16() as Serde<never>, 2],
    ['int32', Serdes.int32() as Serde<never>, 4],
    ['int64', Serdes.int64() as Serde<never>, 8],
    ['bigint64', Serdes.bigint64() as Serde<never>, 8],
    ['float32', Serdes.float32() as Serde<never>, 4],
    ['double', Serdes.double() as Serde<never>, 8],
  ];

  it.each(fixed)('%s rejects bytes of the wrong length, naming both lengths', (name, serde, n) => {
    for (const length of [0, n - 1, n + 1]) {
      const err = serdeError(() => serde.deserialize(Buffer.alloc(length), ctx));
      expect(err.message).toBe(
        `${name}, topic 'numbers': expected exactly ${n} bytes, got ${length}`,
      );
      expect(err.serde).toBe(name);
      expect(err.topic).toBe('numbers');
    }
  });

  it.each(fixed)('%s refuses null bytes and points at Serdes.nullable', (name, serde) => {
    const err = serdeError(() => serde.deserialize(null, ctx));
    expect(err.reason).toBe(
      `null bytes (a tombstone or a missing key); declare the serde nullable: Serdes.nullable(Serdes.${name}())`,
    );
  });

  it.each(fixed)('%s refuses a null value instead of writing a tombstone', (name, serde) => {
    expect(serdeError(() => serde.serialize(null as never, ctx)).reason).toContain(
      `Serdes.nullable(Serdes.${name}())`,
    );
  });

  it.each([1.5, 2 ** 31, -(2 ** 31) - 1, NaN, Infinity])('int32 rejects %d', (value) => {
    expect(serdeError(() => Serdes.int32().serialize(value, ctx)).reason).toMatch(
      /^needs an integer in \[-2147483648, 2147483647\], got number /,
    );
  });

  it.each([2 ** 15, -(2 ** 15) - 1, 0.5])('int16 rejects %d', (value) => {
    expect(() => Serdes.int16().serialize(value, ctx)).toThrow(SerdeError);
  });

  it.each([2 ** 53, -(2 ** 53), 1e20, 0.5])(
    'int64 rejects %d, which is not a safe integer',
    (value) => {
      expect(serdeError(() => Serdes.int64().serialize(value, ctx)).reason).toContain(
        'use Serdes.bigint64()',
      );
    },
  );

  it.each(['00 20 00 00 00 00 00 00', 'ff e0 00 00 00 00 00 00', '7f ff ff ff ff ff ff ff'])(
    'int64 refuses to read %s as a number rather than lose precision',
    (bytes) => {
      const err = serdeError(() => Serdes.int64().deserialize(hex(bytes), ctx));
      expect(err.reason).toMatch(/outside the safe integer range.*Serdes\.bigint64\(\)/);
    },
  );

  it.each([2n ** 63n, -(2n ** 63n) - 1n])('bigint64 rejects %s, outside 64 bits', (value) => {
    expect(serdeError(() => Serdes.bigint64().serialize(value, ctx)).reason).toBe(
      `needs a bigint in [-2^63, 2^63 - 1], got bigint ${value}n`,
    );
  });

  it('rejects a value of the wrong type from untyped callers', () => {
    expect(() => Serdes.int32().serialize('1' as never, ctx)).toThrow(SerdeError);
    expect(() => Serdes.bigint64().serialize(1 as never, ctx)).toThrow(SerdeError);
    expect(() => Serdes.double().serialize(1n as never, ctx)).toThrow(SerdeError);
  });
});
