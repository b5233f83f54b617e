import * as fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { ProduceError } from '../../../core/client/producer/produce-error.js';
import { Producer } from '../../../core/client/producer/producer.js';
import type { CompressionCodec, ProducerOptions } from '../../../core/client/producer/options.js';
import { createEmbeddedBroker } from '../../../core/embedded/embedded-broker.js';
import type { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { Attributes } from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { FjordError } from '../../../core/util/errors.js';
import { partitionForKey } from '../../../core/util/murmur2.js';
import { directConnection, readPartition } from '../../helpers/partition-reader.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

describe('Producer against a fjord broker', () => {
  let broker: TestBroker;
  let admin: Admin;
  let verifier: KafkaConnection;
  const producers: Producer[] = [];

  const producer = async (options: Partial<ProducerOptions> = {}): Promise<Producer> => {
    const p = new Producer({ bootstrap: broker.bootstrap, clientId: 'producer-test', ...options });
    producers.push(p);
    await p.connect();
    return p;
  };

  beforeAll(async () => {
    broker = await startTestBroker({ 'auto.create.topics.enable': 'false' });
    admin = await Admin.connect(broker.bootstrap);
    verifier = await directConnection(broker.port);
  });
  afterAll(async () => {
    for (const p of producers) await p.close();
    await verifier.close();
    await admin.close();
    await broker.close();
  });

  it('resolves send() with offsets and stores key, value, headers and timestamp', async () => {
    await admin.createTopic('basic', 1, 1);
    const p = await producer();
    const first = await p.send({
      topic: 'basic',
      key: 'k1',
      value: 'v1',
      headers: { trace: 'abc', empty: null },
      timestamp: 1_700_000_000_000,
    });
    expect(first).toEqual({
      topic: 'basic',
      partition: 0,
      offset: 0,
      timestamp: 1_700_000_000_000,
    });
    const second = await p.send({
      topic: 'basic',
      key: Buffer.from([1, 2]),
      value: null,
      headers: [
        { key: 'h', value: '1' },
        { key: 'h', value: '2' },
      ],
    });
    expect(second.offset).toBe(1);
    const { records } = await readPartition(verifier, 'basic', 0);
    expect(records.map((r) => [r.offset, text(r.key), text(r.value), r.timestamp])).toEqual([
      [0, 'k1', 'v1', 1_700_000_000_000],
      [1, '\u0001\u0002', null, second.timestamp],
    ]);
    expect(records[0]!.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ['trace', 'abc'],
      ['empty', null],
    ]);
    expect(records[1]!.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ['h', '1'],
      ['h', '2'],
    ]);
  });

  it('resolves sendBatch() with one result per record, in order', async () => {
    await admin.createTopic('batch', 2, 1);
    const p = await producer({ lingerMs: 20 });
    const records = Array.from({ length: 500 }, (_, i) => ({
      topic: 'batch',
      key: `key-${i % 7}`,
      value: `value-${i}`,
    }));
    const results = await p.sendBatch(records);
    expect(results).toHaveLength(500);
    for (const [i, r] of results.entries()) {
      expect(r.partition).toBe(partitionForKey(Buffer.from(`key-${i % 7}`), 2));
    }
    for (const partition of [0, 1]) {
      const stored = (await readPartition(verifier, 'batch', partition)).records;
      const sent = results.flatMap((r, i) => (r.partition === partition ? [[r.offset, i]] : []));
      expect(stored.map((s) => [s.offset, text(s.value)])).toEqual(
        sent.map(([offset, i]) => [offset, `value-${i}`]),
      );
    }
  });

  it('keeps per-partition order across many batches and requests in flight', async () => {
    await admin.createTopic('ordered', 3, 1);
    const p = await producer({ batchSize: 1024, lingerMs: 1, maxInFlight: 5 });
    const sends = Array.from({ length: 6000 }, (_, i) =>
      p.send({ topic: 'ordered', key: `k${i % 30}`, value: String(i) }),
    );
    const results = await Promise.all(sends);
    for (const partition of [0, 1, 2]) {
      const values = (await readPartition(verifier, 'ordered', partition)).records.map((r) =>
        Number(text(r.value)),
      );
      const expected = results.flatMap((r, i) => (r.partition === partition ? [i] : []));
      expect(values).toEqual(expected);
      expect(values.length).toBeGreaterThan(0);
    }
  });

  it('sticks null-key records to a partition, switching after batch.size bytes', async () => {
    await admin.createTopic('sticky', 4, 1);
    const p = await producer({ batchSize: 2000 });
    const results = await p.sendBatch(
      Array.from({ length: 100 }, () => ({ topic: 'sticky', value: 'x'.repeat(88) })),
    );
    // 100-byte records: each partition takes a run of 20 before the next pick.
    for (let run = 0; run < 5; run++) {
      const partitions = new Set(results.slice(run * 20, run * 20 + 20).map((r) => r.partition));
      expect(partitions.size).toBe(1);
    }
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[])(
    'compresses with %s',
    async (codec) => {
      const topic = `codec-${codec}`;
      await admin.createTopic(topic, 1, 1);
      const p = await producer({ compression: codec });
      const values = Array.from({ length: 300 }, (_, i) => `${codec} record ${i} `.repeat(5));
      await p.sendBatch(values.map((value, i) => ({ topic, key: `k${i}`, value })));
      const { records, batches } = await readPartition(verifier, topic, 0);
      expect(records.map((r) => text(r.value))).toEqual(values);
      expect(records.map((r) => text(r.key))).toEqual(values.map((_, i) => `k${i}`));
      const expected = CompressionType[codec.toUpperCase() as keyof typeof CompressionType];
      for (const b of batches) expect(b.attributes & Attributes.COMPRESSION_MASK).toBe(expected);
    },
  );

  it('produces with acks=0 (offset -1), acks=1 and acks=all', async () => {
    await admin.createTopic('acks', 1, 1);
    const none = await producer({ acks: 0 });
    const fireAndForget = await none.sendBatch(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'acks', value: `zero-${i}` })),
    );
    expect(fireAndForget.every((r) => r.offset === -1)).toBe(true);
    expect(none.config.idempotent).toBe(false);
    // The broker answers nothing for acks=0: wait (long-poll) until it has appended them.
    await readPartition(verifier, 'acks', 0, 10);
    const leader = await producer({ acks: 1 });
    expect((await leader.send({ topic: 'acks', value: 'one' })).offset).toBe(10);
    const all = await producer({ acks: 'all' });
    expect((await all.send({ topic: 'acks', value: 'all' })).offset).toBe(11);
    expect(all.config.idempotent).toBe(true);
    const values = (await readPartition(verifier, 'acks', 0)).records.map((r) => text(r.value));
    expect(values.slice(10)).toEqual(['one', 'all']);
  });

  it('stamps producer id and contiguous sequences when idempotent', async () => {
    await admin.createTopic('idem', 1, 1);
    const p = await producer({ batchSize: 500 });
    expect(p.producerId).toBeGreaterThanOrEqual(0);
    await p.sendBatch(Array.from({ length: 200 }, (_, i) => ({ topic: 'idem', value: `v${i}` })));
    const { batches } = await readPartition(verifier, 'idem', 0);
    expect(batches.length).toBeGreaterThan(1);
    let next = 0;
    for (const b of batches) {
      expect(b.producerId).toBe(p.producerId);
      expect(b.baseSequence).toBe(next);
      next += b.recordCount;
    }
  });

  it('flush() delivers lingering records; close() drains and then refuses sends', async () => {
    await admin.createTopic('drain', 1, 1);
    const p = await producer({ lingerMs: 60_000 });
    let acknowledged = 0;
    const sends = Array.from({ length: 50 }, (_, i) =>
      p.send({ topic: 'drain', value: `a${i}` }).then((r) => {
        acknowledged++;
        return r;
      }),
    );
    await p.flush();
    expect(acknowledged).toBe(50);
    await Promise.all(sends);

    const q = await producer({ lingerMs: 60_000 });
    const late = Array.from({ length: 25 }, (_, i) => q.send({ topic: 'drain', value: `b${i}` }));
    await q.close();
    expect((await Promise.all(late)).map((r) => r.offset)).toEqual(
      Array.from({ length: 25 }, (_, i) => 50 + i),
    );
    await expect(q.send({ topic: 'drain', value: 'after' })).rejects.toThrow(/closed/);
    expect((await readPartition(verifier, 'drain', 0)).records).toHaveLength(75);
  });

  it('fails a send to an unknown topic when auto-creation is off', async () => {
    const p = await producer();
    const error = await p.send({ topic: 'no-such-topic', value: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProduceError);
    expect((error as ProduceError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((error as ProduceError).topic).toBe('no-such-topic');
    // Records behind the failed one still go out.
    await admin.createTopic('after-unknown', 1, 1);
    expect((await p.send({ topic: 'after-unknown', value: 'ok' })).offset).toBe(0);
  });

  it('refuses records larger than max.request.size', async () => {
    await admin.createTopic('large', 1, 1);
    const p = await producer({ maxRequestSize: 2000 });
    const error = await p
      .send({ topic: 'large', value: Buffer.alloc(5000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProduceError);
    expect((error as ProduceError).code).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    await expect(p.send({ topic: 'large', value: 42 as unknown as string })).rejects.toThrow(
      FjordError,
    );
  });

  it('refreshes metadata when a topic grows partitions', async () => {
    await admin.createTopic('growing', 1, 1);
    const p = await producer();
    expect((await p.send({ topic: 'growing', key: 'a', value: '1' })).partition).toBe(0);
    const created = await verifier.send(ApiKey.CREATE_PARTITIONS, 3, {
      topics: [{ name: 'growing', count: 4, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.results[0]?.errorCode).toBe(0);
    // Partition 3 is not in the cached metadata: the producer refreshes and finds it.
    expect(await p.send({ topic: 'growing', partition: 3, value: 'new' })).toMatchObject({
      partition: 3,
      offset: 0,
    });
    // Keyed records now hash over all four partitions.
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const placed = await p.sendBatch(keys.map((key) => ({ topic: 'growing', key, value: key })));
    expect(placed.map((r) => r.partition)).toEqual(
      keys.map((k) => partitionForKey(Buffer.from(k), 4)),
    );
    const missing = await p
      .send({ topic: 'growing', partition: 9, value: 'x' })
      .catch((e: unknown) => e);
    expect((missing as ProduceError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('Producer against an embedded broker', () => {
  it('auto-creates topics and removes the temporary data folder on close', async () => {
    const embedded = await createEmbeddedBroker({ props: { 'num.partitions': '3' } });
    const dataDir = embedded.dataDir;
    const producer = new Producer({ bootstrap: embedded.bootstrap });
    try {
      const results = await producer.sendBatch(
        Array.from({ length: 30 }, (_, i) => ({ topic: 'auto', key: `k${i}`, value: `v${i}` })),
      );
      expect(new Set(results.map((r) => r.partition)).size).toBe(3);
    } finally {
      await producer.close();
      await embedded.close();
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
