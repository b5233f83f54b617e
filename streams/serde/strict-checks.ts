/**
 * The checks every strict built-in serde makes: no null bytes, no null values, exact lengths.
 * @internal
 * @module
 */
import type { SerdeContext } from './serde.js';
import { serdeFailure } from './serde-error.js';

/** The bytes, or a SerdeError telling the caller to declare the serde nullable. */
export function requireBytes(serde: string, data: Buffer | null, ctx: SerdeContext): Buffer {
  if (data === null) {
    throw serdeFailure(
      serde,
      ctx,
      `null bytes (a tombstone or a missing key); declare the serde nullable: Serdes.nullable(Serdes.${serde}())`,
    );
  }
  return data;
}

/** The bytes, checked to be exactly `lengthBytes` long. */
export function requireLength(
  serde: string,
  data: Buffer | null,
  lengthBytes: number,
  ctx: SerdeContext,
): Buffer {
  const bytes = requireBytes(serde, data, ctx);
  if (bytes.length !== lengthBytes) {
    throw serdeFailure(
      serde,
      ctx,
      `expected exactly ${lengthBytes} byte${lengthBytes === 1 ? '' : 's'}, got ${bytes.length}`,
    );
  }
  return bytes;
}

/** Rejects `null` and `undefined` values, which a strict serde cannot encode. */
export function requireValue(serde: string, data: unknown, ctx: SerdeContext): void {
  if (data === undefined) throw serdeFailure(serde, ctx, 'undefined value');
  if (data === null) {
    throw serdeFailure(
      serde,
      ctx,
      `null value; declare the serde nullable: Serdes.nullable(Serdes.${serde}())`,
    );
  }
}

/** How a value looks in an error message: its type and, for short primitives, the value. */
export function describeValue(data: unknown): string {
  if (typeof data === 'bigint') return `bigint ${data}n`;
  if (typeof data === 'number' || typeof data === 'boolean') return `${typeof data} ${data}`;
  if (typeof data === 'string') return `a string of ${data.length} UTF-16 units`;
  if (Buffer.isBuffer(data)) return `a Buffer of ${data.length} bytes`;
  return data === null ? 'null' : typeof data;
}
