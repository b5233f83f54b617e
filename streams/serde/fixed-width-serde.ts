/**
 * The shape shared by the fixed-width number serdes: a value check, then exactly `widthBytes`
 * big-endian bytes.
 * @internal
 * @module
 */
import type { Serde, SerdeContext } from './serde.js';
import { serdeFailure } from './serde-error.js';
import { requireLength, requireValue } from './strict-checks.js';

/** How one fixed-width type is checked, written and read. */
export interface FixedWidthCodec<T> {
  readonly name: string;
  readonly widthBytes: number;
  /** Why `data` cannot be encoded, or `undefined` when it can. */
  readonly reject: (data: unknown) => string | undefined;
  /** Writes `data` into `buf`, which is exactly `widthBytes` long. */
  readonly write: (buf: Buffer, data: T) => void;
  /** Reads a value from `buf`, which is exactly `widthBytes` long. */
  readonly read: (buf: Buffer, ctx: SerdeContext) => T;
}

/** A strict, stateless serde for one fixed-width type. */
export function fixedWidthSerde<T>(codec: FixedWidthCodec<T>): Serde<T> {
  const { name, widthBytes } = codec;
  return Object.freeze({
    name,
    serialize(data: T, ctx: SerdeContext): Buffer {
      requireValue(name, data, ctx);
      const why = codec.reject(data);
      if (why !== undefined) throw serdeFailure(name, ctx, why);
      // Not allocUnsafe: a pooled slice would pin an 8 KiB slab for as long as a store keeps it.
      const buf = Buffer.alloc(widthBytes);
      codec.write(buf, data);
      return buf;
    },
    deserialize(data: Buffer | null, ctx: SerdeContext): T {
      return codec.read(requireLength(name, data, widthBytes, ctx), ctx);
    },
  });
}
