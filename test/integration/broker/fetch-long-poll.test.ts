import { afterEach, describe, expect, it } from 'vitest';

import { fetchHandler } from '../../../core/broker/handlers/fetch.js';
import { systemTimers } from '../../../core/broker/timers.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, answered, batchOf, eventually, recordsOf } from '../../helpers/data-plane.js';
import { decodeAll } from '../../helpers/log-records.js';

describe('Fetch long poll', () => {
  let plane: DataPlane;

  afterEach(async () => {
    await plane.close();
  });

  function open(options: { realTimers?: boolean } = {}): void {
    plane = new DataPlane({}, options.realTimers === true ? { timers: systemTimers } : {});
    plane.createTopic('orders', 2);
  }

  it('answers at once when max_wait_ms is 0 or min_bytes is 0, watching nothing', async () => {
    open();
    for (const [maxWaitMs, minBytes] of [
      [0, 1],
      [10_000, 0],
    ] as const) {
      const data = await plane.fetch('orders', 0, 0, { maxWaitMs, minBytes });
      expect(recordsOf(data).length).toBe(0);
      expect(plane.timers.pendingTimeouts()).toEqual([]);
    }
  });

  it('counts an append that races the first read, and never arms more than one timer', async () => {
    open();
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    expect(plane.timers.pendingTimeouts()).toEqual([10_000]);
    await plane.produce('orders', 0, batchOf(2));
    const data = await pending;
    expect(decodeAll(recordsOf(data)).map((r) => r.offset)).toEqual([0, 1]);
    expect(plane.timers.pendingTimeouts()).toEqual([]);
    expect(plane.registry.activeWatches).toBe(0);
  });

  it('wakes a parked fetch on the append, without its timer firing', async () => {
    open();
    await plane.produce('orders', 0, batchOf(3));
    const pending = plane.fetch('orders', 0, 3, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.produce('orders', 0, batchOf(2, {}, 'late-'));
    const data = await pending;
    expect(data.highWatermark).toBe(5);
    expect(decodeAll(recordsOf(data)).map((r) => r.value)).toEqual(['late-0', 'late-1']);
    expect(plane.timers.pendingTimeouts()).toEqual([]);
  });

  it('ignores appends to partitions it does not watch', async () => {
    open();
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.produce('orders', 1, batchOf(2));
    expect(plane.registry.waitingFetches).toBe(1);
    plane.timers.fireTimeouts();
    expect(recordsOf(await pending).length).toBe(0);
  });

  it('waits for min_bytes across several appends', async () => {
    open();
    const first = batchOf(2, {}, 'a');
    const second = batchOf(2, {}, 'b');
    const pending = plane.fetch('orders', 0, 0, {
      maxWaitMs: 10_000,
      minBytes: first.length + 1,
    });
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.produce('orders', 0, first);
    expect(plane.registry.waitingFetches).toBe(1);
    await plane.produce('orders', 0, second);
    const data = await pending;
    expect(decodeAll(recordsOf(data)).map((r) => r.value)).toEqual(['a0', 'a1', 'b0', 'b1']);
  });

  it('answers with what there is when max_wait_ms expires', async () => {
    open();
    const small = batchOf(1);
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 250, minBytes: 1 << 20 });
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.produce('orders', 0, small);
    expect(plane.registry.waitingFetches).toBe(1);
    expect(plane.timers.pendingTimeouts()).toEqual([250]);
    plane.timers.fireTimeouts();
    const data = await pending;
    expect(data.errorCode).toBe(ErrorCode.NONE);
    expect(recordsOf(data).length).toBe(small.length);
  });

  it('answers at once, without waiting, when a partition fails', async () => {
    open();
    const response = answered(
      await plane.call(fetchHandler, ApiKey.FETCH, 11, {
        replicaId: -1,
        maxWaitMs: 10_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, fetchOffset: 0, partitionMaxBytes: 1000 },
              { partition: 1, fetchOffset: 99, partitionMaxBytes: 1000 },
            ],
          },
        ],
      }),
    );
    expect(response.responses[0]!.partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.OFFSET_OUT_OF_RANGE,
    ]);
    expect(plane.timers.pendingTimeouts()).toEqual([]);
  });

  it('wakes when the topic is deleted and answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
    open();
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    plane.topics.delete('orders');
    plane.registry.deleteTopic('orders');
    expect((await pending).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('re-parks after a wake that brought no data (records deleted)', async () => {
    open();
    await plane.produce('orders', 0, batchOf(2));
    const pending = plane.fetch('orders', 0, 2, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    plane.registry.get('orders', 0)!.deleteRecordsBefore(2);
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.produce('orders', 0, batchOf(1, {}, 'after-'));
    expect(decodeAll(recordsOf(await pending)).map((r) => r.value)).toEqual(['after-0']);
  });

  it('releases waiting fetches when the broker closes', async () => {
    open();
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    plane.registry.releaseWaiters();
    const data = await pending;
    expect(data.errorCode).toBe(ErrorCode.NONE);
    expect(recordsOf(data).length).toBe(0);
    // Fetches arriving during the shutdown do not wait either.
    const late = await plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    expect(recordsOf(late).length).toBe(0);
    expect(plane.registry.activeWatches).toBe(0);
  });

  it('releases waiting fetches on close()', async () => {
    open();
    const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 10_000, minBytes: 1 });
    await eventually(() => plane.registry.waitingFetches === 1);
    await plane.registry.close();
    expect((await pending).errorCode).toBe(ErrorCode.NONE);
  });

  describe('with real timers', () => {
    it('wakes on an append well before max_wait_ms', async () => {
      open({ realTimers: true });
      const started = performance.now();
      const pending = plane.fetch('orders', 0, 0, { maxWaitMs: 30_000, minBytes: 1 });
      await eventually(() => plane.registry.waitingFetches === 1);
      await plane.produce('orders', 0, batchOf(1));
      expect(recordsOf(await pending).length).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(5_000);
    });

    it('times out after max_wait_ms', async () => {
      open({ realTimers: true });
      const started = performance.now();
      const data = await plane.fetch('orders', 0, 0, { maxWaitMs: 200, minBytes: 1 });
      const elapsed = performance.now() - started;
      expect(recordsOf(data).length).toBe(0);
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(5_000);
    });
  });
});
