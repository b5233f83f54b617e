/**
 * Timestamps as 8 bytes whose unsigned byte order is their numeric order (negative ones
 * included), for keys of the persistent stores. Times are clamped to ±2^47 ms (±4,400 years),
 * so a time plus 2^47 is an exact non-negative integer below 2^48 and splits into two 32-bit
 * words without BigInt; the clamp only ever touches open range bounds such as
 * `Number.MAX_SAFE_INTEGER`.
 */

/** The bytes of an ordered time. */
export const TIME_BYTES = 8;

const LIMIT = 2 ** 47;
const WORD = 2 ** 32;

/** Writes `ms` at `at`. */
export function writeOrderedTime(out: Buffer, ms: number, at: number): void {
  const biased = Math.min(Math.max(ms, -LIMIT), LIMIT - 1) + LIMIT;
  out.writeUInt32BE(Math.floor(biased / WORD), at);
  out.writeUInt32BE(biased % WORD, at + 4);
}

/** Reads a time written by {@link writeOrderedTime}. */
export function readOrderedTime(bytes: Buffer, at: number): number {
  return bytes.readUInt32BE(at) * WORD + bytes.readUInt32BE(at + 4) - LIMIT;
}
