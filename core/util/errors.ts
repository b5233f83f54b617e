import { ErrorCode, errorName, isRetriable } from './error-codes.js';

/** Options shared by every fjord error. */
export interface FjordErrorOptions {
  /** The underlying failure, kept for diagnostics. */
  readonly cause?: unknown;
}

/**
 * The base of every error fjord throws. `code` is a Kafka error code where one applies and
 * `UNKNOWN_SERVER_ERROR` otherwise; `retriable` follows Apache Kafka's classification.
 *
 * @example
 * ```ts
 * try {
 *   log.read(offset, 1 << 20);
 * } catch (err) {
 *   if (err instanceof FjordError && err.code === ErrorCode.OFFSET_OUT_OF_RANGE) resetOffset();
 *   else throw err;
 * }
 * ```
 */
export class FjordError extends Error {
  /** The Kafka error code this failure maps to. */
  readonly code: ErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retriable: boolean;

  constructor(
    message: string,
    code: ErrorCode = ErrorCode.UNKNOWN_SERVER_ERROR,
    options?: FjordErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = isRetriable(code);
  }

  /** The Kafka name of {@link FjordError.code}, e.g. `CORRUPT_MESSAGE`. */
  get codeName(): string {
    return errorName(this.code);
  }
}

/** A request or value that breaks the Kafka protocol; carries the code to answer with. */
export class ProtocolError extends FjordError {}

/** Bytes that fail a CRC, magic, length or structure check: `CORRUPT_MESSAGE` unless stated. */
export class CorruptRecordError extends FjordError {
  constructor(
    message: string,
    code: ErrorCode = ErrorCode.CORRUPT_MESSAGE,
    options?: FjordErrorOptions,
  ) {
    super(message, code, options);
  }
}

/** A configuration value that is missing, malformed or out of range. */
export class ConfigError extends FjordError {
  constructor(message: string, options?: FjordErrorOptions) {
    super(message, ErrorCode.INVALID_CONFIG, options);
  }
}

/** An operation on a log, segment or index that is closed, or the disk failed under it. */
export class StorageError extends FjordError {
  constructor(message: string, options?: FjordErrorOptions) {
    super(message, ErrorCode.KAFKA_STORAGE_ERROR, options);
  }
}

/** An operation that did not complete in its allotted time. */
export class TimeoutError extends FjordError {
  constructor(message: string, options?: FjordErrorOptions) {
    super(message, ErrorCode.REQUEST_TIMED_OUT, options);
  }
}
