/**
 * Helpers for transport tests: a scriptable RequestProcessor, a logger that records, and a raw
 * TCP client that speaks frames without any of KafkaConnection's checks.
 */
import * as net from 'node:net';
import type { ConnectionInfo, RequestProcessor } from '../../core/network/connection.js';
import { FrameReader, MIN_RESPONSE_FRAME_BYTES } from '../../core/network/frame-reader.js';
import {
  decodeResponse,
  encodeRequest,
  encodeResponseChunks,
  type DecodedRequest,
} from '../../core/protocol/frame.js';
import {
  ApiKey,
  advertisedApiVersions,
  type ApiVersion,
  type MetadataResponse,
} from '../../core/protocol/messages/index.js';
import type { Logger } from '../../core/util/logger.js';

/** A promise with its settle functions outside. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One logged line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** A Logger that keeps every line. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(obj: object, msg: string): void {
    this.lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg });
  }
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }
  error(obj: object, msg: string): void {
    this.lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
  }
  child(): Logger {
    return this;
  }
  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}

/** A request the test processor has received and not yet answered. */
export interface HeldRequest {
  readonly request: DecodedRequest;
  readonly connection: ConnectionInfo;
  /** Answers with the processor's normal response. */
  release(): void;
  /** Answers with these chunks (or none). */
  respond(chunks: Buffer[] | null): void;
  fail(err: Error): void;
}

/**
 * Answers ApiVersions with `apiVersionRanges` and Metadata by echoing the requested topic names.
 * Metadata for topic `silent` gets no response and for `fail` a rejection. With `hold` set,
 * requests wait in `held` until the test releases them, in any order.
 */
export class TestProcessor implements RequestProcessor {
  hold = false;
  apiVersionRanges: readonly ApiVersion[] = advertisedApiVersions();
  /** Overrides the ApiVersions answer for a request of this version. */
  apiVersionsAnswer: ((version: number, correlationId: number) => Buffer[]) | undefined;
  readonly received: DecodedRequest[] = [];
  readonly held: HeldRequest[] = [];
  /** Most requests ever in process at once. */
  maxConcurrent = 0;
  private concurrent = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  process(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer[] | null> {
    this.received.push(request);
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    const done = (): void => {
      this.concurrent--;
    };
    const result = new Promise<Buffer[] | null>((resolve, reject) => {
      if (!this.hold) {
        resolve(this.answer(request));
        return;
      }
      this.held.push({
        request,
        connection,
        release: () => {
          resolve(this.answer(request));
        },
        respond: resolve,
        fail: reject,
      });
    });
    void result.then(done, done);
    for (const w of this.waiters.filter((w) => this.received.length >= w.count)) w.resolve();
    this.waiters = this.waiters.filter((w) => this.received.length < w.count);
    return result;
  }

  /** Resolves once `count` requests have arrived in total. */
  receivedCount(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private answer(request: DecodedRequest): Buffer[] | null {
    const { apiVersion, correlationId } = request.header;
    switch (request.apiKey) {
      case ApiKey.API_VERSIONS:
        if (this.apiVersionsAnswer !== undefined) {
          return this.apiVersionsAnswer(apiVersion, correlationId);
        }
        return encodeResponseChunks(ApiKey.API_VERSIONS, apiVersion, correlationId, {
          errorCode: 0,
          apiKeys: this.apiVersionRanges,
          throttleTimeMs: 0,
        });
      case ApiKey.METADATA: {
        const names = (request.body.topics ?? []).map((t) => t.name);
        if (names[0] === 'silent') return null;
        if (names[0] === 'fail') throw new Error('processor failure');
        if (names[0]?.startsWith('big:') === true) {
          return bigFrame(correlationId, Number(names[0].slice(4)));
        }
        return encodeResponseChunks(ApiKey.METADATA, apiVersion, correlationId, metadata(names));
      }
      default:
        throw new Error(`test processor does not handle API key ${request.apiKey}`);
    }
  }
}

/**
 * A response frame of `payloadBytes` opaque bytes after the correlation id, as two chunks (the
 * way a Fetch response carries record batches). Only a raw client can read it.
 */
export function bigFrame(correlationId: number, payloadBytes: number): Buffer[] {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + payloadBytes, 0);
  head.writeInt32BE(correlationId, 4);
  return [head, Buffer.alloc(payloadBytes, 0xab)];
}

/** A Metadata response naming `topics`, no brokers. */
export function metadata(topics: readonly string[]): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: 'test',
    controllerId: 0,
    topics: topics.map((name) => ({ errorCode: 0, name, isInternal: false, partitions: [] })),
  };
}

/** A Metadata v9 request frame for `topic`, size prefix included. */
export function metadataRequest(correlationId: number, topic: string): Buffer {
  return encodeRequest(
    { apiKey: ApiKey.METADATA, apiVersion: 9, correlationId, clientId: 'raw' },
    { topics: [{ name: topic }], allowAutoTopicCreation: false },
  );
}

/** The topic names of a Metadata v9 response frame (without size prefix). */
export function metadataTopics(frame: Buffer): string[] {
  return decodeResponse(ApiKey.METADATA, 9, frame).body.topics.map((t) => t.name);
}

/** A request frame with a hand-made header and `body`, size prefix included. */
export function rawRequest(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(4 + 10);
  header.writeInt32BE(10 + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(-1, 12); // null client id
  return Buffer.concat([header, body]);
}

/** A TCP client that collects response frames as they come. */
export class RawClient {
  /** Resolves when the server closes the socket (or it fails). */
  readonly closed: Promise<void>;
  private readonly reader = new FrameReader({
    maxFrameBytes: 1 << 26,
    minFrameBytes: MIN_RESPONSE_FRAME_BYTES,
  });
  private readonly frames: Buffer[] = [];
  private readonly waiting: Deferred<Buffer>[] = [];
  private isClosed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      for (let f = this.reader.next(); f !== null; f = this.reader.next()) {
        const w = this.waiting.shift();
        if (w === undefined) this.frames.push(f);
        else w.resolve(f);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.isClosed = true;
        for (const w of this.waiting.splice(0)) w.reject(new Error('closed'));
        resolve();
      });
    });
  }

  static connect(port: number, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(
        localAddress === undefined
          ? { host: '127.0.0.1', port }
          : { host: '127.0.0.1', port, localAddress },
      );
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame, without its size prefix. */
  nextFrame(): Promise<Buffer> {
    const f = this.frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.isClosed) return Promise.reject(new Error('closed'));
    const d = deferred<Buffer>();
    this.waiting.push(d);
    return d.promise;
  }

  async nextFrames(n: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) out.push(await this.nextFrame());
    return out;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
