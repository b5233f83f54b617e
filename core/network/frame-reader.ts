/**
 * Splits a byte stream into Kafka frames (`int32 size | size bytes`), one socket chunk at a time.
 *
 * The reader keeps the chunks it was given as a list and copies only for a frame that spans
 * chunks, so each byte is copied at most once however the stream is cut; a frame that lies inside
 * one chunk is returned as a view of it. The size prefix is checked the moment its 4 bytes are
 * there, before the reader waits for (and buffers) a single byte of the body.
 */
import { assert } from '../util/assert.js';
import { FrameSizeError } from './errors.js';

const SIZE_BYTES = 4;
/** api_key int16 + api_version int16 + correlation_id int32: the least a request can carry. */
export const MIN_REQUEST_FRAME_BYTES = 8;
/** correlation_id int32: the least a response can carry. */
export const MIN_RESPONSE_FRAME_BYTES = 4;

/** Bounds on the sizes a {@link FrameReader} accepts. */
export interface FrameReaderOptions {
  /** The largest frame accepted, size prefix excluded (Kafka's `socket.request.max.bytes`). */
  readonly maxFrameBytes: number;
  /** The smallest frame accepted, size prefix excluded; {@link MIN_REQUEST_FRAME_BYTES} unless given. */
  readonly minFrameBytes?: number;
}

/**
 * An incremental frame splitter. `push` each chunk as it arrives, then call `next` until it
 * returns null; a consumer that applies backpressure simply stops calling `next` and the
 * remaining frames wait in the reader. Frames come back without their size prefix.
 *
 * Both methods throw {@link FrameSizeError} for a size prefix out of bounds; after that the
 * reader stays failed and the stream must be closed (there is no way to resynchronise).
 *
 * @example
 * ```ts
 * const reader = new FrameReader({ maxFrameBytes: 100 * 1024 * 1024 });
 * socket.on('data', (chunk: Buffer) => {
 *   reader.push(chunk);
 *   for (let frame = reader.next(); frame !== null; frame = reader.next()) handle(frame);
 * });
 * ```
 */
export class FrameReader {
  private readonly maxFrameBytes: number;
  private readonly minFrameBytes: number;
  /** Unconsumed chunks; the first one is consumed up to `headOffset`. */
  private readonly chunks: Buffer[] = [];
  private headOffset = 0;
  private buffered = 0;
  /** The checked size of the frame at the front, or -1 while its prefix is incomplete. */
  private frameBytes = -1;
  private failure: FrameSizeError | undefined;

  constructor(options: FrameReaderOptions) {
    this.maxFrameBytes = options.maxFrameBytes;
    this.minFrameBytes = options.minFrameBytes ?? MIN_REQUEST_FRAME_BYTES;
    assert(
      Number.isInteger(this.minFrameBytes) &&
        this.minFrameBytes >= 0 &&
        Number.isInteger(this.maxFrameBytes) &&
        this.maxFrameBytes >= this.minFrameBytes,
      `frame bounds [${this.minFrameBytes}, ${this.maxFrameBytes}]`,
    );
  }

  /** Bytes received and not yet returned as frames, size prefixes included. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Appends a chunk; throws {@link FrameSizeError} if the frame at the front is out of bounds. */
  push(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.checkPrefix();
  }

  /** The next complete frame without its size prefix, or null when none is complete yet. */
  next(): Buffer | null {
    if (this.failure !== undefined) throw this.failure;
    if (this.frameBytes < 0 && !this.checkPrefix()) return null;
    const size = this.frameBytes;
    if (this.buffered < SIZE_BYTES + size) return null;
    this.skip(SIZE_BYTES);
    const frame = this.take(size);
    this.frameBytes = -1;
    // Check the following prefix now, so a bad size is refused before its body is waited for.
    this.checkPrefix();
    return frame;
  }

  /** Reads and checks the size prefix at the front once all 4 bytes are there. */
  private checkPrefix(): boolean {
    if (this.frameBytes >= 0) return true;
    if (this.buffered < SIZE_BYTES) return false;
    const size = this.peekInt32();
    if (size < this.minFrameBytes || size > this.maxFrameBytes) {
      this.failure = new FrameSizeError(size, this.minFrameBytes, this.maxFrameBytes);
      this.chunks.length = 0;
      this.buffered = 0;
      throw this.failure;
    }
    this.frameBytes = size;
    return true;
  }

  /** The int32 at the front; the 4 bytes may straddle chunks. */
  private peekInt32(): number {
    const head = this.chunks[0];
    assert(head !== undefined, 'a prefix is buffered');
    if (head.length - this.headOffset >= SIZE_BYTES) return head.readInt32BE(this.headOffset);
    const bytes = Buffer.allocUnsafe(SIZE_BYTES);
    this.copyOut(bytes, SIZE_BYTES, false);
    return bytes.readInt32BE(0);
  }

  /** Removes `n` buffered bytes and returns them: a view when they lie in one chunk. */
  private take(n: number): Buffer {
    const head = this.chunks[0];
    if (n === 0 || head === undefined) return Buffer.alloc(0);
    if (head.length - this.headOffset >= n) {
      const view = head.subarray(this.headOffset, this.headOffset + n);
      this.skip(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, n, true);
    return out;
  }

  private skip(n: number): void {
    let left = n;
    let dropped = 0;
    let offset = this.headOffset;
    while (left > 0) {
      const chunk = this.chunks[dropped];
      assert(chunk !== undefined, 'skip within buffered bytes');
      const available = chunk.length - offset;
      if (available > left) {
        offset += left;
        break;
      }
      left -= available;
      dropped++;
      offset = 0;
    }
    // One splice, not a shift per chunk: a large frame may span thousands of socket chunks.
    if (dropped > 0) this.chunks.splice(0, dropped);
    this.headOffset = offset;
    this.buffered -= n;
  }

  /** Copies the first `n` buffered bytes into `out`, consuming them when `consume` is set. */
  private copyOut(out: Buffer, n: number, consume: boolean): void {
    let written = 0;
    let offset = this.headOffset;
    for (let i = 0; written < n; i++) {
      const chunk = this.chunks[i];
      assert(chunk !== undefined, 'copy within buffered bytes');
      written += chunk.copy(out, written, offset, Math.min(chunk.length, offset + n - written));
      offset = 0;
    }
    if (consume) this.skip(n);
  }
}
