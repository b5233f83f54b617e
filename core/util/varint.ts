/**
 * Varint arithmetic shared by the record format (signed zigzag varints) and the flexible protocol
 * versions (unsigned varints). Encoding and decoding live in the protocol's ByteReader/ByteWriter;
 * this file holds the pure arithmetic they share.
 */

/** Maps a signed int32 to an unsigned one so small magnitudes encode short: 0,-1,1,-2 → 0,1,2,3. */
export function zigzagEncode32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/** Inverse of {@link zigzagEncode32}. */
export function zigzagDecode32(value: number): number {
  return (value >>> 1) ^ -(value & 1);
}

/** Bytes an unsigned varint (LEB128) of `value` (0 ≤ value < 2^32) takes. */
export function sizeOfUnsignedVarint(value: number): number {
  let size = 1;
  let v = value >>> 0;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Bytes a signed zigzag varint of the int32 `value` takes. */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(zigzagEncode32(value));
}

/**
 * Bytes a signed zigzag varlong of `value` takes. `value` must be a safe integer; record fields
 * encoded as varlong (timestamp deltas) stay far inside that range.
 */
export function sizeOfVarlong(value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}
