/**
 * Whole request and response frames: header plus body, for every API in the registry.
 *
 * ```
 * request frame   int32 size | request header v1/v2 | body      (decodeRequest takes it without size)
 * response frame  int32 size | response header v0/v1 | body     (encodeResponse includes the size)
 * ```
 * The header version follows the body: flexible bodies use request header v2 and response header
 * v1, except that ApiVersions responses always use header v0.
 */
import { ErrorCode } from '../util/error-codes.js';
import { ProtocolError, type FjordErrorOptions } from '../util/errors.js';
import { ByteReader, DecodeError } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { ChunkedWriter } from './chunked-writer.js';
import { decodeMessage, encodeMessage } from './codec.js';
import {
  readRequestHeader,
  readResponseHeader,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
} from './header.js';
import {
  ApiKey,
  apiEntry,
  apis,
  type ApiEntry,
  type RequestOf,
  type ResponseOf,
} from './messages/index.js';
import { isFlexible } from './schema.js';

/**
 * A decoded request. `apiKey` repeats `header.apiKey` at the top so that switching on it narrows
 * `body` to that API's request type (TypeScript does not narrow on nested properties).
 */
export type DecodedRequest = {
  [K in ApiKey]: {
    readonly apiKey: K;
    readonly header: RequestHeader<K>;
    readonly body: RequestOf<K>;
  };
}[ApiKey];

/** The fixed first 8 bytes of every request header: enough to answer or log a bad request. */
export interface RequestIds {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
}

/**
 * A request that cannot be decoded. `code` is UNSUPPORTED_VERSION for an API key or version fjord
 * does not implement and INVALID_REQUEST for malformed bytes. `request` holds the ids from the
 * header when the frame was long enough to carry them, so the broker can still answer (an
 * ApiVersions request gets {@link encodeApiVersionsUnsupported}); without them it closes the
 * connection.
 */
export class RequestDecodeError extends ProtocolError {
  constructor(
    message: string,
    code: ErrorCode,
    readonly request: RequestIds | undefined,
    options?: FjordErrorOptions,
  ) {
    super(message, code, options);
  }
}

const REQUEST_IDS_BYTES = 8;
const SIZE_BYTES = 4;

/**
 * Decodes a request frame given without its 4-byte size prefix. The body must end exactly at
 * the end of the frame. Throws {@link RequestDecodeError} and nothing else for bad input.
 *
 * @example
 * ```ts
 * const req = decodeRequest(frame);
 * switch (req.apiKey) {
 *   case ApiKey.PRODUCE:
 *     for (const t of req.body.topicData) append(t.name, t.partitionData);
 *     break;
 *   // ...
 * }
 * ```
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  if (frame.length < REQUEST_IDS_BYTES) {
    throw new RequestDecodeError(
      `request frame of ${frame.length} bytes is shorter than a request header`,
      ErrorCode.INVALID_REQUEST,
      undefined,
    );
  }
  const ids: RequestIds = {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
  const entry = apiEntry(ids.apiKey);
  if (
    entry === undefined ||
    ids.apiVersion < entry.minVersion ||
    ids.apiVersion > entry.maxVersion
  ) {
    throw new RequestDecodeError(
      `${entry?.name ?? `API key ${ids.apiKey}`} v${ids.apiVersion} is not supported`,
      ErrorCode.UNSUPPORTED_VERSION,
      ids,
    );
  }
  try {
    const reader = new ByteReader(frame, 0, frame.length, ErrorCode.INVALID_REQUEST);
    const flexible = isFlexible(entry.request, ids.apiVersion);
    const header = readRequestHeader(reader, flexible);
    const body = decodeMessage(entry.request, ids.apiVersion, reader);
    if (reader.remaining !== 0) throw reader.fail(`${reader.remaining} bytes after the body`);
    // The registry pairs each key with its request schema, so header and body match.
    return { apiKey: ids.apiKey, header, body } as DecodedRequest;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    throw new RequestDecodeError(
      `${entry.name} v${ids.apiVersion}: ${err.message}`,
      err.code,
      ids,
      {
        cause: err,
      },
    );
  }
}

/**
 * Encodes a response frame, size prefix included, ready for the socket.
 *
 * @example
 * ```ts
 * socket.write(
 *   encodeResponse(ApiKey.HEARTBEAT, req.header.apiVersion, req.header.correlationId, {
 *     throttleTimeMs: 0,
 *     errorCode: ErrorCode.NONE,
 *   }),
 * );
 * ```
 */
export function encodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ResponseOf<K>,
): Buffer {
  const w = new ByteWriter();
  writeResponse(w, apiKey, apiVersion, correlationId, body);
  w.patchInt32(0, w.pos - SIZE_BYTES);
  return w.finish();
}

/**
 * Like {@link encodeResponse}, but returns the frame as a list of Buffers in which byte runs of at
 * least `minChunkBytes` (record batches) are the caller's own Buffers, not copies. Write them
 * with one `writev` (or `cork`/`uncork`).
 */
export function encodeResponseChunks<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ResponseOf<K>,
  minChunkBytes = 4096,
): Buffer[] {
  const w = new ChunkedWriter(minChunkBytes);
  writeResponse(w, apiKey, apiVersion, correlationId, body);
  const total = w.totalBytes;
  const chunks = w.finishChunks();
  // The size prefix was reserved at the front of the first chunk, which is the writer's own.
  chunks[0]?.writeInt32BE(total - SIZE_BYTES, 0);
  return chunks;
}

function writeResponse(
  w: ByteWriter,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: unknown,
): void {
  const entry = knownEntry(apiKey);
  w.reserve(SIZE_BYTES);
  const flexible = isFlexible(entry.response, apiVersion);
  writeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, flexible));
  encodeMessage(entry.response, apiVersion, body, w);
}

/**
 * The answer to an ApiVersions request of a version fjord does not know: error 35 in a v0 body
 * (with a v0 header), listing the ApiVersions range so the client can retry with a version in
 * it. librdkafka and kafkajs read exactly this and fall back (kafka-protocol.md §1.1).
 */
export function encodeApiVersionsUnsupported(correlationId: number): Buffer {
  const entry = apis[ApiKey.API_VERSIONS];
  return encodeResponse(ApiKey.API_VERSIONS, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: entry.apiKey, minVersion: entry.minVersion, maxVersion: entry.maxVersion }],
  });
}

/**
 * Encodes a request frame, size prefix included (the client side).
 *
 * @example
 * ```ts
 * const frame = encodeRequest(
 *   { apiKey: ApiKey.METADATA, apiVersion: 9, correlationId: 7, clientId: 'fjord' },
 *   { topics: [{ name: 'orders' }], allowAutoTopicCreation: false },
 * );
 * ```
 */
export function encodeRequest<K extends ApiKey>(
  header: RequestHeader<K>,
  body: RequestOf<K>,
): Buffer {
  const w = new ByteWriter();
  writeRequest(w, header, body);
  w.patchInt32(0, w.pos - SIZE_BYTES);
  return w.finish();
}

/**
 * Like {@link encodeRequest}, but returns the frame as a list of Buffers in which byte runs of at
 * least `minChunkBytes` (the record batches of a Produce) are the caller's own Buffers, not
 * copies. The caller must leave those Buffers untouched until the socket has written them.
 *
 * @example
 * ```ts
 * const chunks = encodeRequestChunks(
 *   { apiKey: ApiKey.PRODUCE, apiVersion: 9, correlationId: 8, clientId: 'fjord' },
 *   produceBody,
 * );
 * socket.cork();
 * for (const chunk of chunks) socket.write(chunk);
 * socket.uncork();
 * ```
 */
export function encodeRequestChunks<K extends ApiKey>(
  header: RequestHeader<K>,
  body: RequestOf<K>,
  minChunkBytes = 4096,
): Buffer[] {
  const w = new ChunkedWriter(minChunkBytes);
  writeRequest(w, header, body);
  const total = w.totalBytes;
  const chunks = w.finishChunks();
  // The size prefix was reserved at the front of the first chunk, which is the writer's own.
  chunks[0]?.writeInt32BE(total - SIZE_BYTES, 0);
  return chunks;
}

function writeRequest<K extends ApiKey>(
  w: ByteWriter,
  header: RequestHeader<K>,
  body: RequestOf<K>,
): void {
  const entry = knownEntry(header.apiKey);
  w.reserve(SIZE_BYTES);
  writeRequestHeader(w, header, isFlexible(entry.request, header.apiVersion));
  encodeMessage(entry.request, header.apiVersion, body, w);
}

/** The correlation id of a response frame given without its size prefix. */
export function responseCorrelationId(frame: Buffer): number {
  if (frame.length < 4)
    throw new ProtocolError('response frame too short', ErrorCode.INVALID_REQUEST);
  return frame.readInt32BE(0);
}

/**
 * Decodes a response frame, given without its size prefix, to a request of `apiKey` at
 * `apiVersion` (the client looks both up by {@link responseCorrelationId}). Throws
 * {@link ProtocolError} for bad input.
 */
export function decodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
): { readonly correlationId: number; readonly body: ResponseOf<K> } {
  const entry = knownEntry(apiKey);
  try {
    const reader = new ByteReader(frame, 0, frame.length, ErrorCode.INVALID_REQUEST);
    const flexible = isFlexible(entry.response, apiVersion);
    const correlationId = readResponseHeader(reader, responseHeaderVersion(apiKey, flexible));
    const body = decodeMessage(entry.response, apiVersion, reader);
    if (reader.remaining !== 0) throw reader.fail(`${reader.remaining} bytes after the body`);
    // The registry pairs each key with its response schema.
    return { correlationId, body: body as ResponseOf<K> };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    throw new ProtocolError(`${entry.name} v${apiVersion} response: ${err.message}`, err.code, {
      cause: err,
    });
  }
}

function knownEntry(apiKey: number): ApiEntry {
  const entry = apiEntry(apiKey);
  if (entry === undefined) {
    throw new ProtocolError(`API key ${apiKey} is not supported`, ErrorCode.UNSUPPORTED_VERSION);
  }
  return entry;
}
