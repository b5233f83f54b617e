/**
 * Byte layouts of window and session store keys, as Kafka Streams writes them to changelogs
 * (WindowKeySchema, SessionKeySchema), so a changelog restores into any store of the kind:
 * window `[key][windowStart: int64 BE][seq: int32 BE]`, session `[key][end: int64 BE][start: int64 BE]`.
 */
import { StateStoreError } from './state-store-error.js';

const TS_BYTES = 8;
const SEQ_BYTES = 4;

/** A window store key: serialized key, window start, duplicate sequence number. */
export interface WindowStoreKey {
  readonly key: Buffer;
  readonly windowStartMs: number;
  readonly seq: number;
}

/** A session store key: serialized key and the session's ends. */
export interface SessionStoreKey {
  readonly key: Buffer;
  readonly startMs: number;
  readonly endMs: number;
}

/** The changelog key of a window store entry. */
export function windowKeyBytes(key: Buffer, windowStartMs: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + TS_BYTES + SEQ_BYTES);
  key.copy(out, 0);
  out.writeBigInt64BE(BigInt(windowStartMs), key.length);
  out.writeInt32BE(seq | 0, key.length + TS_BYTES);
  return out;
}

/** Parses a window store changelog key; throws StateStoreError when it is too short. */
export function parseWindowKey(bytes: Buffer, store: string): WindowStoreKey {
  const keyLength = bytes.length - TS_BYTES - SEQ_BYTES;
  if (keyLength < 0)
    throw new StateStoreError(`window store ${store}: a changelog key of ${bytes.length} bytes`, {
      store,
    });
  return {
    key: bytes.subarray(0, keyLength),
    windowStartMs: Number(bytes.readBigInt64BE(keyLength)),
    seq: bytes.readInt32BE(keyLength + TS_BYTES),
  };
}

/** The changelog key of a session store entry. */
export function sessionKeyBytes(key: Buffer, startMs: number, endMs: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 2 * TS_BYTES);
  key.copy(out, 0);
  out.writeBigInt64BE(BigInt(endMs), key.length);
  out.writeBigInt64BE(BigInt(startMs), key.length + TS_BYTES);
  return out;
}

/** Parses a session store changelog key; throws StateStoreError when it is too short. */
export function parseSessionKey(bytes: Buffer, store: string): SessionStoreKey {
  const keyLength = bytes.length - 2 * TS_BYTES;
  if (keyLength < 0)
    throw new StateStoreError(`session store ${store}: a changelog key of ${bytes.length} bytes`, {
      store,
    });
  return {
    key: bytes.subarray(0, keyLength),
    endMs: Number(bytes.readBigInt64BE(keyLength)),
    startMs: Number(bytes.readBigInt64BE(keyLength + TS_BYTES)),
  };
}

/**
 * Keys are kept as latin1 strings: one char per byte, so `<` on them is the byte order, and a
 * V8 one-byte string costs far less than a Buffer object per entry.
 */
export function toLatin1(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** The bytes of a latin1-kept key or value. */
export function fromLatin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** Index of the first element of sorted `list` that is ≥ `x`. */
export function lowerBound<T>(list: readonly T[], x: T): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as T) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
