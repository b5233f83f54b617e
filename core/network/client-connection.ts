/**
 * One client connection to a Kafka broker, for fjord's own clients and CLI.
 *
 * Requests are pipelined: each gets the next correlation id and waits in a FIFO. Kafka answers
 * in request order, so a response must carry the correlation id of the oldest outstanding
 * request; anything else means the stream is out of step and the connection is closed. Like the
 * Java client, a request timeout also closes the connection: a request the broker never answered
 * blocks every response queued behind it, so the connection is no longer useful.
 */
import * as net from 'node:net';
import { decodeResponse, encodeRequestChunks } from '../protocol/frame.js';
import {
  ApiKey,
  apiEntry,
  type ApiVersionsResponse,
  type RequestOf,
  type ResponseOf,
} from '../protocol/messages/index.js';
import { assert } from '../util/assert.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { ProtocolError, TimeoutError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { NetworkError, UnsupportedVersionError } from './errors.js';
import { FrameReader, MIN_RESPONSE_FRAME_BYTES } from './frame-reader.js';

/** Kafka's `socket.connection.setup.timeout.ms` default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Kafka's `request.timeout.ms` default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The largest response frame accepted: well above `fetch.max.bytes` (50 MiB). */
export const DEFAULT_CLIENT_MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** The ApiVersions version tried first; v3 carries the client's software name (KIP-511). */
const API_VERSIONS_MAX = 3;
const CLIENT_SOFTWARE_NAME = 'fjord';
const CLIENT_SOFTWARE_VERSION = '0.1.0';
const MAX_CORRELATION_ID = 0x7fffffff;

/** Settings of {@link KafkaConnection.connect}. */
export interface KafkaConnectionOptions {
  /** Sent in every request header; default `fjord`. */
  readonly clientId?: string;
  readonly connectTimeoutMs?: number;
  /** Per-request deadline; {@link KafkaConnection.send} can override it per call. */
  readonly requestTimeoutMs?: number;
  /** Larger response frames close the connection. */
  readonly maxFrameBytes?: number;
  readonly logger?: Logger;
}

/** Per-call settings of {@link KafkaConnection.send}. */
export interface SendOptions {
  /** Overrides the connection's request timeout (a Fetch long-poll needs its max wait on top). */
  readonly timeoutMs?: number;
}

/** A broker's supported range of one API. */
export interface VersionRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

interface Pending {
  readonly correlationId: number;
  readonly decode: (frame: Buffer) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A pipelined request/response connection to one broker.
 *
 * @example
 * ```ts
 * const conn = await KafkaConnection.connect('localhost', 9092, { clientId: 'fjord-cli' });
 * await conn.apiVersions();
 * const version = conn.pickVersion(ApiKey.METADATA, 9);
 * const metadata = await conn.send(ApiKey.METADATA, version, { topics: null });
 * await conn.close();
 * ```
 */
export class KafkaConnection {
  private readonly reader: FrameReader;
  private readonly pending: Pending[] = [];
  private readonly closeListeners = new Set<(error: NetworkError | undefined) => void>();
  private readonly socketClosed: Promise<void>;
  private readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly logger: Logger;
  private nextCorrelationId = 0;
  private isClosed = false;
  private closeError: NetworkError | undefined;
  private brokerVersions: Map<number, VersionRange> | undefined;

  private constructor(
    private readonly socket: net.Socket,
    options: KafkaConnectionOptions,
  ) {
    this.clientId = options.clientId ?? 'fjord';
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    this.reader = new FrameReader({
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_CLIENT_MAX_FRAME_BYTES,
      minFrameBytes: MIN_RESPONSE_FRAME_BYTES,
    });
    this.socketClosed = new Promise((resolve) => {
      socket.once('close', () => {
        this.fail(new NetworkError('connection closed by the broker'));
        resolve();
      });
    });
    socket.on('error', (err) => {
      this.fail(new NetworkError(`connection failed: ${err.message}`, { cause: err }));
    });
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
  }

  /**
   * Opens a connection. Rejects with {@link NetworkError} when the broker cannot be reached and
   * with `TimeoutError` after `connectTimeoutMs`.
   */
  static connect(
    host: string,
    port: number,
    options: KafkaConnectionOptions = {},
  ): Promise<KafkaConnection> {
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TimeoutError(`connecting to ${host}:${port} took over ${timeoutMs} ms`));
      }, timeoutMs).unref();
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(
          new NetworkError(`cannot connect to ${host}:${port}: ${err.message}`, { cause: err }),
        );
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(new KafkaConnection(socket, options));
      });
    });
  }

  /** Whether the connection is closed; every further send rejects with {@link NetworkError}. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Sends a request and resolves to its decoded response. Rejects with `TimeoutError` after the
   * request timeout (closing the connection), {@link NetworkError} when the connection fails,
   * or a `ProtocolError` when the body cannot be encoded or the response decoded.
   */
  send<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestOf<K>,
    options: SendOptions = {},
  ): Promise<ResponseOf<K>> {
    if (this.isClosed) return Promise.reject(this.closedError());
    const correlationId = this.takeCorrelationId();
    const decode =
      apiKey === ApiKey.API_VERSIONS
        ? (f: Buffer) => decodeApiVersionsResponse(apiVersion, f)
        : (f: Buffer) => decodeResponse(apiKey, apiVersion, f).body;
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      // Encoding throws for a body the version cannot carry; the executor turns that into a
      // rejection before anything is queued.
      const chunks = this.encode(apiKey, apiVersion, correlationId, body);
      const timer = setTimeout(() => {
        this.onTimeout(correlationId, timeoutMs);
      }, timeoutMs).unref();
      this.pending.push({ correlationId, decode, resolve, reject, timer });
      this.write(chunks);
    }) as Promise<ResponseOf<K>>;
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0); resolves once the frame
   * has been handed to the kernel.
   */
  sendNoResponse<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestOf<K>,
  ): Promise<void> {
    if (this.isClosed) return Promise.reject(this.closedError());
    const correlationId = this.takeCorrelationId();
    return new Promise((resolve, reject) => {
      const chunks = this.encode(apiKey, apiVersion, correlationId, body);
      this.write(chunks, (err) => {
        if (err === undefined || err === null) resolve();
        else reject(new NetworkError(`write failed: ${err.message}`, { cause: err }));
      });
    });
  }

  /**
   * Asks the broker which API versions it supports (ApiVersions v3, falling back to the version
   * the broker names, else v0, when it answers UNSUPPORTED_VERSION) and remembers the answer
   * for {@link KafkaConnection.pickVersion}.
   */
  async apiVersions(): Promise<Map<number, VersionRange>> {
    const body = {
      clientSoftwareName: CLIENT_SOFTWARE_NAME,
      clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
    };
    let response = await this.send(ApiKey.API_VERSIONS, API_VERSIONS_MAX, body);
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      // The broker lists its own ApiVersions range in the error response (KIP-511).
      const listed = response.apiKeys.find((k) => k.apiKey === ApiKey.API_VERSIONS)?.maxVersion;
      const retry = listed !== undefined && listed < API_VERSIONS_MAX ? Math.max(listed, 0) : 0;
      response = await this.send(ApiKey.API_VERSIONS, retry, retry >= 3 ? body : {});
    }
    if (response.errorCode !== ErrorCode.NONE) {
      throw new ProtocolError(
        `ApiVersions failed: ${errorName(response.errorCode)}`,
        response.errorCode as ErrorCode,
      );
    }
    const versions = new Map<number, VersionRange>();
    for (const k of response.apiKeys) {
      versions.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion });
    }
    this.brokerVersions = versions;
    return versions;
  }

  /**
   * The highest version of `apiKey` that the broker, fjord's codec and the caller (up to
   * `clientMax`) all support. Call {@link KafkaConnection.apiVersions} first. Throws
   * {@link UnsupportedVersionError} when there is none.
   */
  pickVersion(apiKey: number, clientMax: number): number {
    assert(this.brokerVersions !== undefined, 'pickVersion before apiVersions()');
    const broker = this.brokerVersions.get(apiKey);
    if (broker === undefined) {
      throw new UnsupportedVersionError(`the broker does not support API key ${apiKey}`);
    }
    const codec = apiEntry(apiKey);
    const max = Math.min(clientMax, broker.maxVersion, codec?.maxVersion ?? clientMax);
    const min = Math.max(broker.minVersion, codec?.minVersion ?? 0);
    if (max < min) {
      throw new UnsupportedVersionError(
        `API key ${apiKey}: broker supports v${broker.minVersion}-${broker.maxVersion}, ` +
          `client up to v${Math.min(clientMax, codec?.maxVersion ?? clientMax)}`,
      );
    }
    return max;
  }

  /**
   * Closes the connection. Outstanding requests reject with {@link NetworkError}; resolves once
   * the socket has closed.
   */
  close(): Promise<void> {
    if (!this.isClosed) {
      const unanswered = this.pending.length > 0;
      this.markClosed(undefined, new NetworkError('connection closed by the client'));
      if (unanswered) {
        // The rejected requests' owners may reuse their buffers at once (the producer pools
        // batch buffers), so the socket must not go on reading them: drop what is unwritten.
        this.socket.destroy();
      } else {
        // end() sends what is queued (e.g. an acks=0 produce) before the socket goes.
        this.socket.end(() => {
          this.socket.destroy();
        });
      }
    }
    return this.socketClosed;
  }

  /**
   * Calls `listener` once when the connection closes, with the error that closed it (undefined
   * after {@link KafkaConnection.close}). Returns a function that removes the listener.
   */
  onClose(listener: (error: NetworkError | undefined) => void): () => void {
    if (this.isClosed) {
      const error = this.closeError;
      queueMicrotask(() => {
        listener(error);
      });
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  private encode<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    correlationId: number,
    body: RequestOf<K>,
  ): Buffer[] {
    return encodeRequestChunks(
      { apiKey, apiVersion, correlationId, clientId: this.clientId },
      body,
    );
  }

  /**
   * Writes one frame's chunks as a single writev. Record batches are among the chunks by
   * reference (no copy), so their owners keep them unchanged until the request settles: a
   * response, or the connection's end, comes only after the socket is done with them.
   */
  private write(chunks: readonly Buffer[], onWritten?: (err?: Error | null) => void): void {
    const last = chunks.length - 1;
    const [only] = chunks;
    if (last === 0 && only !== undefined) {
      this.socket.write(only, onWritten);
      return;
    }
    this.socket.cork();
    chunks.forEach((chunk, i) => {
      this.socket.write(chunk, i === last ? onWritten : undefined);
    });
    this.socket.uncork();
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === MAX_CORRELATION_ID ? 0 : id + 1;
    return id;
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return;
    try {
      this.reader.push(chunk);
      for (let frame = this.reader.next(); frame !== null; frame = this.reader.next()) {
        if (!this.onFrame(frame)) return;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(new NetworkError(`bad response frame: ${message}`, { cause: err }));
    }
  }

  /** Settles the oldest request with `frame`; false when the frame broke the connection. */
  private onFrame(frame: Buffer): boolean {
    const correlationId = frame.readInt32BE(0);
    const head = this.pending[0];
    if (head?.correlationId !== correlationId) {
      const expected = head === undefined ? 'none outstanding' : `expected ${head.correlationId}`;
      this.fail(new NetworkError(`response with correlation id ${correlationId}, ${expected}`));
      return false;
    }
    this.pending.shift();
    clearTimeout(head.timer);
    let value: unknown;
    try {
      value = head.decode(frame);
    } catch (err) {
      // The frame boundary is intact, so only this request failed; the stream stays usable.
      head.reject(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
    head.resolve(value);
    return true;
  }

  private onTimeout(correlationId: number, timeoutMs: number): void {
    const index = this.pending.findIndex((p) => p.correlationId === correlationId);
    const entry = this.pending[index];
    if (entry === undefined) return;
    this.pending.splice(index, 1);
    entry.reject(new TimeoutError(`request ${correlationId} got no response in ${timeoutMs} ms`));
    this.fail(new NetworkError(`request ${correlationId} timed out; connection closed`));
  }

  /** Closes after a failure: every outstanding request rejects with `error`. */
  private fail(error: NetworkError): void {
    if (this.isClosed) return;
    this.logger.debug({ err: error.message }, 'broker connection closed');
    this.markClosed(error, error);
    this.socket.destroy();
  }

  private markClosed(closeError: NetworkError | undefined, rejection: NetworkError): void {
    this.isClosed = true;
    this.closeError = closeError;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(rejection);
    }
    for (const listener of this.closeListeners) listener(closeError);
    this.closeListeners.clear();
  }

  private closedError(): NetworkError {
    return new NetworkError('connection is closed', { cause: this.closeError });
  }
}

/**
 * Decodes an ApiVersions response of `version`. A broker that does not know that version
 * answers with a v0 body (UNSUPPORTED_VERSION and its own range), which the requested version's
 * decoder may fail on; read it as v0 then, as the Java client does.
 */
function decodeApiVersionsResponse(version: number, frame: Buffer): ApiVersionsResponse {
  try {
    const body = decodeResponse(ApiKey.API_VERSIONS, version, frame).body;
    if (body.errorCode !== ErrorCode.UNSUPPORTED_VERSION || version === 0) return body;
  } catch (err) {
    if (!(err instanceof ProtocolError) || version === 0) throw err;
  }
  return decodeResponse(ApiKey.API_VERSIONS, 0, frame).body;
}
