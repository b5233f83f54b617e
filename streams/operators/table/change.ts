/**
 * What a KTable's nodes pass on: the new and the old value of a key (Kafka Streams' `Change`),
 * so a downstream re-aggregation can subtract the old value before adding the new one. A null
 * new value is a deletion (a tombstone once written to a topic).
 */
import { SerdeError, type Serde, type SerdeContext } from '../../serde/index.js';

/**
 * The update of one key of a table.
 *
 * @example
 * ```ts
 * const c: Change<number> = { newValue: 3, oldValue: 2 };
 * ```
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

const NEW = 1;
const OLD = 2;
const HEADER_BYTES = 5;

/**
 * A serde for changes, for the repartition topic of `KTable.groupBy`:
 * `[flags: 1 byte][new value length: int32 BE][new value][old value]`.
 *
 * @example
 * ```ts
 * const serde = changeSerde(Serdes.string());
 * serde.deserialize(serde.serialize({ newValue: 'a', oldValue: null }, ctx), ctx);
 * ```
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  const encode = (v: V | null, ctx: SerdeContext): Buffer | null =>
    v === null ? null : inner.serialize(v, ctx);
  return {
    name: `change(${inner.name})`,
    serialize(change, ctx) {
      const n = encode(change.newValue, ctx);
      const o = encode(change.oldValue, ctx);
      const out = Buffer.allocUnsafe(HEADER_BYTES + (n?.length ?? 0) + (o?.length ?? 0));
      out.writeUInt8((n === null ? 0 : NEW) | (o === null ? 0 : OLD), 0);
      out.writeInt32BE(n?.length ?? 0, 1);
      n?.copy(out, HEADER_BYTES);
      o?.copy(out, HEADER_BYTES + (n?.length ?? 0));
      return out;
    },
    deserialize(data, ctx) {
      if (data === null || data.length < HEADER_BYTES)
        throw new SerdeError(`a change of ${data?.length ?? 0} bytes is too short`, {
          serde: `change(${inner.name})`,
          topic: ctx.topic,
        });
      const flags = data.readUInt8(0);
      const newLength = data.readInt32BE(1);
      if (newLength < 0 || HEADER_BYTES + newLength > data.length)
        throw new SerdeError(`a change claims a new value of ${newLength} bytes`, {
          serde: `change(${inner.name})`,
          topic: ctx.topic,
        });
      const newBytes = data.subarray(HEADER_BYTES, HEADER_BYTES + newLength);
      const oldBytes = data.subarray(HEADER_BYTES + newLength);
      return {
        newValue: (flags & NEW) === 0 ? null : inner.deserialize(newBytes, ctx),
        oldValue: (flags & OLD) === 0 ? null : inner.deserialize(oldBytes, ctx),
      };
    },
  };
}
