import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseLogConfig } from '../../../core/log/log-config.js';
import { PartitionLog } from '../../../core/log/partition-log.js';
import {
  batchBaseOffset,
  CRC_OFFSET,
  MAGIC_OFFSET,
} from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { ManualClock } from '../../../core/util/clock.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { FjordError } from '../../../core/util/errors.js';
import { batchOf, decodeAll, readAll } from '../../helpers/log-records.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const T0 = 1_700_000_000_000;

function values(n: number, prefix = 'v'): { key: string; value: string; timestamp: number }[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `k${i}`,
    value: `${prefix}${i}`,
    timestamp: T0 + i,
  }));
}

function expectCode(fn: () => unknown, code: number): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FjordError);
    expect((err as FjordError).code).toBe(code);
    return;
  }
  expect.fail(`expected an error with code ${code}`);
}

describe('PartitionLog', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: ManualClock;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    clock = new ManualClock(T0 + 1000);
  });
  afterEach(() => {
    cleanup();
  });

  function open(props: Record<string, string> = {}): PartitionLog {
    return PartitionLog.open(path.join(dir, 'topic-0'), { config: parseLogConfig(props), clock });
  }

  it('assigns dense offsets and serves the stored batch bytes unchanged', async () => {
    const log = open();
    const first = batchOf(values(3));
    const second = batchOf(values(2, 'w'));
    expect(log.append(first)).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1 });
    expect(log.append(second)).toMatchObject({ baseOffset: 3, lastOffset: 4 });
    expect(log.logEndOffset).toBe(5);
    const { records, nextOffset } = await log.read(0, 1 << 20);
    expect(nextOffset).toBe(5);
    expect(Buffer.compare(records, Buffer.concat([first, second]))).toBe(0);
    expect(batchBaseOffset(records, first.length)).toBe(3);
    log.close();
  });

  it('starts a read at the batch holding the offset and honours maxBytes with at least one batch', async () => {
    const log = open();
    for (let i = 0; i < 4; i++) log.append(batchOf(values(5, `b${i}-`)));
    const mid = await log.read(7, 1);
    const decoded = decodeAll(mid.records);
    expect(decoded.map((r) => r.offset)).toEqual([5, 6, 7, 8, 9]);
    expect(mid.nextOffset).toBe(10);
    const none = await log.read(7, 1, { minOneBatch: false });
    expect(none.records.length).toBe(0);
    const capped = await log.read(0, 1 << 20, { maxOffset: 10 });
    expect(decodeAll(capped.records).map((r) => r.offset)).toEqual([...Array(10).keys()]);
    expect((await log.read(20, 100)).records.length).toBe(0);
    await expect(log.read(21, 100)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    log.close();
  });

  it('rolls segments on segment.bytes into 20-digit files and reads across them', async () => {
    const log = open({ 'segment.bytes': '300' });
    for (let i = 0; i < 10; i++) log.append(batchOf(values(2, `s${i}-`)));
    expect(log.segmentCount).toBeGreaterThan(3);
    const files = fs.readdirSync(log.dir).filter((f) => f.endsWith('.log'));
    expect(files).toContain('00000000000000000000.log');
    expect(files.every((f) => /^\d{20}\.log$/.test(f))).toBe(true);
    expect((await readAll(log, 100)).map((r) => r.offset)).toEqual([...Array(20).keys()]);
    log.close();
  });

  it('rolls on segment.ms measured from the first batch timestamp', () => {
    const log = open({ 'segment.ms': '1000' });
    log.append(batchOf([{ key: 'a', value: '1', timestamp: clock.now() }]));
    clock.advance(500);
    log.append(batchOf([{ key: 'a', value: '2', timestamp: clock.now() }]));
    expect(log.segmentCount).toBe(1);
    clock.advance(600);
    log.append(batchOf([{ key: 'a', value: '3', timestamp: clock.now() }]));
    expect(log.segmentCount).toBe(2);
    log.close();
  });

  it('stamps LogAppendTime into the header with a valid CRC', async () => {
    const log = open({ 'message.timestamp.type': 'LogAppendTime' });
    const result = log.append(batchOf(values(2)));
    expect(result.logAppendTimeMs).toBe(clock.now());
    const read = decodeAll((await log.read(0, 1 << 20)).records);
    expect(read.map((r) => r.timestamp)).toEqual([clock.now(), clock.now()]);
    log.close();
  });

  it('finds offsets by timestamp at record precision, inside compressed batches too', () => {
    const log = open({ 'segment.bytes': '200' });
    for (let b = 0; b < 6; b++) {
      const recs = Array.from({ length: 3 }, (_, i) => ({
        key: 'k',
        value: `${b}.${i}`,
        timestamp: T0 + b * 10 + i,
      }));
      log.append(batchOf(recs, CompressionType.GZIP));
    }
    expect(log.offsetForTimestamp(T0)).toEqual({ offset: 0, timestamp: T0 });
    expect(log.offsetForTimestamp(T0 + 21)).toEqual({ offset: 7, timestamp: T0 + 21 });
    expect(log.offsetForTimestamp(T0 + 23)).toEqual({ offset: 9, timestamp: T0 + 30 });
    expect(log.offsetForTimestamp(T0 + 1000)).toBeUndefined();
    log.close();
  });

  it('refuses bad batches with the Kafka error code and leaves the log unchanged', async () => {
    const log = open({ 'max.message.bytes': '2000' });
    log.append(batchOf(values(2)));
    const before = (await log.read(0, 1 << 20)).records;

    const badCrc = batchOf(values(2));
    badCrc.writeUInt32BE((badCrc.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET);
    expectCode(() => log.append(badCrc), ErrorCode.CORRUPT_MESSAGE);

    const badMagic = batchOf(values(2));
    badMagic.writeInt8(1, MAGIC_OFFSET);
    expectCode(() => log.append(badMagic), ErrorCode.INVALID_RECORD);

    const badLength = batchOf(values(2));
    badLength.writeInt32BE(badLength.length, 8);
    expectCode(() => log.append(badLength), ErrorCode.CORRUPT_MESSAGE);

    expectCode(
      () => log.append(batchOf([{ key: 'big', value: 'x'.repeat(3000) }])),
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    expectCode(
      () => log.append(Buffer.concat([batchOf(values(1)), batchOf(values(1))])),
      ErrorCode.INVALID_RECORD,
    );

    expect(log.logEndOffset).toBe(2);
    expect(Buffer.compare((await log.read(0, 1 << 20)).records, before)).toBe(0);
    log.close();
  });

  it('requires keys on compacted topics', () => {
    const log = open({ 'cleanup.policy': 'compact' });
    expectCode(() => log.append(batchOf([{ key: null, value: 'x' }])), ErrorCode.INVALID_RECORD);
    expect(log.logEndOffset).toBe(0);
    log.close();
  });

  it('truncates whole batches and continues appending from the new end', async () => {
    const log = open({ 'segment.bytes': '300' });
    for (let i = 0; i < 10; i++) log.append(batchOf(values(2, `t${i}-`)));
    log.truncateTo(7);
    expect(log.logEndOffset).toBe(6);
    expect(log.append(batchOf(values(1, 'new'))).baseOffset).toBe(6);
    const all = await readAll(log);
    expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(all[6]?.value).toBe('new0');
    log.close();
  });

  it('moves the log start with deleteRecordsBefore and deletes whole segments below it', async () => {
    const log = open({ 'segment.bytes': '300' });
    for (let i = 0; i < 10; i++) log.append(batchOf(values(2, `d${i}-`)));
    const segmentsBefore = log.segmentCount;
    expect(log.deleteRecordsBefore(9)).toBe(9);
    expect(log.segmentCount).toBeLessThan(segmentsBefore);
    await expect(log.read(8, 100)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect((await readAll(log)).map((r) => r.offset)).toEqual(
      [...Array(11).keys()].map((i) => i + 9),
    );
    log.close();
    const reopened = open();
    expect(reopened.logStartOffset).toBe(9);
    reopened.close();
  });

  it('deletes whole segments past retention.ms and retention.bytes, oldest first', () => {
    const log = open({ 'segment.bytes': '300', 'retention.ms': '10000' });
    for (let i = 0; i < 6; i++)
      log.append(
        batchOf([
          { key: 'k', value: `old${i}`, timestamp: T0 },
          { key: 'k', value: 'x', timestamp: T0 },
        ]),
      );
    for (let i = 0; i < 6; i++)
      log.append(
        batchOf([
          { key: 'k', value: `new${i}`, timestamp: T0 + 50_000 },
          { key: 'k', value: 'y', timestamp: T0 + 50_000 },
        ]),
      );
    clock.set(T0 + 20_000);
    expect(log.applyRetention()).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.logStartOffset).toBeLessThanOrEqual(12);
    log.updateConfig(
      parseLogConfig({ 'segment.bytes': '300', 'retention.ms': '-1', 'retention.bytes': '300' }),
    );
    log.applyRetention();
    expect(log.sizeBytes).toBeLessThanOrEqual(300 + log.segments.at(-1)!.size);
    expect(log.logEndOffset).toBe(24);
    log.close();
  });

  it('rebuilds missing or garbage indexes of cleanly closed segments', async () => {
    const log = open({ 'segment.bytes': '400', 'index.interval.bytes': '50' });
    for (let i = 0; i < 20; i++) log.append(batchOf(values(3, `g${i}-`)));
    const before = await readAll(log);
    log.close();
    const indexes = fs.readdirSync(log.dir).filter((f) => f.endsWith('.index'));
    expect(indexes.length).toBeGreaterThan(2);
    fs.writeFileSync(path.join(log.dir, indexes[1]!), Buffer.from('garbage!garbage!'));
    fs.rmSync(path.join(log.dir, indexes[2]!.replace('.index', '.timeindex')));
    fs.rmSync(path.join(log.dir, indexes[0]!));
    const reopened = open({ 'segment.bytes': '400', 'index.interval.bytes': '50' });
    expect(await readAll(reopened, 150)).toEqual(before);
    expect(reopened.offsetForTimestamp(T0 + 2)).toEqual({ offset: 2, timestamp: T0 + 2 });
    reopened.close();
  });

  it('restores every record after close and reopen', async () => {
    const log = open({ 'segment.bytes': '400' });
    for (let i = 0; i < 20; i++) log.append(batchOf(values(3, `r${i}-`), CompressionType.SNAPPY));
    const before = await readAll(log);
    log.close();
    const reopened = open({ 'segment.bytes': '400' });
    expect(reopened.logEndOffset).toBe(60);
    expect(await readAll(reopened)).toEqual(before);
    expect(reopened.append(batchOf(values(1))).baseOffset).toBe(60);
    reopened.close();
  });
});
