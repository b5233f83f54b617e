import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { parsePartitionDirName } from '../../../core/broker/partition-registry.js';
import { parseLogConfig } from '../../../core/log/log-config.js';
import { FjordError, StorageError } from '../../../core/util/errors.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { encodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { DataPlane, T0, batchOf, eventually, recordsOf } from '../../helpers/data-plane.js';
import { decodeAll } from '../../helpers/log-records.js';

const HOUR_MS = 3_600_000;

describe('LocalPartitionRegistry', () => {
  let plane: DataPlane;

  afterEach(async () => {
    await plane.close();
  });

  it("keeps each partition in Kafka's <topic>-<partition> folder", () => {
    plane = new DataPlane();
    plane.createTopic('orders.v1', 3);
    for (let p = 0; p < 3; p++)
      expect(fs.statSync(path.join(plane.dir, `orders.v1-${p}`)).isDirectory()).toBe(true);
    expect(parsePartitionDirName('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12 });
    expect(parsePartitionDirName('topics.json')).toBeUndefined();
    expect(parsePartitionDirName('orders-x')).toBeUndefined();
  });

  it('returns the open partition on a second open, with the new config applied', () => {
    plane = new DataPlane();
    const first = plane.registry.open('orders', 0, parseLogConfig({}));
    const again = plane.registry.open('orders', 0, parseLogConfig({ 'retention.ms': '5' }));
    expect(again).toBe(first);
    expect(first.log.config.retentionMs).toBe(5);
    plane.registry.updateConfig('orders', parseLogConfig({ 'retention.ms': '7' }));
    expect(first.log.config.retentionMs).toBe(7);
  });

  it('refuses names that would leave the data folder', () => {
    plane = new DataPlane();
    for (const name of ['..', 'a/b', '', 'x\\y']) {
      expect(() => plane.registry.open(name, 0, parseLogConfig({}))).toThrow(FjordError);
    }
    expect(() => plane.registry.open('ok', -1, parseLogConfig({}))).toThrow(FjordError);
  });

  it('applies retention.ms when maintenance runs', async () => {
    plane = new DataPlane({ 'log.segment.bytes': '150', 'log.retention.hours': '1' });
    plane.createTopic('orders', 1);
    for (let i = 0; i < 4; i++) await plane.produce('orders', 0, batchOf(2));
    plane.clock.set(T0 + HOUR_MS - 1);
    expect((await plane.registry.runMaintenance()).segmentsDeleted).toBe(0);
    plane.clock.set(T0 + 2 * HOUR_MS);
    const report = await plane.registry.runMaintenance();
    expect(report.segmentsDeleted).toBe(4);
    const handle = plane.registry.get('orders', 0)!;
    expect(handle.log.logStartOffset).toBe(8);
    expect(handle.highWatermark).toBe(8);
    expect((await plane.fetch('orders', 0, 0)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await plane.produce('orders', 0, batchOf(1))).baseOffset).toBe(8);
  });

  it('applies retention.bytes when maintenance runs', async () => {
    plane = new DataPlane({ 'log.segment.bytes': '150' });
    plane.createTopic('orders', 1, { 'retention.bytes': '200', 'retention.ms': '-1' });
    for (let i = 0; i < 5; i++) await plane.produce('orders', 0, batchOf(2));
    const log = plane.registry.get('orders', 0)!.log;
    const segmentBytes = log.sizeBytes / log.segmentCount;
    // Whole segments go, oldest first, while the rest stays above the limit (as Kafka).
    const report = await plane.registry.runMaintenance();
    expect(report.segmentsDeleted).toBe(2);
    expect(log.logStartOffset).toBe(4);
    expect(log.sizeBytes).toBeGreaterThan(200);
    expect(log.sizeBytes - segmentBytes).toBeLessThanOrEqual(200);
  });

  it('compacts compacted topics when maintenance runs, dropping shadowed values', async () => {
    plane = new DataPlane({ 'log.segment.bytes': '150' });
    plane.createTopic('changelog', 1, { 'cleanup.policy': 'compact' });
    for (let i = 0; i < 6; i++) {
      const batch = encodeRecordBatch(
        [{ key: Buffer.from(`k${i % 2}`), value: Buffer.from(`v${i}`), timestamp: T0 + i }],
        { now: T0 },
      );
      await plane.produce('changelog', 0, batch);
    }
    plane.clock.set(T0 + 1000);
    const report = await plane.registry.runMaintenance();
    expect(report.partitionsCompacted).toBe(1);
    expect(report.recordsRemoved).toBe(2);
    const values = [];
    let offset = 0;
    for (;;) {
      const data = await plane.fetch('changelog', 0, offset);
      const records = decodeAll(recordsOf(data)).filter((r) => r.offset >= offset);
      if (records.length === 0) break;
      values.push(...records.map((r) => r.value));
      offset = records[records.length - 1]!.offset + 1;
    }
    // v0 and v1 are shadowed by v2 and v3; the active segment (v4, v5) is never cleaned.
    expect(values).toEqual(['v2', 'v3', 'v4', 'v5']);
  });

  it('joins a maintenance pass already running instead of starting another', () => {
    plane = new DataPlane();
    const first = plane.registry.runMaintenance();
    expect(plane.registry.runMaintenance()).toBe(first);
    return first;
  });

  it('runs maintenance and flushes on its timers, never overlapping a running pass', async () => {
    plane = new DataPlane({
      'log.retention.check.interval.ms': '1000',
      'log.flush.scheduler.interval.ms': '50',
      'log.flush.interval.ms': '0',
    });
    plane.createTopic('orders', 1);
    expect(plane.timers.runningIntervals()).toEqual([]);
    plane.registry.start();
    expect(plane.timers.runningIntervals().sort((a, b) => a - b)).toEqual([50, 1000]);

    await plane.produce('orders', 0, batchOf(3));
    const log = plane.registry.get('orders', 0)!.log;
    expect(log.recoveryPoint).toBe(0);
    plane.timers.tickInterval(50);
    await eventually(() => log.recoveryPoint === 3);

    const spy = vi.spyOn(plane.registry, 'runMaintenance');
    plane.timers.tickInterval(1000);
    plane.timers.tickInterval(1000);
    expect(spy).toHaveBeenCalledTimes(1);
    await spy.mock.results[0]!.value;
    plane.timers.tickInterval(1000);
    expect(spy).toHaveBeenCalledTimes(2);
    await spy.mock.results[1]!.value;

    await plane.registry.close();
    expect(plane.timers.runningIntervals()).toEqual([]);
  });

  it('writes producer snapshots during maintenance, only when something changed', async () => {
    plane = new DataPlane();
    plane.createTopic('orders', 1);
    await plane.produce(
      'orders',
      0,
      batchOf(2, { producerId: 5, producerEpoch: 0, baseSequence: 0 }),
    );
    expect((await plane.registry.runMaintenance()).snapshotsWritten).toBe(1);
    expect((await plane.registry.runMaintenance()).snapshotsWritten).toBe(0);
    // A crash now rescans nothing: the snapshot covers the whole log.
    plane.crash();
    const duplicate = batchOf(2, { producerId: 5, producerEpoch: 0, baseSequence: 0 });
    expect((await plane.produce('orders', 0, duplicate)).baseOffset).toBe(0);
  });

  it('forgets producers idle for longer than the expiration', async () => {
    plane = new DataPlane({}, { producerIdExpirationMs: 60_000 });
    plane.createTopic('orders', 1);
    await plane.produce(
      'orders',
      0,
      batchOf(2, { producerId: 5, producerEpoch: 0, baseSequence: 0 }),
    );
    const gap = batchOf(1, { producerId: 5, producerEpoch: 0, baseSequence: 10 });
    expect((await plane.produce('orders', 0, Buffer.from(gap))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    plane.clock.set(T0 + 59_000);
    expect((await plane.registry.runMaintenance()).producersExpired).toBe(0);
    plane.clock.set(T0 + 61_000);
    expect((await plane.registry.runMaintenance()).producersExpired).toBe(1);
    expect((await plane.produce('orders', 0, gap)).errorCode).toBe(ErrorCode.NONE);
  });

  it('deletes every folder of a topic, opened or not, and nothing else', async () => {
    plane = new DataPlane();
    plane.createTopic('orders', 2);
    plane.createTopic('orders-x', 1);
    await plane.produce('orders', 0, batchOf(2));
    fs.mkdirSync(path.join(plane.dir, 'orders-7'));
    fs.writeFileSync(path.join(plane.dir, 'orders-9'), 'a file, not a partition');
    plane.registry.deleteTopic('orders');
    expect(plane.registry.get('orders', 0)).toBeUndefined();
    expect(fs.readdirSync(plane.dir).sort()).toEqual(
      expect.arrayContaining(['orders-9', 'orders-x-0']),
    );
    for (const gone of ['orders-0', 'orders-1', 'orders-7'])
      expect(fs.existsSync(path.join(plane.dir, gone))).toBe(false);
    // The same name again starts from an empty log.
    plane.registry.open('orders', 0, parseLogConfig({}));
    expect(plane.registry.get('orders', 0)!.log.logEndOffset).toBe(0);
  });

  it('describes every open partition', async () => {
    plane = new DataPlane();
    plane.createTopic('orders', 2);
    await plane.produce('orders', 1, batchOf(4));
    expect(plane.registry.describe()).toEqual([
      expect.objectContaining({ topic: 'orders', partition: 0, logEndOffset: 0, highWatermark: 0 }),
      expect.objectContaining({ topic: 'orders', partition: 1, logEndOffset: 4, highWatermark: 4 }),
    ]);
  });

  it('closes every log cleanly and opens nothing afterwards', async () => {
    plane = new DataPlane();
    plane.createTopic('orders', 1);
    await plane.produce('orders', 0, batchOf(2));
    plane.registry.start();
    await plane.registry.close();
    await plane.registry.close();
    expect(plane.registry.describe()).toEqual([]);
    expect(() => plane.registry.open('orders', 0, parseLogConfig({}))).toThrow(StorageError);
    const state = JSON.parse(
      fs.readFileSync(path.join(plane.dir, 'orders-0', 'log-state.json'), 'utf8'),
    ) as { cleanShutdown: boolean };
    expect(state.cleanShutdown).toBe(true);
    await plane.restart();
    expect((await plane.fetch('orders', 0, 0)).highWatermark).toBe(2);
  });
});
