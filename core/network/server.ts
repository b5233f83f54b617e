/**
 * The broker's TCP listener: accepts connections within Kafka's limits (`max.connections`,
 * `max.connections.per.ip`, `connections.max.idle.ms`, `socket.request.max.bytes`) and hands
 * each one to a {@link ServerConnection}, which frames, dispatches and answers in order.
 */
import * as net from 'node:net';
import { assert } from '../util/assert.js';
import type { Logger } from '../util/logger.js';
import { ServerConnection, type ConnectionInfo, type RequestProcessor } from './connection.js';

export type { ConnectionInfo, RequestProcessor } from './connection.js';

/** Requests one connection may have in flight before the server stops reading from it. */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 100;
/** How long {@link KafkaServer.close} waits for in-flight responses before cutting sockets. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** Listener settings; Kafka's names are in the comments. */
export interface ServerOptions {
  host: string;
  /** 0 picks a free port; {@link KafkaServer.listen} reports it. */
  port: number;
  /** `socket.request.max.bytes`: larger request frames close the connection. */
  maxFrameBytes: number;
  /** `max.connections`: sockets beyond it are closed on accept. */
  maxConnections: number;
  /** `max.connections.per.ip`. */
  maxConnectionsPerIp: number;
  /** `connections.max.idle.ms`; -1 = never. */
  idleTimeoutMs: number;
  /** Pipelined requests per connection before reading pauses; default 100. */
  maxInFlightPerConnection?: number;
  logger: Logger;
  /** Called with the bytes of every socket read (in) and response write (out). */
  onBytes?: (inBytes: number, outBytes: number) => void;
  /** Called with the new count whenever a connection opens or closes. */
  onConnectionCountChange?: (n: number) => void;
}

/**
 * A Kafka-protocol TCP server. It knows frames and headers; what a request means is the
 * processor's business.
 *
 * @example
 * ```ts
 * const server = new KafkaServer(processor, {
 *   host: '0.0.0.0',
 *   port: 9092,
 *   maxFrameBytes: 100 * 1024 * 1024,
 *   maxConnections: 1000,
 *   maxConnectionsPerIp: 100,
 *   idleTimeoutMs: 600_000,
 *   logger,
 * });
 * const { port } = await server.listen();
 * // ...
 * await server.close();
 * ```
 */
export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<ServerConnection>();
  private readonly perIp = new Map<string, number>();
  private readonly maxInFlight: number;
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly processor: RequestProcessor,
    private readonly options: ServerOptions,
  ) {
    this.maxInFlight = options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;
    assert(this.maxInFlight >= 1, `maxInFlightPerConnection ${this.maxInFlight}`);
    assert(
      options.idleTimeoutMs === -1 || options.idleTimeoutMs > 0,
      `idleTimeoutMs ${options.idleTimeoutMs}`,
    );
    this.server = net.createServer((socket) => {
      this.accept(socket);
    });
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; resolves to the bound address (the real port when `port` was 0). */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(err);
      };
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        // After listen, errors are accept failures (EMFILE...): log them, keep serving.
        this.server.on('error', (err) => {
          this.options.logger.error({ err }, 'listener error');
        });
        const address = this.server.address();
        assert(address !== null && typeof address === 'object', 'a TCP listener has an address');
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /**
   * Stops accepting, lets in-flight requests be answered for up to `timeoutMs`, then destroys
   * every remaining socket. Calling it again returns the same promise.
   */
  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => {
      // The callback also fires (with an error) when the server never listened: fine either way.
      this.server.close(() => {
        resolve();
      });
    });
    const drained = Promise.all([...this.connections].map((c) => c.drain()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs).unref();
    });
    await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    const remaining = [...this.connections];
    for (const connection of remaining) connection.destroy();
    // Wait for the sockets' 'close' so that connectionCount is 0 when close() resolves.
    await Promise.all(remaining.map((c) => c.closed));
    await listenerClosed;
  }

  private accept(socket: net.Socket): void {
    // Attached first so nothing a rejected socket does can surface as an uncaught 'error'.
    socket.on('error', () => undefined);
    const remoteAddress = socket.remoteAddress ?? '';
    const remotePort = socket.remotePort ?? 0;
    const refusal = this.refusal(remoteAddress);
    if (refusal !== undefined) {
      this.options.logger.warn({ remoteAddress, remotePort }, `refusing connection: ${refusal}`);
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const info: ConnectionInfo = { id: this.nextConnectionId++, remoteAddress, remotePort };
    const connection = new ServerConnection(socket, info, this.processor, {
      maxFrameBytes: this.options.maxFrameBytes,
      maxInFlight: this.maxInFlight,
      idleTimeoutMs: this.options.idleTimeoutMs,
      logger: this.options.logger,
      onBytes: this.options.onBytes,
    });
    this.connections.add(connection);
    this.perIp.set(remoteAddress, (this.perIp.get(remoteAddress) ?? 0) + 1);
    this.options.onConnectionCountChange?.(this.connections.size);
    void connection.closed.then(() => {
      this.connections.delete(connection);
      const left = (this.perIp.get(remoteAddress) ?? 1) - 1;
      if (left > 0) this.perIp.set(remoteAddress, left);
      else this.perIp.delete(remoteAddress);
      this.options.onConnectionCountChange?.(this.connections.size);
    });
  }

  /** Why a new socket from `remoteAddress` may not be served, or undefined when it may. */
  private refusal(remoteAddress: string): string | undefined {
    if (this.closing !== undefined) return 'server is shutting down';
    if (remoteAddress === '') return 'socket closed before it was accepted';
    if (this.connections.size >= this.options.maxConnections) {
      return `max.connections (${this.options.maxConnections}) reached`;
    }
    if ((this.perIp.get(remoteAddress) ?? 0) >= this.options.maxConnectionsPerIp) {
      return `max.connections.per.ip (${this.options.maxConnectionsPerIp}) reached for ${remoteAddress}`;
    }
    return undefined;
  }
}
