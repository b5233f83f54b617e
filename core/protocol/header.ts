/**
 * Request and response headers (kafka-protocol.md §2.3).
 *
 * ```
 * request header v1   api_key int16, api_version int16, correlation_id int32,
 *                     client_id nullable string (always classic: int16 length)
 * request header v2   v1, then a tag buffer
 * response header v0  correlation_id int32
 * response header v1  v0, then a tag buffer — except ApiVersions, whose response header stays v0
 *                     so that a client can read it before it knows what the broker supports
 * ```
 */
import { ErrorCode } from '../util/error-codes.js';
import { ProtocolError } from '../util/errors.js';
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/** The ApiVersions API key, whose response header is always v0. */
const API_VERSIONS_KEY = 18;
const MAX_CLIENT_ID_BYTES = 0x7fff;

/** A decoded request header. */
export interface RequestHeader<K extends number = number> {
  readonly apiKey: K;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** The client's self-chosen id; null when the client sent none. */
  readonly clientId: string | null;
}

/** The header version a request uses: 2 when the request body is flexible, else 1. */
export function requestHeaderVersion(flexible: boolean): 1 | 2 {
  return flexible ? 2 : 1;
}

/** The header version a response uses: 1 when the body is flexible, except for ApiVersions. */
export function responseHeaderVersion(apiKey: number, flexible: boolean): 0 | 1 {
  return flexible && apiKey !== API_VERSIONS_KEY ? 1 : 0;
}

/** Reads a request header (v1, or v2 when `flexible`); unknown header tags are skipped. */
export function readRequestHeader(r: ByteReader, flexible: boolean): RequestHeader {
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const length = r.readInt16();
  if (length < -1) throw r.fail(`client id length ${length}`);
  const clientId = length === -1 ? null : r.readUtf8(length);
  if (flexible) skipTagBuffer(r);
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Writes a request header (v1, or v2 with an empty tag buffer when `flexible`). */
export function writeRequestHeader(w: ByteWriter, header: RequestHeader, flexible: boolean): void {
  w.writeInt16(header.apiKey).writeInt16(header.apiVersion).writeInt32(header.correlationId);
  if (header.clientId === null) {
    w.writeInt16(-1);
  } else {
    const n = Buffer.byteLength(header.clientId, 'utf8');
    if (n > MAX_CLIENT_ID_BYTES) {
      throw new ProtocolError(`client id of ${n} bytes`, ErrorCode.INVALID_REQUEST);
    }
    w.writeInt16(n).writeUtf8(header.clientId, n);
  }
  if (flexible) w.writeUInt8(0);
}

/** Reads a response header of `version` and returns its correlation id. */
export function readResponseHeader(r: ByteReader, version: 0 | 1): number {
  const correlationId = r.readInt32();
  if (version === 1) skipTagBuffer(r);
  return correlationId;
}

/** Writes a response header of `version` (v1 carries an empty tag buffer). */
export function writeResponseHeader(w: ByteWriter, correlationId: number, version: 0 | 1): void {
  w.writeInt32(correlationId);
  if (version === 1) w.writeUInt8(0);
}

/** Skips a tag buffer: fjord defines no header tags, so every one is unknown to it. */
function skipTagBuffer(r: ByteReader): void {
  const count = r.readUVarint();
  for (let i = 0; i < count; i++) {
    r.readUVarint();
    r.skip(r.readUVarint());
  }
}
