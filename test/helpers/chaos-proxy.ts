/**
 * A TCP proxy between Kafka clients and a broker that can misbehave on purpose, driven by a seed:
 * - drop a connection after forwarding a request but before relaying its response (the broker
 *   did the work, the client never hears of it: the case idempotence exists for);
 * - cut a connection part-way through a request (the broker gets a torn frame);
 * - stop forwarding altogether (pause) and start again (resume), as a stalled broker would look.
 * Start the broker with `advertised.listeners=PLAINTEXT://127.0.0.1:<proxy port>` so clients
 * reconnect through the proxy after reading metadata.
 */
import * as net from 'node:net';

import { seededRandom } from './seeded-random.js';

/** How often the proxy misbehaves; each decision draws from the seeded PRNG. */
export interface ChaosSettings {
  /** Per forwarded request: withhold its response and drop the connection. */
  readonly dropResponseRate?: number;
  /** Per client chunk: forward a random prefix of it, then drop the connection. */
  readonly cutRequestRate?: number;
  /** Stop misbehaving after this many drops. */
  readonly maxDrops?: number;
}

const SIZE_BYTES = 4;

/** Counts whole length-prefixed frames in a byte stream that is forwarded as it arrives. */
class FrameCounter {
  private header = Buffer.alloc(SIZE_BYTES);
  private headerBytes = 0;
  private remaining = 0;

  /** Consumes `chunk`; returns how many frames it completed. */
  push(chunk: Buffer): number {
    let done = 0;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(SIZE_BYTES - this.headerBytes, chunk.length - pos);
        chunk.copy(this.header, this.headerBytes, pos, pos + take);
        this.headerBytes += take;
        pos += take;
        if (this.headerBytes < SIZE_BYTES) break;
        this.headerBytes = 0;
        this.remaining = this.header.readInt32BE(0);
        if (this.remaining === 0) done++;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      this.remaining -= take;
      pos += take;
      if (this.remaining === 0) done++;
    }
    return done;
  }
}

/** One client connection and its upstream twin. */
class Link {
  private readonly requests = new FrameCounter();
  private requestCount = 0;
  private responseCount = 0;
  private readonly doomed = new Set<number>();
  private pendingResponse: Buffer = Buffer.alloc(0);
  closed = false;

  constructor(
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    private readonly proxy: ChaosProxy,
  ) {}

  onRequestBytes(chunk: Buffer): void {
    if (this.closed) return;
    if (this.proxy.decide('cut')) {
      const prefix = Math.floor(this.proxy.random() * chunk.length);
      this.upstream.write(chunk.subarray(0, prefix), () => {
        this.close();
      });
      this.proxy.drops++;
      return;
    }
    this.upstream.write(chunk);
    const completed = this.requests.push(chunk);
    for (let i = 0; i < completed; i++) {
      if (this.proxy.decide('drop')) this.doomed.add(this.requestCount);
      this.requestCount++;
    }
  }

  onResponseBytes(chunk: Buffer): void {
    if (this.closed) return;
    let buf =
      this.pendingResponse.length === 0 ? chunk : Buffer.concat([this.pendingResponse, chunk]);
    let frames = 0;
    let pos = 0;
    while (buf.length - pos >= SIZE_BYTES) {
      const size = SIZE_BYTES + buf.readInt32BE(pos);
      if (buf.length - pos < size) break;
      if (this.doomed.has(this.responseCount)) {
        // The broker answered; the client will never see it.
        if (pos > 0) this.client.write(buf.subarray(0, pos));
        this.proxy.drops++;
        this.close();
        return;
      }
      this.responseCount++;
      frames++;
      pos += size;
    }
    if (frames > 0) this.client.write(buf.subarray(0, pos));
    buf = buf.subarray(pos);
    this.pendingResponse = Buffer.from(buf);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream.destroy();
  }
}

/**
 * The proxy; see the module comment.
 *
 * @example
 * ```ts
 * const proxy = await ChaosProxy.start(seed);
 * const broker = await startTestBroker({ 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` });
 * proxy.forwardTo(broker.port);
 * proxy.chaos({ dropResponseRate: 0.05 });
 * ```
 */
export class ChaosProxy {
  /** Connections dropped or cut so far. */
  drops = 0;
  readonly random: () => number;
  private readonly links = new Set<Link>();
  private targetPort: number | undefined;
  private settings: ChaosSettings = {};
  private paused = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    server.on('connection', (client) => {
      this.accept(client);
    });
  }

  /** Listens on an ephemeral 127.0.0.1 port. */
  static start(seed: number): Promise<ChaosProxy> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as net.AddressInfo;
        resolve(new ChaosProxy(server, address.port, seed));
      });
    });
  }

  /** Where to forward to (the broker's real port). */
  forwardTo(port: number): void {
    this.targetPort = port;
  }

  /** Starts (or, with `{}`, stops) misbehaving. */
  chaos(settings: ChaosSettings): void {
    this.settings = settings;
  }

  /** Whether to misbehave now, drawing from the seeded PRNG. */
  decide(kind: 'drop' | 'cut'): boolean {
    const { maxDrops = Infinity } = this.settings;
    if (this.drops >= maxDrops) return false;
    const rate =
      kind === 'drop' ? (this.settings.dropResponseRate ?? 0) : (this.settings.cutRequestRate ?? 0);
    return rate > 0 && this.random() < rate;
  }

  /** Stops forwarding in both directions; bytes wait in the sockets (TCP backpressure). */
  pause(): void {
    this.paused = true;
    for (const link of this.links) {
      link.client.pause();
      link.upstream.pause();
    }
  }

  /** Forwards again. */
  resume(): void {
    this.paused = false;
    for (const link of this.links) {
      link.client.resume();
      link.upstream.resume();
    }
  }

  /** Drops every open connection now. */
  dropAll(): void {
    for (const link of this.links) link.close();
  }

  private accept(client: net.Socket): void {
    const port = this.targetPort;
    if (port === undefined) {
      client.destroy();
      return;
    }
    client.pause();
    const upstream = net.connect({ host: '127.0.0.1', port });
    upstream.pause();
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    const link = new Link(client, upstream, this);
    this.links.add(link);
    const end = (): void => {
      link.close();
      this.links.delete(link);
    };
    client.on('data', (chunk: Buffer) => {
      link.onRequestBytes(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      link.onResponseBytes(chunk);
    });
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
    upstream.once('connect', () => {
      if (this.paused) return;
      client.resume();
      upstream.resume();
    });
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
