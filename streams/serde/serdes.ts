import { jsonSerde } from './json-serde.js';
import { nullableSerde } from './nullable.js';
import {
  bigint64Serde,
  doubleSerde,
  float32Serde,
  int16Serde,
  int32Serde,
  int64Serde,
} from './number-serdes.js';
import { booleanSerde, bytesSerde, stringSerde } from './primitive-serdes.js';

/**
 * The built-in serdes, byte-compatible with Kafka's Java serdes of the same types.
 *
 * | serde | type | bytes | Java counterpart |
 * |---|---|---|---|
 * | `string()` | `string` | UTF-8 | `StringSerde` |
 * | `bytes()` | `Buffer` | as they are | `ByteArraySerde` |
 * | `boolean()` | `boolean` | 1 byte, `01` / `00` | `BooleanSerde` |
 * | `int16()` | `number` | 2 bytes, big-endian | `ShortSerde` |
 * | `int32()` | `number` | 4 bytes, big-endian | `IntegerSerde` |
 * | `int64()` | `number` (safe integers only) | 8 bytes, big-endian | `LongSerde` |
 * | `bigint64()` | `bigint` | 8 bytes, big-endian | `LongSerde` |
 * | `float32()` | `number` | 4-byte IEEE-754 | `FloatSerde` |
 * | `double()` | `number` | 8-byte IEEE-754 | `DoubleSerde` |
 * | `json<T>(options?)` | `T` | UTF-8 JSON, ajv-validated with a schema | (Jackson) |
 * | `nullable(inner)` | `T \| null` | null ↔ null bytes | Java's serdes' null handling |
 *
 * Null handling: all but `nullable` are strict. Null bytes (a tombstone or a missing key) and
 * `null` values throw {@link SerdeError}, and serialize never returns `null`; wrap a serde in
 * `Serdes.nullable(...)` to map `null` to null bytes and back. Every failure is a
 * {@link SerdeError}.
 *
 * @example
 * ```ts
 * const keys = Serdes.string();
 * const values = Serdes.nullable(Serdes.json<Order>({ schema: orderSchema }));
 * const key = keys.serialize('order-1', { topic: 'orders' });
 * const tombstone = values.serialize(null, { topic: 'orders' }); // null
 * ```
 */
export const Serdes = Object.freeze({
  /** UTF-8 text (Java's `StringSerde`). */
  string: stringSerde,
  /** Raw bytes, passed through without a copy (Java's `ByteArraySerde`). */
  bytes: bytesSerde,
  /** One byte, `01` or `00` (Java's `BooleanSerde`). */
  boolean: booleanSerde,
  /** A 2-byte big-endian integer (Java's `ShortSerde`). */
  int16: int16Serde,
  /** A 4-byte big-endian integer (Java's `IntegerSerde`). */
  int32: int32Serde,
  /** An 8-byte big-endian integer as a safe-integer `number` (Java's `LongSerde`). */
  int64: int64Serde,
  /** An 8-byte big-endian integer as a `bigint` (Java's `LongSerde`). */
  bigint64: bigint64Serde,
  /** A 4-byte IEEE-754 single (Java's `FloatSerde`). */
  float32: float32Serde,
  /** An 8-byte IEEE-754 double (Java's `DoubleSerde`). */
  double: doubleSerde,
  /** UTF-8 JSON, validated by ajv when given a schema. */
  json: jsonSerde,
  /** Maps `null` to null bytes and back around a strict serde. */
  nullable: nullableSerde,
});
