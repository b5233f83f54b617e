/**
 * fjord's core: the partition log, the Kafka wire protocol and (soon) the broker and clients.
 * Code outside core imports from here only.
 *
 * @packageDocumentation
 */
export { ErrorCode, errorName, isRetriable } from './util/error-codes.js';
export {
  FjordError,
  ProtocolError,
  CorruptRecordError,
  ConfigError,
  StorageError,
  TimeoutError,
} from './util/errors.js';
export type { FjordErrorOptions } from './util/errors.js';
export { murmur2, partitionForKey } from './util/murmur2.js';
export { crc32c } from './util/crc32c.js';
