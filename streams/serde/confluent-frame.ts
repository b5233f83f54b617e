/**
 * Confluent's wire format, the frame that Schema-Registry serdes (Avro, Protobuf, JSON Schema)
 * put around their payload:
 *
 * ```
 * magic byte   int8   = 0
 * schema id    int32  big-endian, the id the registry gave the writer's schema (≥ 0)
 * payload      bytes  the rest of the record
 * ```
 *
 * @module
 */
import type { SerdeContext } from './serde.js';
import { serdeFailure } from './serde-error.js';

/** The only magic byte Confluent's serdes write. */
export const CONFLUENT_MAGIC_BYTE = 0;

/** Magic byte and schema id: the bytes before the payload. */
export const CONFLUENT_HEADER_BYTES = 5;

const MAX_SCHEMA_ID = 0x7fff_ffff;

/**
 * A decoded Confluent frame.
 *
 * @example
 * ```ts
 * const { schemaId, payload }: ConfluentFrame = decodeConfluentFrame(bytes);
 * ```
 */
export interface ConfluentFrame {
  /** The Schema Registry id of the writer's schema. */
  readonly schemaId: number;
  /** The serialized value after the 5-byte header (a view into the frame, not a copy). */
  readonly payload: Buffer;
}

/**
 * Frames `payload` for the Confluent wire format: magic byte 0, the schema id as a 4-byte
 * big-endian integer, then the payload (copied). Throws {@link SerdeError} when `schemaId` is not
 * an integer in [0, 2^31 − 1]; `ctx` only locates that error.
 *
 * @example
 * ```ts
 * encodeConfluentFrame(42, Buffer.from([0x02, 0x61])); // <Buffer 00 00 00 00 2a 02 61>
 * ```
 */
export function encodeConfluentFrame(
  schemaId: number,
  payload: Buffer,
  ctx?: SerdeContext,
): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw serdeFailure(
      'confluent-frame',
      ctx,
      `schema id must be an integer in [0, ${MAX_SCHEMA_ID}], got ${schemaId}`,
    );
  }
  const frame = Buffer.alloc(CONFLUENT_HEADER_BYTES + payload.length);
  frame.writeUInt8(CONFLUENT_MAGIC_BYTE, 0);
  frame.writeInt32BE(schemaId, 1);
  payload.copy(frame, CONFLUENT_HEADER_BYTES);
  return frame;
}

/**
 * Splits a Confluent frame into its schema id and payload; the payload is a view into `frame`.
 * Throws {@link SerdeError} when the frame is shorter than 5 bytes, its magic byte is not 0, or
 * the schema id is negative; `ctx` only locates that error.
 *
 * @example
 * ```ts
 * decodeConfluentFrame(Buffer.from([0, 0, 0, 0, 42, 2, 97]));
 * // { schemaId: 42, payload: <Buffer 02 61> }
 * ```
 */
export function decodeConfluentFrame(frame: Buffer, ctx?: SerdeContext): ConfluentFrame {
  if (frame.length < CONFLUENT_HEADER_BYTES) {
    throw serdeFailure(
      'confluent-frame',
      ctx,
      `frame of ${frame.length} bytes is shorter than the ${CONFLUENT_HEADER_BYTES}-byte header (magic byte 0 and a 4-byte schema id)`,
    );
  }
  const magic = frame.readUInt8(0);
  if (magic !== CONFLUENT_MAGIC_BYTE) {
    throw serdeFailure(
      'confluent-frame',
      ctx,
      `unknown magic byte 0x${magic.toString(16).padStart(2, '0')}; the Confluent wire format starts with 0x00`,
    );
  }
  const schemaId = frame.readInt32BE(1);
  if (schemaId < 0) {
    throw serdeFailure('confluent-frame', ctx, `negative schema id ${schemaId}`);
  }
  return { schemaId, payload: frame.subarray(CONFLUENT_HEADER_BYTES) };
}
