import type { Serde, SerdeContext } from './serde.js';

/**
 * Declares that a serde's values may be absent: `null` serializes to null bytes (a tombstone
 * value, or a record without a key) and null bytes deserialize to `null`; everything else goes
 * to `inner`. The built-in serdes are strict and throw on null otherwise.
 *
 * @example
 * ```ts
 * const balances = Serdes.nullable(Serdes.int64());
 * balances.serialize(null, { topic: 'balances' }); // null: a tombstone
 * balances.deserialize(null, { topic: 'balances' }); // null
 * ```
 */
export function nullableSerde<T>(inner: Serde<T>): Serde<T | null> {
  return Object.freeze({
    name: `nullable(${inner.name})`,
    serialize(data: T | null, ctx: SerdeContext): Buffer | null {
      return data === null ? null : inner.serialize(data, ctx);
    },
    deserialize(data: Buffer | null, ctx: SerdeContext): T | null {
      return data === null ? null : inner.deserialize(data, ctx);
    },
  });
}
