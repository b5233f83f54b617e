/**
 * A reused buffer that strings are encoded into as UTF-8, so the producer's hot path converts a
 * string key or value without a Buffer of its own: the bytes are copied from here into the
 * record's batch. Short ASCII strings, the common keys, take a loop that is several times
 * cheaper than a call into the native encoder.
 */

/** Longest string tried with the ASCII loop; longer ones go straight to the native encoder. */
const ASCII_LOOP_MAX_CHARS = 64;
/** Exact-length views kept for the partitioner, by length. */
const CACHED_VIEWS = 256;
const INITIAL_BYTES = 256;
/** Strings that may need more get a Buffer of their own, so the scratch stays small. */
const MAX_SCRATCH_BYTES = 64 * 1024;

/**
 * A growable UTF-8 scratch buffer; see the module comment.
 *
 * @example
 * ```ts
 * const scratch = new Utf8Scratch();
 * const bytes = scratch.encode('user-42');
 * murmur2(scratch.view(scratch.length));
 * ```
 */
export class Utf8Scratch {
  /** The buffer; the last string encoded into it is in its first {@link length} bytes. */
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** Bytes of the last string encoded. */
  length = 0;
  private views: (Buffer | undefined)[] = [];

  /**
   * Encodes `s`; returns {@link Utf8Scratch.bytes} holding it in its first
   * {@link Utf8Scratch.length} bytes, or, for a very long string, a Buffer of its own.
   */
  encode(s: string): Buffer {
    const chars = s.length;
    let buf = this.bytes;
    if (chars <= ASCII_LOOP_MAX_CHARS && chars <= buf.length) {
      let i = 0;
      for (; i < chars; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[i] = c;
      }
      if (i === chars) {
        this.length = chars;
        return buf;
      }
    }
    // Three bytes per UTF-16 unit is the worst case; measure exactly only when that may not fit.
    if (chars * 3 > buf.length) {
      const needed = Buffer.byteLength(s, 'utf8');
      if (needed > MAX_SCRATCH_BYTES) {
        const own = Buffer.from(s, 'utf8');
        this.length = own.length;
        return own;
      }
      if (needed > buf.length) buf = this.grow(needed);
    }
    this.length = buf.write(s, 0, buf.length, 'utf8');
    return buf;
  }

  /** A view of the first `length` bytes; views of short lengths are made once and reused. */
  view(length: number): Buffer {
    if (length >= CACHED_VIEWS) return this.bytes.subarray(0, length);
    let view = this.views[length];
    if (view === undefined) this.views[length] = view = this.bytes.subarray(0, length);
    return view;
  }

  private grow(needed: number): Buffer {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    this.bytes = Buffer.allocUnsafe(size);
    this.views = [];
    return this.bytes;
  }
}
