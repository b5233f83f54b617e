import { ByteWriter } from './byte-writer.js';

/**
 * A {@link ByteWriter} that keeps large byte runs (record batches in Fetch responses) as chunks of
 * their own instead of copying them into its buffer. The result is a list of Buffers for one
 * `socket.writev`/`cork` burst, so serving stored batches costs no copy. Small writes still go to
 * the writer's buffer; the chunks between the large ones are views of it, which stay valid
 * because a ByteWriter only appends (see {@link ByteWriter.view}).
 *
 * @example
 * ```ts
 * const w = new ChunkedWriter();
 * encodeMessage(fetchResponseSchema, 12, response, w);
 * socket.cork();
 * for (const chunk of w.finishChunks()) socket.write(chunk);
 * socket.uncork();
 * ```
 */
export class ChunkedWriter extends ByteWriter {
  private readonly chunks: Buffer[] = [];
  private sealedAt = 0;
  private externalBytes = 0;

  /** Byte runs of at least `minChunkBytes` are kept by reference. */
  constructor(
    private readonly minChunkBytes = 4096,
    initialCapacity = 256,
  ) {
    super(initialCapacity);
  }

  /** Bytes written so far, own and referenced. */
  get totalBytes(): number {
    return this.pos + this.externalBytes;
  }

  override writeBytes(src: Uint8Array): this {
    if (src.length < this.minChunkBytes) return super.writeBytes(src);
    this.seal();
    this.chunks.push(
      Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.length),
    );
    this.externalBytes += src.length;
    return this;
  }

  /** The bytes written, in order; the writer must not be reused. */
  finishChunks(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  private seal(): void {
    if (this.pos > this.sealedAt) this.chunks.push(this.view(this.sealedAt));
    this.sealedAt = this.pos;
  }
}
