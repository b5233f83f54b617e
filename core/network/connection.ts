/**
 * One accepted client connection of the broker: frames in, requests to the processor, responses
 * out in request order.
 *
 * Kafka's rule: requests on a connection are processed concurrently (clients pipeline them) but
 * answered strictly in the order they arrived, because the Java client matches a response to the
 * oldest outstanding request. Each decoded request takes a slot at the tail of `slots`; a slot is
 * written when it and every slot before it are done.
 */
import type { Socket } from 'node:net';
import {
  decodeRequest,
  encodeApiVersionsUnsupported,
  RequestDecodeError,
  type DecodedRequest,
  type RequestIds,
} from '../protocol/frame.js';
import { ApiKey } from '../protocol/messages/index.js';
import { ErrorCode } from '../util/error-codes.js';
import type { Logger } from '../util/logger.js';
import { FrameReader, MIN_REQUEST_FRAME_BYTES } from './frame-reader.js';

/** Who is on the other end of a connection; handed to the processor with every request. */
export interface ConnectionInfo {
  /** Unique per server, counting from 1. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/**
 * The broker side of the transport: turns one decoded request into its response frame.
 *
 * @example
 * ```ts
 * const processor: RequestProcessor = {
 *   process: async (req) =>
 *     encodeResponseChunks(req.apiKey, req.header.apiVersion, req.header.correlationId,
 *       await handle(req)),
 * };
 * ```
 */
export interface RequestProcessor {
  /**
   * Handles one decoded request; resolves to the size-prefixed response frame chunks, or null
   * when the client expects no response (Produce acks=0). A rejection closes the connection.
   */
  process(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer[] | null>;
}

/** What a {@link ServerConnection} needs from its server. */
export interface ServerConnectionOptions {
  readonly maxFrameBytes: number;
  readonly maxInFlight: number;
  /** Close after this long with no bytes received and nothing in flight; -1 = never. */
  readonly idleTimeoutMs: number;
  readonly logger: Logger;
  readonly onBytes: ((inBytes: number, outBytes: number) => void) | undefined;
}

/** A request's place in the response order. */
interface Slot {
  done: boolean;
  /** The response frame, or null for a request that gets none. */
  chunks: Buffer[] | null;
}

/**
 * The state machine of one accepted socket. Internal to core/network: the server creates it,
 * nothing else should.
 *
 * @example
 * ```ts
 * const conn = new ServerConnection(socket, info, processor, options);
 * conn.closed.then(() => forget(conn));
 * ```
 */
export class ServerConnection {
  /** Resolves once the socket has closed, whatever the reason. */
  readonly closed: Promise<void>;
  private readonly reader: FrameReader;
  private readonly slots: Slot[] = [];
  private readonly idleTimer: NodeJS.Timeout | undefined;
  /** The last socket.write returned false; wait for 'drain' before reading more. */
  private writeBlocked = false;
  /** Graceful close: no new requests, finish the in-flight ones, then end the socket. */
  private draining = false;
  private isClosed = false;
  private pumping = false;

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly processor: RequestProcessor,
    private readonly options: ServerConnectionOptions,
  ) {
    this.reader = new FrameReader({
      maxFrameBytes: options.maxFrameBytes,
      minFrameBytes: MIN_REQUEST_FRAME_BYTES,
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.isClosed = true;
        if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.pump();
    });
    socket.on('error', (err) => {
      // Resets and broken pipes are the client's business, not a broker fault.
      this.options.logger.debug(this.logFields({ err }), 'connection socket error');
      this.destroy();
    });
    if (options.idleTimeoutMs > 0) {
      // unref: an idle timer must never keep the process alive on its own.
      this.idleTimer = setTimeout(() => {
        this.onIdle();
      }, options.idleTimeoutMs).unref();
    }
  }

  /** Requests decoded and not yet answered (or freed, for those without a response). */
  get inFlight(): number {
    return this.slots.length;
  }

  /**
   * Stops taking requests, lets those in flight be answered, then ends the socket. Resolves
   * when the socket has closed; {@link ServerConnection.destroy} cuts it short.
   */
  drain(): Promise<void> {
    if (!this.isClosed && !this.draining) {
      this.draining = true;
      this.socket.pause();
      this.endIfDrained();
    }
    return this.closed;
  }

  /** Closes the socket now, dropping anything in flight. */
  destroy(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.options.onBytes?.(chunk.length, 0);
    this.idleTimer?.refresh();
    if (this.isClosed || this.draining) return;
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.fail('bad frame size', undefined, err);
      return;
    }
    this.pump();
  }

  /** Dispatches buffered frames while there is room, then pauses or resumes the socket. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.canTakeRequest()) {
        let frame: Buffer | null;
        try {
          frame = this.reader.next();
        } catch (err) {
          this.fail('bad frame size', undefined, err);
          return;
        }
        if (frame === null) break;
        this.dispatch(frame);
      }
    } finally {
      this.pumping = false;
    }
    if (this.isClosed || this.draining) return;
    if (this.canTakeRequest()) {
      if (this.socket.isPaused()) this.socket.resume();
    } else if (!this.socket.isPaused()) {
      this.socket.pause();
    }
  }

  private canTakeRequest(): boolean {
    return (
      !this.isClosed &&
      !this.draining &&
      !this.writeBlocked &&
      this.slots.length < this.options.maxInFlight
    );
  }

  private dispatch(frame: Buffer): void {
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch (err) {
      const ids = err instanceof RequestDecodeError ? err.request : undefined;
      if (
        err instanceof RequestDecodeError &&
        err.code === ErrorCode.UNSUPPORTED_VERSION &&
        ids?.apiKey === ApiKey.API_VERSIONS
      ) {
        // A newer client probing: answer in v0 with our range so it can retry (KIP-511).
        this.slots.push({ done: true, chunks: [encodeApiVersionsUnsupported(ids.correlationId)] });
        this.flush();
        return;
      }
      this.fail('undecodable request', ids, err);
      return;
    }
    const slot: Slot = { done: false, chunks: null };
    this.slots.push(slot);
    const ids = request.header;
    let pending: Promise<Buffer[] | null>;
    try {
      pending = this.processor.process(request, this.info);
    } catch (err) {
      this.fail('request processing failed', ids, err);
      return;
    }
    pending.then(
      (chunks) => {
        slot.done = true;
        slot.chunks = chunks;
        this.flush();
      },
      (err: unknown) => {
        this.fail('request processing failed', ids, err);
      },
    );
  }

  /** Writes every done slot at the head of the queue, in order, as one corked batch. */
  private flush(): void {
    if (this.isClosed) return;
    let outBytes = 0;
    let freed = false;
    let writable = true;
    this.socket.cork();
    try {
      for (let head = this.slots[0]; head?.done === true; head = this.slots[0]) {
        this.slots.shift();
        freed = true;
        if (head.chunks === null) continue;
        // The chunks go to writev as they are; concatenating would copy record batches.
        for (const chunk of head.chunks) {
          writable = this.socket.write(chunk);
          outBytes += chunk.length;
        }
      }
    } finally {
      this.socket.uncork();
    }
    if (outBytes > 0) this.options.onBytes?.(0, outBytes);
    if (!writable) this.writeBlocked = true;
    if (!freed) return;
    // The idle clock starts when the last request is answered, not when it arrived.
    this.idleTimer?.refresh();
    if (this.draining) this.endIfDrained();
    else this.pump();
  }

  private endIfDrained(): void {
    if (this.isClosed || this.slots.length > 0) return;
    // end() flushes what is queued; destroy once it is handed to the kernel.
    this.socket.end(() => {
      this.destroy();
    });
  }

  private onIdle(): void {
    if (this.isClosed) return;
    if (this.slots.length > 0) {
      this.idleTimer?.refresh();
      return;
    }
    this.options.logger.info(
      this.logFields({ idleTimeoutMs: this.options.idleTimeoutMs }),
      'closing idle connection',
    );
    this.destroy();
  }

  /** Logs one warn line and closes this connection only. */
  private fail(reason: string, ids: RequestIds | undefined, err: unknown): void {
    if (this.isClosed) return;
    const fields = ids === undefined ? {} : { ...ids };
    this.options.logger.warn(
      this.logFields({ ...fields, error: err instanceof Error ? err.message : String(err) }),
      `closing connection: ${reason}`,
    );
    this.destroy();
  }

  private logFields(extra: object): object {
    return {
      connectionId: this.info.id,
      remoteAddress: this.info.remoteAddress,
      remotePort: this.info.remotePort,
      ...extra,
    };
  }
}
