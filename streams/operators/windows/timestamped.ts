/**
 * Aggregates kept with the largest event time they contain (Kafka Streams'
 * `ValueAndTimestamp`), so a windowed result carries the time of its latest record and sliding
 * windows can tell which records a window holds. Serialized as Kafka's timestamped stores do:
 * an 8-byte big-endian timestamp, then the value's bytes.
 */
import type { Serde, SerdeContext } from '../../serde/index.js';
import { SerdeError } from '../../serde/index.js';

const TWO_32 = 2 ** 32;

/**
 * A value and the largest event time of the records it aggregates.
 *
 * @example
 * ```ts
 * const count: Timestamped<number> = { value: 3, timestampMs: 61_500 };
 * ```
 */
export interface Timestamped<V> {
  readonly value: V;
  readonly timestampMs: number;
}

/**
 * The serde of {@link Timestamped} values over the value's serde.
 *
 * @example
 * ```ts
 * const serde = timestampedSerde(Serdes.int64());
 * serde.serialize({ value: 3, timestampMs: 61_500 }, { topic: 'counts-changelog' });
 * ```
 */
export function timestampedSerde<V>(inner: Serde<V>): Serde<Timestamped<V>> {
  return {
    name: `timestamped(${inner.name})`,
    serialize(data: Timestamped<V>, ctx: SerdeContext): Buffer {
      const value = inner.serialize(data.value, ctx) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(8 + value.length);
      // int64 big-endian without a BigInt per value (timestamps are safe integers)
      out.writeInt32BE(Math.floor(data.timestampMs / TWO_32), 0);
      out.writeUInt32BE(data.timestampMs >>> 0, 4);
      value.copy(out, 8);
      return out;
    },
    deserialize(data: Buffer | null, ctx: SerdeContext): Timestamped<V> {
      if (data === null || data.length < 8)
        throw new SerdeError('expected an 8-byte timestamp and a value', {
          serde: `timestamped(${inner.name})`,
          topic: ctx.topic,
        });
      return {
        timestampMs: data.readInt32BE(0) * TWO_32 + data.readUInt32BE(4),
        value: inner.deserialize(data.subarray(8), ctx),
      };
    },
  };
}
