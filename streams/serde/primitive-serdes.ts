import type { Serde, SerdeContext } from './serde.js';
import { serdeFailure } from './serde-error.js';
import { describeValue, requireBytes, requireValue } from './strict-checks.js';
import { fixedWidthSerde } from './fixed-width-serde.js';

const STRING: Serde<string> = Object.freeze({
  name: 'string',
  serialize(data: string, ctx: SerdeContext): Buffer {
    requireValue('string', data, ctx);
    if (typeof data !== 'string') {
      throw serdeFailure('string', ctx, `needs a string, got ${describeValue(data)}`);
    }
    return Buffer.from(data, 'utf8');
  },
  deserialize(data: Buffer | null, ctx: SerdeContext): string {
    return requireBytes('string', data, ctx).toString('utf8');
  },
});

const BYTES: Serde<Buffer> = Object.freeze({
  name: 'bytes',
  serialize(data: Buffer, ctx: SerdeContext): Buffer {
    requireValue('bytes', data, ctx);
    const value: unknown = data; // callers from JavaScript may pass anything
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) {
      return Buffer.from(value.buffer, value.byteOffset, value.length);
    }
    throw serdeFailure('bytes', ctx, `needs a Buffer, got ${describeValue(value)}`);
  },
  deserialize(data: Buffer | null, ctx: SerdeContext): Buffer {
    return requireBytes('bytes', data, ctx);
  },
});

const BYTE_FALSE = 0x00;
const BYTE_TRUE = 0x01;

const BOOLEAN = fixedWidthSerde<boolean>({
  name: 'boolean',
  widthBytes: 1,
  reject: (data) =>
    typeof data === 'boolean' ? undefined : `needs a boolean, got ${describeValue(data)}`,
  write: (buf, data) => buf.writeUInt8(data ? BYTE_TRUE : BYTE_FALSE, 0),
  read: (buf, ctx) => {
    const byte = buf.readUInt8(0);
    if (byte === BYTE_TRUE) return true;
    if (byte === BYTE_FALSE) return false;
    throw serdeFailure(
      'boolean',
      ctx,
      `expected byte 0x00 or 0x01, got 0x${byte.toString(16).padStart(2, '0')}`,
    );
  },
});

/**
 * UTF-8 text, as Kafka's `StringSerializer` writes it. Like Java, invalid UTF-8 decodes to
 * U+FFFD; unlike Java, which writes `?` for a lone UTF-16 surrogate, Node writes U+FFFD.
 *
 * @example
 * ```ts
 * Serdes.string().serialize('héllo', { topic: 't' }); // <Buffer 68 c3 a9 6c 6c 6f>
 * ```
 */
export function stringSerde(): Serde<string> {
  return STRING;
}

/**
 * Raw bytes, passed through as they are (Kafka's `ByteArraySerializer`). Nothing is copied:
 * the deserialized Buffer is the caller's, and a `Uint8Array` is wrapped without a copy.
 *
 * @example
 * ```ts
 * Serdes.bytes().deserialize(Buffer.from([1, 2]), { topic: 't' }); // <Buffer 01 02>
 * ```
 */
export function bytesSerde(): Serde<Buffer> {
  return BYTES;
}

/**
 * One byte, `0x01` for true and `0x00` for false, as Kafka's `BooleanSerializer` writes it;
 * any other byte throws {@link SerdeError}.
 *
 * @example
 * ```ts
 * Serdes.boolean().serialize(true, { topic: 't' }); // <Buffer 01>
 * ```
 */
export function booleanSerde(): Serde<boolean> {
  return BOOLEAN;
}
