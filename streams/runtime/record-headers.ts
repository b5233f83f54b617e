/**
 * Headers between their wire form (a list of key/bytes pairs) and the record form of
 * {@link StreamHeaders} (an object; the last of repeated keys wins; strings written as UTF-8).
 */
import type { RecordHeader } from '../../core/index.js';
import type { SerdeContext } from '../serde/index.js';

import type { StreamHeaders } from './stream-record.js';

/** The headers of a record that has none. */
export const NO_HEADERS: StreamHeaders = Object.freeze({});

/**
 * Wire headers as an object; a repeated key keeps its last value.
 *
 * @example
 * ```ts
 * toStreamHeaders([{ key: 'a', value: Buffer.from('1') }]); // { a: <Buffer 31> }
 * ```
 */
export function toStreamHeaders(headers: readonly RecordHeader[]): StreamHeaders {
  if (headers.length === 0) return NO_HEADERS;
  const out: Record<string, Buffer | null> = {};
  for (const h of headers) out[h.key] = h.value;
  return out;
}

/**
 * Record headers in wire form; strings become UTF-8 bytes.
 *
 * @example
 * ```ts
 * toRecordHeaders({ a: 'x', b: null }); // [{ key: 'a', value: <Buffer 78> }, { key: 'b', value: null }]
 * ```
 */
export function toRecordHeaders(headers: StreamHeaders): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers))
    out.push({ key, value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value });
  return out;
}

/** The headers a serde sees: those with a value (serdes take no null headers). */
export function serdeHeaders(headers: StreamHeaders): SerdeContext['headers'] {
  let out: Record<string, Buffer | string> | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (value === null || value === undefined) continue;
    out ??= {};
    out[key] = value;
  }
  return out;
}

/** The serde context for `topic` and `headers`. */
export function serdeContext(topic: string, headers: StreamHeaders): SerdeContext {
  const h = serdeHeaders(headers);
  return h === undefined ? { topic } : { topic, headers: h };
}
