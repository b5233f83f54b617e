import { describe, expect, it } from 'vitest';

import { BatchBufferPool } from '../../../core/client/producer/batch-buffer-pool.js';
import { incrementSequence } from '../../../core/client/producer/idempotence.js';
import { backoffMs, resolveProducerConfig } from '../../../core/client/producer/options.js';
import { PartitionQueue } from '../../../core/client/producer/producer-batch.js';
import { prepareRecord } from '../../../core/client/producer/producer-record.js';
import { RecordAccumulator } from '../../../core/client/producer/record-accumulator.js';
import type { Scheduler } from '../../../core/client/producer/scheduler.js';
import { SendQueue } from '../../../core/client/producer/send-queue.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { decodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { ConfigError, TimeoutError } from '../../../core/util/errors.js';

/** Time that moves only when told; timers fire as it passes them. */
class ManualScheduler implements Scheduler {
  private nowMs = 1_000;
  private timers: { at: number; callback: () => void }[] = [];
  now(): number {
    return this.nowMs;
  }
  setTimeout(callback: () => void, delayMs: number): () => void {
    const timer = { at: this.nowMs + delayMs, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  setImmediate(callback: () => void): void {
    this.setTimeout(callback, 0);
  }
  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.timers.filter((t) => t.at <= this.nowMs);
    this.timers = this.timers.filter((t) => t.at > this.nowMs);
    for (const t of due) t.callback();
  }
}

const noEvents = {
  onBatchFull: () => undefined,
  onNewBatch: () => undefined,
  onMemoryWait: () => undefined,
};

describe('producer config', () => {
  it('applies Kafka defaults, with idempotence on for acks=all', () => {
    const c = resolveProducerConfig({ bootstrap: 'h:1' });
    expect(c).toMatchObject({
      acks: -1,
      lingerMs: 5,
      batchSize: 16_384,
      bufferMemory: 32 * 1024 * 1024,
      maxInFlight: 5,
      idempotent: true,
      deliveryTimeoutMs: 120_000,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
      compression: CompressionType.NONE,
    });
  });

  it('turns implicit idempotence off for acks 0/1 and refuses it when explicit', () => {
    expect(resolveProducerConfig({ bootstrap: 'h:1', acks: 1 }).idempotent).toBe(false);
    expect(resolveProducerConfig({ bootstrap: 'h:1', maxInFlight: 6 }).idempotent).toBe(false);
    expect(() => resolveProducerConfig({ bootstrap: 'h:1', acks: 0, idempotent: true })).toThrow(
      ConfigError,
    );
    expect(() =>
      resolveProducerConfig({ bootstrap: 'h:1', maxInFlight: 6, idempotent: true }),
    ).toThrow(ConfigError);
  });

  it('refuses bad values and a delivery timeout below linger + request timeout', () => {
    expect(() => resolveProducerConfig({ bootstrap: 'h:1', batchSize: 0 })).toThrow(ConfigError);
    expect(() => resolveProducerConfig({ bootstrap: 'h:1', acks: 2 as 1 })).toThrow(ConfigError);
    expect(() =>
      resolveProducerConfig({ bootstrap: 'h:1', compression: 'brotli' as 'gzip' }),
    ).toThrow(ConfigError);
    expect(() =>
      resolveProducerConfig({ bootstrap: 'h:1', deliveryTimeoutMs: 1000, requestTimeoutMs: 2000 }),
    ).toThrow(/deliveryTimeoutMs/);
  });

  it('backs off exponentially with ±20 % jitter, capped at retry.backoff.max.ms', () => {
    const at = (r: number) => resolveProducerConfig({ bootstrap: 'h:1', random: () => r });
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(at(0.5), n))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffMs(at(0), 1)).toBe(80);
    expect(backoffMs(at(0.999999), 1)).toBe(120);
  });
});

describe('sequence numbers', () => {
  it('wrap from 2^31-1 to 0 as Kafka does', () => {
    expect(incrementSequence(5, 10)).toBe(15);
    expect(incrementSequence(0x7fffffff - 2, 2)).toBe(0x7fffffff);
    expect(incrementSequence(0x7fffffff - 2, 3)).toBe(0);
    expect(incrementSequence(0x7fffffff, 5)).toBe(4);
    expect(incrementSequence(-1, 1)).toBe(0);
  });
});

describe('RecordAccumulator', () => {
  const record = (value: string) => prepareRecord({ topic: 't', value }, 1_000);

  it('fills batches up to batch.size and counts every record against buffer.memory', () => {
    let full = 0;
    const acc = new RecordAccumulator(
      { batchSize: 500, bufferMemory: 10_000 },
      new ManualScheduler(),
      {
        ...noEvents,
        onBatchFull: () => full++,
      },
    );
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const r = record('x'.repeat(88));
      acc.append(0, r, 1_000);
      total += r.sizeBytes;
    }
    const batches = acc.queue('t', 0).batches;
    expect(batches.map((b) => b.recordCount)).toEqual([4, 4, 4, 4, 4]);
    expect(batches.every((b) => b.sizeBytes <= 500)).toBe(true);
    expect(full).toBe(4);
    expect(acc.bufferedBytes).toBe(total);
    const first = acc.take(acc.queue('t', 0));
    first.complete({ baseOffset: 0, logAppendTimeMs: -1 });
    acc.release(first);
    expect(acc.bufferedBytes).toBe(total - first.reservedBytes);
  });

  it('gives a record bigger than batch.size a batch of its own', () => {
    const acc = new RecordAccumulator(
      { batchSize: 100, bufferMemory: 10_000 },
      new ManualScheduler(),
      noEvents,
    );
    const big = record('y'.repeat(500));
    acc.append(0, big, 1_000);
    const small = record('z');
    acc.append(0, small, 1_000);
    expect(acc.queue('t', 0).batches.map((b) => b.recordCount)).toEqual([1, 1]);
  });

  it('waits for room until a batch settles, or fails after max.block.ms', async () => {
    const scheduler = new ManualScheduler();
    let waits = 0;
    const acc = new RecordAccumulator({ batchSize: 1000, bufferMemory: 300 }, scheduler, {
      ...noEvents,
      onMemoryWait: () => waits++,
    });
    const r = record('x'.repeat(188));
    acc.append(0, r, 1_000);
    expect(acc.hasRoom(r.sizeBytes)).toBe(false);
    const room = acc.waitForRoom(r.sizeBytes, 5_000);
    expect(acc.memoryWaiting).toBe(true);
    expect(waits).toBe(1);
    const batch = acc.take(acc.queue('t', 0));
    batch.fail(new Error('gone'));
    acc.release(batch);
    await room;
    expect(acc.memoryWaiting).toBe(false);

    acc.append(0, r, 1_000);
    const timedOut = acc.waitForRoom(r.sizeBytes, 5_000);
    scheduler.advance(4_999);
    expect(acc.memoryWaiting).toBe(true);
    scheduler.advance(1);
    await expect(timedOut).rejects.toThrow(TimeoutError);
    expect(acc.memoryWaiting).toBe(false);
  });
});

describe('ProducerBatch', () => {
  it('encodes once, keeps timestamps, and restamps producer fields with a valid CRC', () => {
    const q = new PartitionQueue('t', 3);
    const batch = q.newBatch(1_000);
    for (const [i, v] of ['a', 'b', 'c'].entries()) {
      const r = prepareRecord({ topic: 't', value: v, timestamp: 5_000 + i }, 1_000);
      batch.tryAppend(r, 16_384);
    }
    batch.producerId = 7;
    batch.producerEpoch = 0;
    batch.baseSequence = 40;
    const first = batch.encode(CompressionType.LZ4);
    expect(batch.encode(CompressionType.LZ4)).toBe(first);
    expect(decodeRecordBatch(first).header).toMatchObject({ producerId: 7, baseSequence: 40 });
    // A new producer id with the same sequence still restamps.
    batch.producerId = 8;
    expect(decodeRecordBatch(batch.encode(CompressionType.LZ4)).header).toMatchObject({
      producerId: 8,
      baseSequence: 40,
    });
    batch.producerId = 2 ** 40;
    batch.producerEpoch = 3;
    batch.baseSequence = 0;
    const restamped = batch.encode(CompressionType.LZ4);
    const decoded = decodeRecordBatch(restamped);
    expect(decoded.header).toMatchObject({
      producerId: 2 ** 40,
      producerEpoch: 3,
      baseSequence: 0,
    });
    expect(decoded.records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'c']);
    batch.complete({ baseOffset: 100, logAppendTimeMs: -1 });
    expect(batch.metadataAt(2)).toEqual({
      topic: 't',
      partition: 3,
      offset: 102,
      timestamp: 5_002,
    });
  });
});

describe('SendQueue', () => {
  it('runs entries strictly in order, awaiting only the ones that cannot settle at once', async () => {
    const queue = new SendQueue();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = queue.push(
      () => undefined,
      async () => {
        await gate;
        order.push('a');
        return 'a';
      },
    );
    const b = queue.push(
      () => {
        order.push('b');
        return 'b';
      },
      () => Promise.resolve('never'),
    );
    expect(queue.length).toBe(2);
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a', 'b']);
    await queue.idle();
    expect(queue.length).toBe(0);
  });
});

describe('BatchBufferPool', () => {
  it('reuses the buffers of settled full batches, and leaves small batches to Node', () => {
    const pool = new BatchBufferPool(16_384, 32 * 1024 * 1024);
    const full = pool.take(18_000);
    expect(full.length).toBe(pool.bufferBytes);
    expect(pool.take(200).length).toBe(200);
    pool.give(full);
    expect(pool.take(9_000)).toBe(full);
    expect(pool.take(9_000)).not.toBe(full);
    pool.give(Buffer.alloc(100));
    expect(pool.take(16_000).length).toBe(pool.bufferBytes);
  });

  it('takes a batch buffer back only once the batch has settled', () => {
    const acc = new RecordAccumulator(
      { batchSize: 16_384, bufferMemory: 1 << 20 },
      new ManualScheduler(),
      noEvents,
    );
    const r = prepareRecord({ topic: 't', value: 'x'.repeat(1000) }, 1_000);
    const q = acc.queue('t', 0);
    q.capacityHintBytes = 16_384; // as after a first full batch
    for (let i = 0; i < 16; i++) acc.append(0, r, 1_000);
    const first = acc.take(q);
    const firstBytes = first.encode(CompressionType.NONE);
    expect(() => first.releaseBuffer()).toThrow(/unsettled/);
    for (let i = 0; i < 16; i++) acc.append(0, r, 1_000);
    const second = acc.take(q);
    // Built while the first was in flight: a buffer of its own.
    expect(second.encode(CompressionType.NONE).buffer).not.toBe(firstBytes.buffer);
    first.complete({ baseOffset: 0, logAppendTimeMs: -1 });
    acc.release(first);
    for (let i = 0; i < 16; i++) acc.append(0, r, 1_000);
    const third = acc.take(q).encode(CompressionType.NONE);
    expect(third.buffer).toBe(firstBytes.buffer);
    expect(decodeRecordBatch(third).records).toHaveLength(16);
  });
});
