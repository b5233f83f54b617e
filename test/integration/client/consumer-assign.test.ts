import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import type { ConsumerOptions } from '../../../core/client/consumer/consumer-options.js';
import type { ConsumerRecord } from '../../../core/client/consumer/types.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { consumeUntil, TestWriter, values } from '../../helpers/consumer-fixtures.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';

/** The fjord consumer without a group: assign(), seeks, iteration, Observables, pause/resume. */
describe('Consumer with assigned partitions', () => {
  let broker: TestBroker;
  let admin: Admin;
  let writer: TestWriter;
  const open: Consumer[] = [];
  let topicNo = 0;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = await Admin.connect(broker.bootstrap);
    writer = await TestWriter.connect(broker.bootstrap);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await writer.close();
    await admin.close();
    await broker.close();
  });

  async function topic(partitions = 1): Promise<string> {
    const name = `assign-${++topicNo}`;
    await admin.createTopic(name, partitions, 1);
    return name;
  }

  function consumer(options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({
      bootstrap: broker.bootstrap,
      autoOffsetReset: 'earliest',
      ...options,
    });
    open.push(c);
    return c;
  }

  it('hands out every record from the given offsets, in order, at most maxPollRecords a batch', async () => {
    const t = await topic(2);
    await writer.writeValues(t, 0, 1200, 'a');
    await writer.writeValues(t, 1, 300, 'b');
    const c = consumer({ maxPollRecords: 250 });
    c.assign([
      { topic: t, partition: 0, offset: 100 },
      { topic: t, partition: 1 },
    ]);
    const seen: ConsumerRecord[] = [];
    const batches = await consumeUntil(c, (r) => r.length >= 1400, seen);
    expect(seen).toHaveLength(1400);
    expect(Math.max(...batches.map((b) => b.records.length))).toBeLessThanOrEqual(250);
    for (const b of batches) {
      expect(b.records.every((r) => r.topic === b.topic && r.partition === b.partition)).toBe(true);
      expect(b.highWatermark).toBe(b.partition === 0 ? 1200 : 300);
    }
    const p0 = seen.filter((r) => r.partition === 0).map((r) => r.offset);
    const p1 = seen.filter((r) => r.partition === 1).map((r) => r.offset);
    expect(p0).toEqual(Array.from({ length: 1100 }, (_, i) => 100 + i));
    expect(p1).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(c.position()).toEqual([
      { topic: t, partition: 0, offset: 1200 },
      { topic: t, partition: 1, offset: 300 },
    ]);
    expect(c.assignment()).toEqual([
      { topic: t, partition: 0 },
      { topic: t, partition: 1 },
    ]);
  });

  it('delivers keys, values, headers and timestamps as written', async () => {
    const t = await topic();
    await writer.write(t, 0, [
      {
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: 1_700_000_000_123,
        headers: [
          { key: 'h1', value: Buffer.from('x') },
          { key: 'h1', value: null },
        ],
      },
      { key: null, value: null, timestamp: 1_700_000_000_124 },
    ]);
    const c = consumer();
    c.assign([{ topic: t, partition: 0 }]);
    const [batch] = await consumeUntil(c, (r) => r.length >= 2);
    const [a, b] = batch!.records;
    expect(a).toMatchObject({ topic: t, partition: 0, offset: 0, timestamp: 1_700_000_000_123 });
    expect(a!.key?.toString()).toBe('k');
    expect(a!.value?.toString()).toBe('v');
    expect(a!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['h1', 'x'],
      ['h1', null],
    ]);
    expect(b).toMatchObject({ offset: 1, key: null, value: null, headers: [] });
  });

  it('moves with seek, seekToBeginning, seekToTimestamp and seekToEnd', async () => {
    const t = await topic();
    await writer.write(
      t,
      0,
      Array.from({ length: 100 }, (_, i) => ({
        key: null,
        value: Buffer.from(`v${i}`),
        timestamp: 1_000_000 + i * 10,
      })),
    );
    const c = consumer({ maxPollRecords: 5 });
    c.assign([{ topic: t, partition: 0, offset: 50 }]);
    const next = async (): Promise<number> => {
      const b = await c.poll();
      return b!.records[0]!.offset;
    };
    expect(await next()).toBe(50);
    c.seek({ topic: t, partition: 0, offset: 10 });
    expect(c.position({ topic: t, partition: 0 })).toBe(10);
    expect(await next()).toBe(10);
    c.seekToBeginning();
    expect(await next()).toBe(0);
    c.seekToTimestamp(1_000_000 + 415);
    expect(await next()).toBe(42);
    c.seekToTimestamp(9_000_000);
    c.seekToEnd();
    // Seeks are lazy, as in Kafka: a poll carries them out (here one that gives up at once).
    expect(await c.poll(AbortSignal.timeout(300))).toBeUndefined();
    expect(c.position({ topic: t, partition: 0 })).toBe(100);
    await writer.write(t, 0, [{ key: null, value: Buffer.from('late') }]);
    const b = await c.poll();
    expect(b!.records.map((r) => [r.offset, r.value?.toString()])).toEqual([[100, 'late']]);
    expect(() => {
      c.seek({ topic: t, partition: 9, offset: 0 });
    }).toThrow(/not assigned/);
  });

  it('resets an out-of-range position by autoOffsetReset, and fails with none', async () => {
    const t = await topic();
    await writer.writeValues(t, 0, 10);
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: t, partition: 0, offset: 5000 }]);
    const [first] = await consumeUntil(c, (r) => r.length > 0);
    expect(first!.records[0]!.offset).toBe(0);

    const latest = consumer({ autoOffsetReset: 'latest' });
    latest.assign([{ topic: t, partition: 0 }]);
    expect(await latest.poll(AbortSignal.timeout(300))).toBeUndefined();
    await writer.write(t, 0, [{ key: null, value: Buffer.from('new') }]);
    expect(values((await latest.poll())!.records)).toEqual(['new']);

    const strict = consumer({ autoOffsetReset: 'none' });
    strict.assign([{ topic: t, partition: 0 }]);
    await expect(strict.poll()).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    const strictSeek = consumer({ autoOffsetReset: 'none' });
    strictSeek.assign([{ topic: t, partition: 0, offset: 999 }]);
    await expect(strictSeek.poll()).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
  });

  it('streams batches and records as Observables, resuming exactly where they stopped', async () => {
    const t = await topic();
    await writer.writeValues(t, 0, 1000);
    const c = consumer({ maxPollRecords: 100 });
    c.assign([{ topic: t, partition: 0 }]);
    const two = await firstValueFrom(c.batches$().pipe(take(2), toArray()));
    expect(two.flatMap((b) => b.records.map((r) => r.offset))).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    const records = await firstValueFrom(c.records$().pipe(take(300), toArray()));
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 300 }, (_, i) => 200 + i));
    const rest: ConsumerRecord[] = [];
    await consumeUntil(c, (r) => r.length >= 500, rest);
    expect(rest[0]!.offset).toBe(500);
    expect(rest.at(-1)!.offset).toBe(999);
  });

  it('completes its Observable and ends iteration on close', async () => {
    const t = await topic();
    const c = consumer();
    c.assign([{ topic: t, partition: 0 }]);
    const all = firstValueFrom(c.batches$().pipe(toArray()));
    const iteration = consumeUntil(c, () => false);
    await c.connect();
    await c.close();
    expect(await all).toEqual([]);
    expect(await iteration).toEqual([]);
  });

  it('stops handing out a paused partition until resumed', async () => {
    const t = await topic(2);
    await writer.writeValues(t, 0, 50, 'a');
    await writer.writeValues(t, 1, 50, 'b');
    const c = consumer();
    c.assign([
      { topic: t, partition: 0 },
      { topic: t, partition: 1 },
    ]);
    c.pause([{ topic: t, partition: 0 }]);
    expect(c.paused()).toEqual([{ topic: t, partition: 0 }]);
    const seen: ConsumerRecord[] = [];
    await consumeUntil(c, (r) => r.length >= 50, seen);
    await writer.writeValues(t, 1, 20, 'c');
    await consumeUntil(c, (r) => r.length >= 70, seen);
    expect(seen.every((r) => r.partition === 1)).toBe(true);
    c.resume([{ topic: t, partition: 0 }]);
    expect(c.paused()).toEqual([]);
    await consumeUntil(c, (r) => r.length >= 120, seen);
    expect(values(seen.filter((r) => r.partition === 0))).toEqual(
      Array.from({ length: 50 }, (_, i) => `a${i}`),
    );
  });

  it('refuses commits and subscriptions without a group', async () => {
    const c = consumer();
    await expect(c.commit()).rejects.toMatchObject({ code: ErrorCode.INVALID_GROUP_ID });
    expect(() => {
      c.subscribe(['x']);
    }).toThrow(/groupId/);
    await expect(c.poll()).rejects.toThrow(/subscribe\(\) or assign\(\)/);
  });

  it('keeps consuming across a broker restart', async () => {
    const t = await topic();
    await writer.writeValues(t, 0, 100, 'before');
    const c = consumer();
    c.assign([{ topic: t, partition: 0 }]);
    const seen: ConsumerRecord[] = [];
    await consumeUntil(c, (r) => r.length >= 100, seen);
    await broker.restart();
    await writer.close();
    writer = await TestWriter.connect(broker.bootstrap);
    await writer.writeValues(t, 0, 50, 'after');
    await consumeUntil(c, (r) => r.length >= 150, seen);
    expect(seen.map((r) => r.offset)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });
});
