import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { KafkaServer, type ServerOptions } from '../../../core/network/server.js';
import { decodeResponse } from '../../../core/protocol/frame.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import {
  RawClient,
  RecordingLogger,
  TestProcessor,
  metadataRequest,
  metadataTopics,
  rawRequest,
} from '../../helpers/network.js';

interface Started {
  readonly server: KafkaServer;
  readonly port: number;
  readonly processor: TestProcessor;
  readonly logger: RecordingLogger;
  readonly counts: number[];
  /** Resolves when the server reports `n` open connections. */
  countIs(n: number): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(overrides: Partial<ServerOptions> = {}): Promise<Started> {
  const processor = new TestProcessor();
  const logger = new RecordingLogger();
  const counts: number[] = [];
  const countWaiters: { n: number; resolve: () => void }[] = [];
  const server = new KafkaServer(processor, {
    host: '127.0.0.1',
    port: 0,
    maxFrameBytes: 1024 * 1024,
    maxConnections: 100,
    maxConnectionsPerIp: 100,
    idleTimeoutMs: -1,
    logger,
    onConnectionCountChange: (n) => {
      counts.push(n);
      for (const w of countWaiters.filter((w) => w.n === n)) w.resolve();
    },
    ...overrides,
  });
  const { port } = await server.listen();
  cleanups.push(() => server.close(0));
  const countIs = (n: number): Promise<void> =>
    server.connectionCount === n
      ? Promise.resolve()
      : new Promise((resolve) => countWaiters.push({ n, resolve }));
  return { server, port, processor, logger, counts, countIs };
}

async function raw(port: number, localAddress?: string): Promise<RawClient> {
  const client = await RawClient.connect(port, localAddress);
  cleanups.push(() => {
    client.destroy();
  });
  return client;
}

/** One Metadata round trip: proves the connection is served. */
async function roundTrip(client: RawClient, correlationId: number): Promise<void> {
  client.write(metadataRequest(correlationId, `t${correlationId}`));
  const frame = await client.nextFrame();
  expect(frame.readInt32BE(0)).toBe(correlationId);
  expect(metadataTopics(frame)).toEqual([`t${correlationId}`]);
}

describe('KafkaServer', () => {
  it('answers pipelined requests in request order when processing finishes out of order', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(Buffer.concat([1, 2, 3, 4, 5].map((id) => metadataRequest(id, `t${id}`))));
    await s.processor.receivedCount(5);
    // All five are processed concurrently; release them last-first.
    for (const h of [...s.processor.held].reverse()) h.release();
    const frames = await client.nextFrames(5);
    expect(frames.map((f) => f.readInt32BE(0))).toEqual([1, 2, 3, 4, 5]);
    expect(frames.map((f) => metadataTopics(f)[0])).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('writes nothing for a null response and keeps the order of the others', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(
      Buffer.concat([
        metadataRequest(1, 'a'),
        metadataRequest(2, 'silent'),
        metadataRequest(3, 'c'),
      ]),
    );
    await s.processor.receivedCount(3);
    const [a, silent, c] = s.processor.held;
    c!.release();
    silent!.release();
    a!.release();
    const frames = await client.nextFrames(2);
    expect(frames.map((f) => f.readInt32BE(0))).toEqual([1, 3]);
    s.processor.hold = false;
    await roundTrip(client, 4);
  });

  it('stops reading a connection at maxInFlightPerConnection and resumes as answers go out', async () => {
    const s = await start({ maxInFlightPerConnection: 2 });
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(Buffer.concat([1, 2, 3, 4, 5].map((id) => metadataRequest(id, `t${id}`))));
    const frames: Buffer[] = [];
    for (let answered = 0; answered < 5; answered++) {
      await s.processor.receivedCount(Math.min(answered + 2, 5));
      expect(s.processor.received.length).toBe(Math.min(answered + 2, 5));
      s.processor.held[answered]!.release();
      frames.push(await client.nextFrame());
    }
    expect(s.processor.maxConcurrent).toBe(2);
    expect(frames.map((f) => f.readInt32BE(0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops taking requests while a slow reader has not drained a big response', async () => {
    const s = await start();
    const client = await raw(s.port);
    client.socket.pause();
    const payloadBytes = 32 * 1024 * 1024;
    client.write(metadataRequest(1, `big:${payloadBytes}`));
    await s.processor.receivedCount(1);
    client.write(metadataRequest(2, 'after'));
    // Nothing signals "request 2 was held back", so give the server a moment to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.processor.received).toHaveLength(1);
    client.socket.resume();
    const big = await client.nextFrame();
    expect(big.length).toBe(4 + payloadBytes);
    expect(big.readInt32BE(0)).toBe(1);
    expect(metadataTopics(await client.nextFrame())).toEqual(['after']);
  });

  it('closes only the connection that announces an oversize frame, before its body', async () => {
    const s = await start({ maxFrameBytes: 1000 });
    const bad = await raw(s.port);
    const good = await raw(s.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(1001, 0);
    bad.write(prefix); // no body follows: the prefix alone must be refused
    await bad.closed;
    await roundTrip(good, 7);
    const warns = s.logger.at('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.msg).toMatch(/frame size/);
    expect(warns[0]!.obj).toMatchObject({ connectionId: 1, remoteAddress: '127.0.0.1' });
  });

  it('closes only the connection that sends garbage', async () => {
    const s = await start();
    const bad = await raw(s.port);
    const good = await raw(s.port);
    // A Metadata v9 header followed by bytes that are no Metadata body.
    bad.write(rawRequest(ApiKey.METADATA, 9, 11, Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff])));
    await bad.closed;
    await roundTrip(good, 1);
    const warns = s.logger.at('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.obj).toMatchObject({ apiKey: ApiKey.METADATA, apiVersion: 9 });
  });

  it('closes the connection on a negative frame size', async () => {
    const s = await start();
    const bad = await raw(s.port);
    bad.write(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    await bad.closed;
    expect(s.logger.at('warn')).toHaveLength(1);
  });

  it('answers an ApiVersions version it does not know with error 35 in v0 and keeps the connection', async () => {
    const s = await start();
    const client = await raw(s.port);
    client.write(rawRequest(ApiKey.API_VERSIONS, 99, 42, Buffer.from([0])));
    const frame = await client.nextFrame();
    const response = decodeResponse(ApiKey.API_VERSIONS, 0, frame);
    expect(response.correlationId).toBe(42);
    expect(response.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(response.body.apiKeys).toEqual([
      { apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3 },
    ]);
    await roundTrip(client, 43);
    expect(s.logger.at('warn')).toHaveLength(0);
  });

  it('answers the unsupported ApiVersions in order behind a slower request', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(Buffer.concat([metadataRequest(1, 'a'), rawRequest(ApiKey.API_VERSIONS, 99, 2)]));
    await s.processor.receivedCount(1);
    s.processor.held[0]!.release();
    const frames = await client.nextFrames(2);
    expect(frames.map((f) => f.readInt32BE(0))).toEqual([1, 2]);
  });

  it('closes the connection on an unknown API key', async () => {
    const s = await start();
    const client = await raw(s.port);
    client.write(rawRequest(999, 0, 5));
    await client.closed;
    const warns = s.logger.at('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.obj).toMatchObject({ apiKey: 999, apiVersion: 0, correlationId: 5 });
  });

  it('closes the connection when the processor rejects, logging the API', async () => {
    const s = await start();
    const client = await raw(s.port);
    const other = await raw(s.port);
    client.write(metadataRequest(3, 'fail'));
    await client.closed;
    await roundTrip(other, 1);
    const warns = s.logger.at('warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.msg).toMatch(/processing failed/);
    expect(warns[0]!.obj).toMatchObject({
      apiKey: ApiKey.METADATA,
      apiVersion: 9,
      correlationId: 3,
    });
  });

  it('survives a client that resets while its request is in flight', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(metadataRequest(1, 'a'));
    await s.processor.receivedCount(1);
    client.socket.resetAndDestroy();
    await s.countIs(0);
    s.processor.held[0]!.release();
    s.processor.hold = false;
    await roundTrip(await raw(s.port), 2);
  });

  it('refuses connections beyond maxConnections, with a logged reason', async () => {
    const s = await start({ maxConnections: 2 });
    const a = await raw(s.port);
    const b = await raw(s.port);
    await roundTrip(a, 1);
    await roundTrip(b, 1);
    const c = await raw(s.port);
    await c.closed;
    expect(s.logger.at('warn').map((l) => l.msg)).toEqual([
      'refusing connection: max.connections (2) reached',
    ]);
    a.destroy();
    await s.countIs(1);
    await roundTrip(await raw(s.port), 2);
    expect(s.server.connectionCount).toBe(2);
  });

  it('refuses connections beyond maxConnectionsPerIp but serves other addresses', async () => {
    const s = await start({ maxConnectionsPerIp: 1 });
    const a = await raw(s.port);
    await roundTrip(a, 1);
    const b = await raw(s.port);
    await b.closed;
    expect(s.logger.at('warn')[0]!.msg).toMatch(/max\.connections\.per\.ip \(1\)/);
    // Linux routes all of 127/8 to loopback, so 127.0.0.2 is another client address.
    const other = await raw(s.port, '127.0.0.2');
    await roundTrip(other, 2);
  });

  it('closes a connection that stays idle for idleTimeoutMs', async () => {
    const s = await start({ idleTimeoutMs: 50 });
    const client = await raw(s.port);
    await roundTrip(client, 1);
    const since = Date.now();
    await client.closed;
    expect(Date.now() - since).toBeGreaterThanOrEqual(40);
    expect(s.logger.at('info').map((l) => l.msg)).toContain('closing idle connection');
    expect(s.logger.at('warn')).toHaveLength(0);
  });

  it('does not close an idle-looking connection while a request is in flight', async () => {
    const s = await start({ idleTimeoutMs: 30 });
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(metadataRequest(1, 'slow'));
    await s.processor.receivedCount(1);
    // No event marks "the idle timer fired and spared us", so give it several periods.
    await new Promise((resolve) => setTimeout(resolve, 120));
    s.processor.held[0]!.release();
    expect((await client.nextFrame()).readInt32BE(0)).toBe(1);
    await client.closed;
  });

  it('close() lets in-flight responses go out, then closes every connection', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    const idle = await raw(s.port);
    client.write(metadataRequest(1, 'a'));
    await s.processor.receivedCount(1);
    const closing = s.server.close(10_000);
    s.processor.held[0]!.release();
    expect(metadataTopics(await client.nextFrame())).toEqual(['a']);
    await Promise.all([closing, client.closed, idle.closed]);
    expect(s.server.connectionCount).toBe(0);
    await expect(RawClient.connect(s.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() destroys connections whose requests outlive the timeout', async () => {
    const s = await start();
    s.processor.hold = true;
    const client = await raw(s.port);
    client.write(metadataRequest(1, 'never'));
    await s.processor.receivedCount(1);
    await s.server.close(20);
    await client.closed;
    expect(s.server.connectionCount).toBe(0);
  });

  it('reports bytes and connection counts', async () => {
    let inBytes = 0;
    let outBytes = 0;
    const s = await start({
      onBytes: (i, o) => {
        inBytes += i;
        outBytes += o;
      },
    });
    const client = await raw(s.port);
    const request = metadataRequest(1, 't1');
    client.write(request);
    const frame = await client.nextFrame();
    expect(inBytes).toBe(request.length);
    expect(outBytes).toBe(frame.length + 4);
    client.destroy();
    await s.countIs(0);
    expect(s.counts).toEqual([1, 0]);
  });

  it('serves KafkaConnection clients', async () => {
    const s = await start();
    const conn = await KafkaConnection.connect('127.0.0.1', s.port);
    cleanups.push(() => conn.close());
    const response = await conn.send(ApiKey.METADATA, 9, { topics: [{ name: 'x' }] });
    expect(response.topics.map((t) => t.name)).toEqual(['x']);
  });
});
