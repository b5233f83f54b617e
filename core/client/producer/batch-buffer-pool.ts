/**
 * Buffers for batches of about `batch.size`, kept for reuse as Java's producer keeps its
 * BufferPool: a busy producer fills a batch of each partition every few milliseconds, and a new
 * Buffer of that size each time is an allocation outside the JavaScript heap that, in bulk, also
 * triggers garbage collections. A buffer comes back when its batch settles; by then the request
 * that carried it has been written (and answered), and nothing reads it again.
 *
 * Batches that stay small (low rates, short linger) take small Buffers from Node's own pool.
 */

/** Room above batch.size for a batch's last record and estimates that fall short. */
const HEADROOM_BYTES = 1024;
/** Pooled buffers kept at most, whatever buffer.memory allows. */
const MAX_POOLED = 64;

/**
 * A free list of batch buffers; see the module comment.
 *
 * @example
 * ```ts
 * const pool = new BatchBufferPool(16_384, 32 * 1024 * 1024);
 * const buf = pool.take(16_000);
 * pool.give(buf); // when its batch has settled
 * ```
 */
export class BatchBufferPool {
  /** The size of pooled buffers. */
  readonly bufferBytes: number;
  private readonly maxPooled: number;
  private readonly free: Buffer[] = [];

  constructor(batchSizeBytes: number, bufferMemoryBytes: number) {
    this.bufferBytes = batchSizeBytes + HEADROOM_BYTES;
    this.maxPooled = Math.min(MAX_POOLED, Math.floor(bufferMemoryBytes / this.bufferBytes));
  }

  /**
   * A buffer for a batch expected to need `bytes`: a pooled one when that is half a full batch
   * or more (a batch that outgrows it grows into a Buffer of its own), else one of `bytes`.
   */
  take(bytes: number): Buffer {
    if (bytes * 2 < this.bufferBytes) return Buffer.allocUnsafe(bytes);
    return this.free.pop() ?? Buffer.allocUnsafe(this.bufferBytes);
  }

  /** Takes back a buffer no one reads any more; only buffers of the pooled size are kept. */
  give(buf: Buffer): void {
    if (buf.length === this.bufferBytes && this.free.length < this.maxPooled) this.free.push(buf);
  }
}
