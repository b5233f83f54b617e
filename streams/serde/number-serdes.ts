import type { Serde } from './serde.js';
import { serdeFailure } from './serde-error.js';
import { fixedWidthSerde } from './fixed-width-serde.js';
import { describeValue } from './strict-checks.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function integerIn(min: number, max: number) {
  return (data: unknown): string | undefined =>
    typeof data === 'number' && Number.isInteger(data) && data >= min && data <= max
      ? undefined
      : `needs an integer in [${min}, ${max}], got ${describeValue(data)}`;
}

function anyNumber(data: unknown): string | undefined {
  return typeof data === 'number' ? undefined : `needs a number, got ${describeValue(data)}`;
}

const INT16 = fixedWidthSerde<number>({
  name: 'int16',
  widthBytes: 2,
  reject: integerIn(-0x8000, 0x7fff),
  write: (buf, data) => buf.writeInt16BE(data, 0),
  read: (buf) => buf.readInt16BE(0),
});

const INT32 = fixedWidthSerde<number>({
  name: 'int32',
  widthBytes: 4,
  reject: integerIn(-0x8000_0000, 0x7fff_ffff),
  write: (buf, data) => buf.writeInt32BE(data, 0),
  read: (buf) => buf.readInt32BE(0),
});

const INT64 = fixedWidthSerde<number>({
  name: 'int64',
  widthBytes: 8,
  reject: (data) =>
    typeof data === 'number' && Number.isSafeInteger(data)
      ? undefined
      : `needs a safe integer (|n| ≤ 2^53 - 1; use Serdes.bigint64() for the full 64-bit range), got ${describeValue(data)}`,
  write: (buf, data) => buf.writeBigInt64BE(BigInt(data), 0),
  read: (buf, ctx) => {
    const value = buf.readBigInt64BE(0);
    if (value < SAFE_MIN || value > SAFE_MAX) {
      throw serdeFailure(
        'int64',
        ctx,
        `${value} is outside the safe integer range |n| ≤ 2^53 - 1; use Serdes.bigint64() for the full 64-bit range`,
      );
    }
    return Number(value);
  },
});

const BIGINT64 = fixedWidthSerde<bigint>({
  name: 'bigint64',
  widthBytes: 8,
  reject: (data) =>
    typeof data === 'bigint' && data >= INT64_MIN && data <= INT64_MAX
      ? undefined
      : `needs a bigint in [-2^63, 2^63 - 1], got ${describeValue(data)}`,
  write: (buf, data) => buf.writeBigInt64BE(data, 0),
  read: (buf) => buf.readBigInt64BE(0),
});

const FLOAT32 = fixedWidthSerde<number>({
  name: 'float32',
  widthBytes: 4,
  reject: anyNumber,
  write: (buf, data) => buf.writeFloatBE(data, 0),
  read: (buf) => buf.readFloatBE(0),
});

const DOUBLE = fixedWidthSerde<number>({
  name: 'double',
  widthBytes: 8,
  reject: anyNumber,
  write: (buf, data) => buf.writeDoubleBE(data, 0),
  read: (buf) => buf.readDoubleBE(0),
});

/**
 * A 2-byte big-endian two's-complement integer, as Kafka's `ShortSerializer` writes it.
 * Values outside [-32768, 32767] or not integers throw {@link SerdeError}.
 *
 * @example
 * ```ts
 * Serdes.int16().serialize(-2, { topic: 't' }); // <Buffer ff fe>
 * ```
 */
export function int16Serde(): Serde<number> {
  return INT16;
}

/**
 * A 4-byte big-endian two's-complement integer, as Kafka's `IntegerSerializer` writes it.
 * Values outside the int32 range or not integers throw {@link SerdeError}.
 *
 * @example
 * ```ts
 * Serdes.int32().serialize(1, { topic: 't' }); // <Buffer 00 00 00 01>
 * Serdes.int32().serialize(-1, { topic: 't' }); // <Buffer ff ff ff ff>
 * ```
 */
export function int32Serde(): Serde<number> {
  return INT32;
}

/**
 * An 8-byte big-endian integer, as Kafka's `LongSerializer` writes it, exposed as a `number`.
 * Both directions throw {@link SerdeError} outside the safe-integer range (|n| ≤ 2^53 − 1)
 * rather than lose precision; use `Serdes.bigint64()` for the full range.
 *
 * @example
 * ```ts
 * Serdes.int64().serialize(Number.MAX_SAFE_INTEGER, { topic: 't' });
 * // <Buffer 00 1f ff ff ff ff ff ff>
 * ```
 */
export function int64Serde(): Serde<number> {
  return INT64;
}

/**
 * An 8-byte big-endian integer, as Kafka's `LongSerializer` writes it, exposed as a `bigint`
 * over the full signed 64-bit range.
 *
 * @example
 * ```ts
 * Serdes.bigint64().serialize(-(2n ** 63n), { topic: 't' }); // <Buffer 80 00 00 00 00 00 00 00>
 * ```
 */
export function bigint64Serde(): Serde<bigint> {
  return BIGINT64;
}

/**
 * A 4-byte IEEE-754 single, as Kafka's `FloatSerializer` writes it. A `number` is rounded to
 * the nearest single on the way out, so `0.1` reads back as `0.10000000149011612`.
 *
 * @example
 * ```ts
 * Serdes.float32().serialize(1.5, { topic: 't' }); // <Buffer 3f c0 00 00>
 * ```
 */
export function float32Serde(): Serde<number> {
  return FLOAT32;
}

/**
 * An 8-byte IEEE-754 double, as Kafka's `DoubleSerializer` writes it; every `number` (NaN,
 * ±Infinity and -0 included) survives the round trip.
 *
 * @example
 * ```ts
 * Serdes.double().serialize(1.5, { topic: 't' }); // <Buffer 3f f8 00 00 00 00 00 00>
 * ```
 */
export function doubleSerde(): Serde<number> {
  return DOUBLE;
}
