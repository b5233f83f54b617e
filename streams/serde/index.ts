/**
 * fjord's serdes: how the streams DSL turns keys and values into record bytes and back,
 * byte-compatible with Kafka's Java serdes, plus the Confluent wire-format frame that
 * Schema-Registry serdes build on.
 *
 * @example
 * ```ts
 * import { Serdes, SerdeError } from './streams/serde/index.js';
 * const counts = Serdes.nullable(Serdes.int64());
 * counts.serialize(3, { topic: 'counts' }); // <Buffer 00 00 00 00 00 00 00 03>
 * ```
 *
 * @packageDocumentation
 */
export type { Serde, SerdeContext, Serializer, Deserializer } from './serde.js';
export { SerdeError, type SerdeErrorOptions, type SerdeSide } from './serde-error.js';
export { Serdes } from './serdes.js';
export type { JsonSerdeOptions } from './json-serde.js';
export {
  encodeConfluentFrame,
  decodeConfluentFrame,
  CONFLUENT_MAGIC_BYTE,
  CONFLUENT_HEADER_BYTES,
  type ConfluentFrame,
} from './confluent-frame.js';
