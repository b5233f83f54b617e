/**
 * The bytes of an operator buffer's entries (suppress, stream–stream join), for their changelog:
 * a JSON envelope whose record keys and values are the bytes of the operator's own serdes (as
 * base64), or JSON when the operator knows no serde. Keeping the operator's serdes means a
 * restored entry is the record that was buffered, whatever its types.
 */
import { SerdeError, type Serde } from '../../serde/index.js';
import type { AnyRecord } from '../../runtime/node-context.js';
import type { StreamHeaders } from '../../runtime/stream-record.js';

const CTX = { topic: 'operator-buffer' };

/** `value` as base64 bytes of `serde` (JSON without one); null stays null. */
export function encodeWith<T>(serde: Serde<T> | undefined, value: T): string | null {
  if (value === null || value === undefined) return null;
  const bytes =
    serde === undefined ? Buffer.from(JSON.stringify(value), 'utf8') : serde.serialize(value, CTX);
  return bytes === null ? null : bytes.toString('base64');
}

/** The value {@link encodeWith} encoded. */
export function decodeWith<T>(serde: Serde<T> | undefined, encoded: string | null): T {
  if (encoded === null) return null as T;
  const bytes = Buffer.from(encoded, 'base64');
  return serde === undefined
    ? (JSON.parse(bytes.toString('utf8')) as T)
    : serde.deserialize(bytes, CTX);
}

type JsonHeaders = Record<string, { readonly b?: string; readonly s?: string } | null>;

function encodeHeaders(headers: StreamHeaders): JsonHeaders {
  const out: JsonHeaders = {};
  for (const [k, v] of Object.entries(headers))
    out[k] = v === null ? null : typeof v === 'string' ? { s: v } : { b: v.toString('base64') };
  return out;
}

function decodeHeaders(json: JsonHeaders): StreamHeaders {
  const out: Record<string, Buffer | string | null> = {};
  for (const [k, v] of Object.entries(json))
    out[k] = v === null ? null : (v.s ?? Buffer.from(v.b ?? '', 'base64'));
  return out;
}

/** A buffered record in JSON: key, value, event time and headers. */
export interface JsonRecord {
  readonly k: string | null;
  readonly v: string | null;
  readonly t: number;
  readonly h: JsonHeaders;
}

/** `record` as JSON, its key and value through the given serdes. */
export function encodeRecord(
  record: AnyRecord,
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
): JsonRecord {
  return {
    k: encodeWith(keySerde, record.key),
    v: encodeWith(valueSerde, record.value),
    t: record.timestamp,
    h: encodeHeaders(record.headers),
  };
}

/** The record {@link encodeRecord} encoded (without its source position). */
export function decodeRecord(
  json: JsonRecord,
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
): AnyRecord {
  return {
    key: decodeWith(keySerde, json.k),
    value: decodeWith(valueSerde, json.v),
    timestamp: json.t,
    headers: decodeHeaders(json.h),
  };
}

/**
 * A serde of `T` through JSON, for a buffer's store values.
 *
 * @example
 * ```ts
 * const serde = jsonEnvelopeSerde<Entry>('suppress-entry');
 * ```
 */
export function jsonEnvelopeSerde<T>(name: string): Serde<T> {
  return {
    name,
    serialize: (data) => Buffer.from(JSON.stringify(data), 'utf8'),
    deserialize: (data) => {
      if (data === null) return null as T;
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (err) {
        throw new SerdeError(`${name}: not an operator buffer entry`, { cause: err });
      }
    },
  };
}
