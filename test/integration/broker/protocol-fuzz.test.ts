import * as net from 'node:net';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { loadRequestFixtures, readFixtureFrame } from '../../helpers/request-fixtures.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';
import { fetchAll, produceValues } from '../../helpers/wire-client.js';
import type { StoredValue } from '../../helpers/wire-client.js';

const GOOD_TOPIC = 'fuzz-good';

/** Sends raw bytes on a fresh connection and resolves when the broker closes it or answers. */
function poke(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', done);
    // Half-close after writing: a broker waiting for the rest of a truncated frame sees the end.
    socket.end(bytes);
  });
}

/** A well-behaved client that keeps producing and remembers what the broker acknowledged. */
class GoodClient {
  readonly acked: StoredValue[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(private readonly connection: KafkaConnection) {}

  start(): void {
    this.loop = (async () => {
      for (let n = 0; this.running; n++) await this.produceOne(n);
    })();
  }

  async produceOne(n: number): Promise<void> {
    const values = [0, 1, 2].map((i) => `good-${n}-${i}`);
    const { errorCode, records } = await produceValues(this.connection, GOOD_TOPIC, 0, values, {
      acks: 1,
    });
    expect(errorCode).toBe(0);
    this.acked.push(...records);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  readAll(): Promise<StoredValue[]> {
    return fetchAll(this.connection, GOOD_TOPIC, 0);
  }
}

describe('protocol fuzzing against a live broker', () => {
  let broker: TestBroker;
  const frames = loadRequestFixtures().map(readFixtureFrame);

  beforeAll(async () => {
    broker = await startTestBroker({ 'socket.request.max.bytes': String(1024 * 1024) });
    const admin = await Admin.connect(broker.bootstrap);
    await admin.createTopic(GOOD_TOPIC, 1, 1);
    await admin.close();
  });
  afterAll(async () => {
    await broker.close();
  });

  const sizePrefixed = (body: Buffer, size = body.length): Buffer => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(size);
    return Buffer.concat([prefix, body]);
  };

  const frameIndex = fc.nat(frames.length - 1);
  const attack = fc.oneof(
    // Pure garbage.
    fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a)),
    // A real client's frame with bytes flipped after the size prefix.
    fc
      .tuple(
        frameIndex,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
      )
      .map(([i, flips]) => {
        const frame = Buffer.from(frames[i]!);
        for (const [at, xor] of flips) {
          const pos = 4 + (at % Math.max(1, frame.length - 4));
          if (pos < frame.length) frame[pos]! ^= xor;
        }
        return frame;
      }),
    // A real frame cut short, its size prefix still claiming the whole.
    fc
      .tuple(frameIndex, fc.nat())
      .map(([i, cut]) => frames[i]!.subarray(0, 4 + (cut % frames[i]!.length))),
    // A real frame body under a lying size prefix: negative, huge, or slightly off.
    fc
      .tuple(frameIndex, fc.constantFrom(-1, -2147483648, 2147483647, 1 << 30, 0, 3))
      .map(([i, size]) => sizePrefixed(frames[i]!.subarray(4), size)),
    // A valid header followed by a body of random bytes.
    fc.tuple(frameIndex, fc.uint8Array({ maxLength: 200 })).map(([i, body]) => {
      const frame = frames[i]!;
      const headerEnd = Math.min(frame.length, 4 + 8 + 2 + Math.max(0, frame.readInt16BE(12)));
      return sizePrefixed(Buffer.concat([frame.subarray(4, headerEnd), Buffer.from(body)]));
    }),
  );

  it('stays up, keeps serving a well-behaved client and loses no acknowledged record', async () => {
    const connection = await KafkaConnection.connect('127.0.0.1', broker.port, {
      clientId: 'good',
    });
    const good = new GoodClient(connection);
    good.start();
    await fc.assert(
      fc.asyncProperty(attack, async (bytes) => {
        await poke(broker.port, bytes);
      }),
      {
        numRuns: 2000,
        plugins: [fc.interruptAfterTimeLimit(30_000)],
        seed: fcSeed('protocol fuzz'),
      },
    );
    await good.stop();
    expect(good.acked.length).toBeGreaterThan(0);
    await good.produceOne(-1);
    const stored = await good.readAll();
    expect(stored).toEqual(good.acked);
    await connection.close();
  });
});
