import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Producer } from '../../../core/client/producer/producer.js';
import type { ProducerOptions } from '../../../core/client/producer/options.js';
import type { RecordMetadata } from '../../../core/client/producer/producer-record.js';
import { TimeoutError } from '../../../core/util/errors.js';
import { ChaosProxy } from '../../helpers/chaos-proxy.js';
import { directConnection, readPartition } from '../../helpers/partition-reader.js';
import { testSeed } from '../../helpers/seeded-random.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

/** Checks that each partition holds exactly the records sent to it, once each, in send order. */
async function expectExactlyOnceInOrder(
  brokerPort: number,
  topic: string,
  partitions: number,
  values: readonly string[],
  results: readonly RecordMetadata[],
): Promise<void> {
  const verifier = await directConnection(brokerPort);
  try {
    for (let partition = 0; partition < partitions; partition++) {
      const stored = (await readPartition(verifier, topic, partition)).records;
      const sent = results.flatMap((r, i) => (r.partition === partition ? [i] : []));
      expect(stored.map((r) => r.value?.toString())).toEqual(sent.map((i) => values[i]));
      expect(stored.map((r) => r.offset)).toEqual(sent.map((i) => results[i]!.offset));
    }
  } finally {
    await verifier.close();
  }
}

describe('idempotent producer through a misbehaving network', () => {
  let proxy: ChaosProxy;
  let broker: TestBroker;
  let producer: Producer | undefined;

  const connect = async (options: Partial<ProducerOptions> = {}): Promise<Producer> => {
    producer = new Producer({
      bootstrap: `127.0.0.1:${proxy.port}`,
      clientId: 'chaos-producer',
      retryBackoffMs: 10,
      retryBackoffMaxMs: 200,
      ...options,
    });
    await producer.connect();
    return producer;
  };

  beforeAll(async () => {
    proxy = await ChaosProxy.start(testSeed('producer chaos proxy'));
    broker = await startTestBroker({
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}`,
    });
    proxy.forwardTo(broker.port);
  });
  afterEach(async () => {
    proxy.chaos({});
    proxy.resume();
    await producer?.close();
    producer = undefined;
  });
  afterAll(async () => {
    await proxy.close();
    await broker.close();
  });

  const createTopic = async (name: string, partitions: number): Promise<void> => {
    const admin = await Admin.connect(broker.bootstrap);
    try {
      await admin.createTopic(name, partitions, 1);
    } finally {
      await admin.close();
    }
  };

  it('acknowledges every record exactly once, in order, while connections drop', async () => {
    await createTopic('chaos', 3);
    const p = await connect({ batchSize: 512, lingerMs: 1, requestTimeoutMs: 5000 });
    expect(p.config.idempotent).toBe(true);
    proxy.chaos({ dropResponseRate: 0.08, cutRequestRate: 0.02, maxDrops: 60 });
    const values = Array.from({ length: 6000 }, (_, i) => `record-${i}`);
    const results = await Promise.all(
      values.map((value, i) => p.send({ topic: 'chaos', key: `key-${i % 17}`, value })),
    );
    proxy.chaos({});
    expect(proxy.drops).toBeGreaterThan(0);
    await expectExactlyOnceInOrder(broker.port, 'chaos', 3, values, results);
  });

  it('retries across a broker restart without duplicates', async () => {
    await createTopic('restart', 2);
    const p = await connect({ batchSize: 1024, lingerMs: 1 });
    const values = Array.from({ length: 3000 }, (_, i) => `r${i}`);
    const sends = values.map((value, i) => p.send({ topic: 'restart', key: `k${i % 5}`, value }));
    // Restart once the first records are acknowledged, while the rest are queued or in flight.
    await sends[100]!;
    await broker.restart();
    const results = await Promise.all(sends);
    await expectExactlyOnceInOrder(broker.port, 'restart', 2, values, results);
  });

  it('blocks send() at buffer.memory while the broker stalls, then completes', async () => {
    await createTopic('backpressure', 1);
    const bufferMemory = 20_000;
    const p = await connect({ bufferMemory, batchSize: 2000, lingerMs: 0 });
    let maxBuffered = 0;
    const sample = (): void => {
      maxBuffered = Math.max(maxBuffered, p.bufferedBytes);
      expect(p.bufferedBytes).toBeLessThanOrEqual(bufferMemory);
    };
    proxy.pause();
    const values = Array.from({ length: 600 }, (_, i) => `${i}`.padStart(100, '.'));
    let acknowledged = 0;
    const sends = values.map((value) => {
      const sent = p.send({ topic: 'backpressure', value }).then((r) => {
        sample();
        acknowledged++;
        return r;
      });
      sample();
      return sent;
    });
    // Appends are synchronous while there is room: the buffer is full now, and the later sends
    // wait in line instead of growing it.
    expect(p.bufferedBytes + 112).toBeGreaterThan(bufferMemory);
    expect(p.blockedSends).toBeGreaterThan(300);
    // Nothing can be acknowledged through the stalled proxy, so nothing leaves the buffer: the
    // sends stay blocked after the sender (which drains on setImmediate) has pushed its requests
    // into the stall.
    for (let turn = 0; turn < 3; turn++) await new Promise(setImmediate);
    sample();
    expect(p.blockedSends).toBeGreaterThan(300);
    expect(acknowledged).toBe(0);
    proxy.resume();
    const results = await Promise.all(sends);
    expect(acknowledged).toBe(600);
    expect(maxBuffered).toBeGreaterThan(bufferMemory / 2);
    expect(p.bufferedBytes).toBe(0);
    await expectExactlyOnceInOrder(broker.port, 'backpressure', 1, values, results);
  });

  it('fails records past delivery.timeout.ms and recovers with a new producer id', async () => {
    await createTopic('expiry', 1);
    const p = await connect({ requestTimeoutMs: 300, deliveryTimeoutMs: 800, lingerMs: 0 });
    const firstId = p.producerId;
    // A first record opens the produce connection, so the stalled batch is sent (and sequenced).
    expect((await p.send({ topic: 'expiry', value: 'before' })).offset).toBe(0);
    proxy.pause();
    const stalled = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => p.send({ topic: 'expiry', value: `lost-${i}` })),
    );
    for (const s of stalled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(TimeoutError);
    }
    proxy.dropAll();
    proxy.resume();
    const after = await p.send({ topic: 'expiry', value: 'after' });
    expect(after.partition).toBe(0);
    expect(p.producerId).not.toBe(firstId);
    const verifier = await directConnection(broker.port);
    const stored = (await readPartition(verifier, 'expiry', 0)).records.map((r) =>
      r.value?.toString(),
    );
    await verifier.close();
    expect(stored[0]).toBe('before');
    expect(stored.at(-1)).toBe('after');
  });
});
