/**
 * The errors of the transport layer. Callers branch on them: a {@link NetworkError} means "the
 * connection is gone, reconnect and retry", a {@link FrameSizeError} means "the peer sent a size
 * prefix we refuse", an {@link UnsupportedVersionError} means "this broker and this client share
 * no version of the API".
 */
import { ErrorCode } from '../util/error-codes.js';
import { FjordError, ProtocolError, type FjordErrorOptions } from '../util/errors.js';

/**
 * The connection failed or was closed while a request was outstanding. Retriable: Kafka's
 * clients reconnect (after refreshing metadata) and send the request again.
 *
 * @example
 * ```ts
 * try {
 *   await conn.send(ApiKey.METADATA, 9, { topics: null });
 * } catch (err) {
 *   if (err instanceof NetworkError) conn = await KafkaConnection.connect(host, port);
 *   else throw err;
 * }
 * ```
 */
export class NetworkError extends FjordError {
  constructor(message: string, options?: FjordErrorOptions) {
    super(message, ErrorCode.NETWORK_EXCEPTION, options);
  }
}

/**
 * A frame whose 4-byte size prefix is out of bounds: above the configured maximum
 * (`socket.request.max.bytes` on the broker) or too small to hold a header. Raised as soon as
 * the prefix arrives, before any of the body is buffered, so a hostile size cannot make the
 * reader allocate.
 *
 * @example
 * ```ts
 * try {
 *   reader.push(chunk);
 * } catch (err) {
 *   if (err instanceof FrameSizeError) socket.destroy();
 * }
 * ```
 */
export class FrameSizeError extends FjordError {
  constructor(
    /** The size the prefix declared, in bytes (may be negative). */
    readonly declaredBytes: number,
    /** The smallest size accepted, in bytes. */
    readonly minFrameBytes: number,
    /** The largest size accepted, in bytes. */
    readonly maxFrameBytes: number,
  ) {
    super(
      `frame size ${declaredBytes} is outside [${minFrameBytes}, ${maxFrameBytes}] bytes`,
      ErrorCode.INVALID_REQUEST,
    );
  }
}

/**
 * The broker supports no version of an API that the client can speak.
 *
 * @example
 * ```ts
 * try {
 *   version = conn.pickVersion(ApiKey.FETCH, 12);
 * } catch (err) {
 *   if (err instanceof UnsupportedVersionError) useFallback();
 *   else throw err;
 * }
 * ```
 */
export class UnsupportedVersionError extends ProtocolError {
  constructor(message: string, options?: FjordErrorOptions) {
    super(message, ErrorCode.UNSUPPORTED_VERSION, options);
  }
}
