import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { NetworkError, UnsupportedVersionError } from '../../../core/network/errors.js';
import { KafkaServer } from '../../../core/network/server.js';
import { encodeResponseChunks } from '../../../core/protocol/frame.js';
import { ApiKey, apis } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { TimeoutError } from '../../../core/util/errors.js';
import { RecordingLogger, TestProcessor, metadata } from '../../helpers/network.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<{ server: KafkaServer; port: number; processor: TestProcessor }> {
  const processor = new TestProcessor();
  const server = new KafkaServer(processor, {
    host: '127.0.0.1',
    port: 0,
    maxFrameBytes: 1024 * 1024,
    maxConnections: 100,
    maxConnectionsPerIp: 100,
    idleTimeoutMs: -1,
    logger: new RecordingLogger(),
  });
  const { port } = await server.listen();
  cleanups.push(() => server.close(0));
  return { server, port, processor };
}

async function connect(
  port: number,
  options: Parameters<typeof KafkaConnection.connect>[2] = {},
): Promise<KafkaConnection> {
  const conn = await KafkaConnection.connect('127.0.0.1', port, options);
  cleanups.push(() => conn.close());
  return conn;
}

/** What `p` settles with: undefined when it resolves, the error when it rejects. */
function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  );
}

function topicNames(response: { topics: readonly { name: string }[] }): string[] {
  return response.topics.map((t) => t.name);
}

describe('KafkaConnection', () => {
  it('round-trips ApiVersions and Metadata', async () => {
    const { port, processor } = await start();
    const conn = await connect(port, { clientId: 'round-trip' });
    const versions = await conn.apiVersions();
    expect(versions.get(ApiKey.METADATA)).toEqual({ minVersion: 0, maxVersion: 9 });
    const version = conn.pickVersion(ApiKey.METADATA, 9);
    const response = await conn.send(ApiKey.METADATA, version, { topics: [{ name: 'orders' }] });
    expect(topicNames(response)).toEqual(['orders']);
    expect(processor.received.map((r) => r.header.clientId)).toEqual(['round-trip', 'round-trip']);
    expect(processor.received[0]!.header.apiVersion).toBe(3);
  });

  it('pipelines requests and matches each response to its request', async () => {
    const { port, processor } = await start();
    processor.hold = true;
    const conn = await connect(port);
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const responses = names.map((name) => conn.send(ApiKey.METADATA, 9, { topics: [{ name }] }));
    await processor.receivedCount(10);
    expect(conn.inFlight).toBe(10);
    for (const h of [...processor.held].reverse()) h.release();
    expect((await Promise.all(responses)).map((r) => topicNames(r)[0])).toEqual(names);
    expect(processor.received.map((r) => r.header.correlationId)).toEqual(names.map((_, i) => i));
  });

  it('rejects a request that gets no answer in time with TimeoutError and closes', async () => {
    const { port, processor } = await start();
    processor.hold = true;
    const conn = await connect(port, { requestTimeoutMs: 30 });
    const closed = new Promise<NetworkError | undefined>((resolve) => conn.onClose(resolve));
    const first = conn.send(ApiKey.METADATA, 9, { topics: [{ name: 'slow' }] });
    const second = conn.send(
      ApiKey.METADATA,
      9,
      { topics: [{ name: 'behind' }] },
      {
        timeoutMs: 60_000,
      },
    );
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    await expect(second).rejects.toBeInstanceOf(NetworkError);
    expect(await closed).toBeInstanceOf(NetworkError);
    expect(conn.closed).toBe(true);
    await expect(conn.send(ApiKey.METADATA, 9, { topics: null })).rejects.toBeInstanceOf(
      NetworkError,
    );
  });

  it('rejects every outstanding request with a retriable NetworkError when the server dies', async () => {
    const { server, port, processor } = await start();
    processor.hold = true;
    const conn = await connect(port);
    const closed = new Promise<NetworkError | undefined>((resolve) => conn.onClose(resolve));
    const outcomes = [1, 2, 3].map((i) =>
      outcome(conn.send(ApiKey.METADATA, 9, { topics: [{ name: `t${i}` }] })),
    );
    await processor.receivedCount(3);
    await server.close(0);
    for (const err of await Promise.all(outcomes)) {
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).retriable).toBe(true);
      expect((err as NetworkError).code).toBe(ErrorCode.NETWORK_EXCEPTION);
    }
    expect(await closed).toBeInstanceOf(NetworkError);
  });

  it('fails with NetworkError when nothing listens', async () => {
    const { server, port } = await start();
    await server.close(0);
    await expect(KafkaConnection.connect('127.0.0.1', port)).rejects.toBeInstanceOf(NetworkError);
  });

  it('closes with an error when a response carries the wrong correlation id', async () => {
    const { port, processor } = await start();
    processor.hold = true;
    const conn = await connect(port);
    const sent = conn.send(ApiKey.METADATA, 9, { topics: [{ name: 'x' }] });
    await processor.receivedCount(1);
    const h = processor.held[0]!;
    h.respond(
      encodeResponseChunks(ApiKey.METADATA, 9, h.request.header.correlationId + 1, metadata(['x'])),
    );
    await expect(sent).rejects.toThrow(/correlation id 1, expected 0/);
    expect(conn.closed).toBe(true);
  });

  it('sends a request without a response and keeps the order of those that have one', async () => {
    const { port, processor } = await start();
    const conn = await connect(port);
    await conn.sendNoResponse(ApiKey.METADATA, 9, { topics: [{ name: 'silent' }] });
    const response = await conn.send(ApiKey.METADATA, 9, { topics: [{ name: 'after' }] });
    expect(topicNames(response)).toEqual(['after']);
    expect(processor.received).toHaveLength(2);
  });

  it('rejects a body the version cannot encode without disturbing the connection', async () => {
    const { port } = await start();
    const conn = await connect(port);
    await expect(conn.send(ApiKey.METADATA, 42, { topics: null })).rejects.toThrow();
    const response = await conn.send(ApiKey.METADATA, 9, { topics: [{ name: 'ok' }] });
    expect(topicNames(response)).toEqual(['ok']);
  });

  it('close() rejects outstanding requests and reports a clean close', async () => {
    const { port, processor } = await start();
    processor.hold = true;
    const conn = await connect(port);
    const closed = new Promise<NetworkError | undefined>((resolve) => conn.onClose(resolve));
    const pending = outcome(conn.send(ApiKey.METADATA, 9, { topics: null }));
    await processor.receivedCount(1);
    await conn.close();
    expect(await pending).toBeInstanceOf(NetworkError);
    expect(await closed).toBeUndefined();
    expect(conn.closed).toBe(true);
  });

  it('picks the highest version both sides support', async () => {
    const { port, processor } = await start();
    processor.apiVersionRanges = [
      { apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3 },
      { apiKey: ApiKey.METADATA, minVersion: 1, maxVersion: 5 },
      { apiKey: ApiKey.FETCH, minVersion: 4, maxVersion: 17 },
      { apiKey: ApiKey.PRODUCE, minVersion: 8, maxVersion: 11 },
    ];
    const conn = await connect(port);
    await conn.apiVersions();
    expect(conn.pickVersion(ApiKey.METADATA, 9)).toBe(5);
    expect(conn.pickVersion(ApiKey.METADATA, 3)).toBe(3);
    // The broker goes higher than fjord's codec: the codec's max wins.
    expect(conn.pickVersion(ApiKey.FETCH, 99)).toBe(apis[ApiKey.FETCH].maxVersion);
    expect(() => conn.pickVersion(ApiKey.METADATA, 0)).toThrow(UnsupportedVersionError);
    expect(() => conn.pickVersion(ApiKey.PRODUCE, 7)).toThrow(UnsupportedVersionError);
    expect(() => conn.pickVersion(ApiKey.JOIN_GROUP, 5)).toThrow(UnsupportedVersionError);
  });

  it('falls back to the ApiVersions version the broker names after UNSUPPORTED_VERSION', async () => {
    const { port, processor } = await start();
    processor.apiVersionsAnswer = (version, correlationId) =>
      version > 2
        ? encodeResponseChunks(ApiKey.API_VERSIONS, 0, correlationId, {
            errorCode: ErrorCode.UNSUPPORTED_VERSION,
            apiKeys: [{ apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 2 }],
          })
        : encodeResponseChunks(ApiKey.API_VERSIONS, version, correlationId, {
            errorCode: 0,
            apiKeys: [{ apiKey: ApiKey.METADATA, minVersion: 0, maxVersion: 4 }],
            throttleTimeMs: 0,
          });
    const conn = await connect(port);
    const versions = await conn.apiVersions();
    expect(processor.received.map((r) => r.header.apiVersion)).toEqual([3, 2]);
    expect(versions.get(ApiKey.METADATA)).toEqual({ minVersion: 0, maxVersion: 4 });
  });

  it('falls back to ApiVersions v0 when the broker names no version', async () => {
    const { port, processor } = await start();
    processor.apiVersionsAnswer = (version, correlationId) =>
      encodeResponseChunks(ApiKey.API_VERSIONS, 0, correlationId, {
        errorCode: version === 0 ? 0 : ErrorCode.UNSUPPORTED_VERSION,
        apiKeys: version === 0 ? [{ apiKey: ApiKey.METADATA, minVersion: 0, maxVersion: 1 }] : [],
      });
    const conn = await connect(port);
    const versions = await conn.apiVersions();
    expect(processor.received.map((r) => r.header.apiVersion)).toEqual([3, 0]);
    expect(versions.get(ApiKey.METADATA)).toEqual({ minVersion: 0, maxVersion: 1 });
  });

  it('closes with NetworkError when the broker sends an oversize frame', async () => {
    // A fake broker that answers anything with a 1 GiB size prefix.
    const fake = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write(Buffer.from([0x40, 0, 0, 0]));
      });
    });
    await new Promise<void>((resolve) => {
      fake.listen(0, '127.0.0.1', resolve);
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          fake.close(() => {
            resolve();
          });
        }),
    );
    const { port } = fake.address() as net.AddressInfo;
    const conn = await connect(port, { maxFrameBytes: 1024 });
    await expect(conn.send(ApiKey.METADATA, 9, { topics: null })).rejects.toThrow(
      /bad response frame/,
    );
    expect(conn.closed).toBe(true);
  });
});
