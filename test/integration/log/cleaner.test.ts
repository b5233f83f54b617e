import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseLogConfig } from '../../../core/log/log-config.js';
import { PartitionLog } from '../../../core/log/partition-log.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { ManualClock } from '../../../core/util/clock.js';
import { batchOf, readAll } from '../../helpers/log-records.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

describe('log compaction', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: ManualClock;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    clock = new ManualClock(T0);
  });
  afterEach(() => {
    cleanup();
  });

  function open(props: Record<string, string> = {}): PartitionLog {
    const config = parseLogConfig({
      'cleanup.policy': 'compact',
      'segment.bytes': '600',
      ...props,
    });
    return PartitionLog.open(path.join(dir, 'changelog-0'), { config, clock });
  }

  function put(
    log: PartitionLog,
    key: string,
    value: string | null,
    codec?: CompressionType,
  ): number {
    return log.append(batchOf([{ key, value, timestamp: clock.now() }], codec)).baseOffset;
  }

  it('keeps the newest record per key, preserving offsets and order', async () => {
    const log = open();
    const latest = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const key = `key-${i % 5}`;
      latest.set(
        key,
        put(log, key, `value-${i}`, i % 2 === 0 ? CompressionType.GZIP : CompressionType.NONE),
      );
      clock.advance(1);
    }
    const end = log.logEndOffset;
    const activeRecords = (await readAll(log)).filter(
      (r) => r.offset >= log.segments.at(-1)!.baseOffset,
    );
    const result = await log.compact();
    expect(result.recordsRemoved).toBeGreaterThan(0);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    const after = await readAll(log);
    const offsets = after.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const offset of latest.values()) expect(offsets).toContain(offset);
    // The active segment is never compacted.
    expect(after.filter((r) => r.offset >= log.segments.at(-1)!.baseOffset)).toEqual(activeRecords);
    // Only the newest value of each key survives in the cleaned part.
    const cleaned = after.filter((r) => r.offset < log.segments.at(-1)!.baseOffset);
    expect(new Set(cleaned.map((r) => r.key)).size).toBe(cleaned.length);
    expect(log.logEndOffset).toBe(end);
    expect(log.logStartOffset).toBe(0);
    expect(put(log, 'key-0', 'after-compaction')).toBe(end);
    log.close();
  });

  it('removes tombstones only after delete.retention.ms', async () => {
    const log = open({ 'delete.retention.ms': String(HOUR) });
    put(log, 'gone', 'v1');
    put(log, 'kept', 'v1');
    const tombstone = put(log, 'gone', null);
    for (let i = 0; i < 20; i++) put(log, `filler-${i}`, 'x'.repeat(40));
    await log.compact();
    let records = await readAll(log);
    expect(records.find((r) => r.offset === tombstone)).toMatchObject({ key: 'gone', value: null });
    expect(records.filter((r) => r.key === 'gone')).toHaveLength(1);

    clock.advance(HOUR + 1);
    await log.compact();
    records = await readAll(log);
    expect(records.some((r) => r.key === 'gone')).toBe(false);
    expect(records.find((r) => r.key === 'kept')).toMatchObject({ offset: 1, value: 'v1' });
    log.close();
  });

  it('lets appends continue while a pass runs and keeps everything appended meanwhile', async () => {
    const log = open();
    for (let i = 0; i < 200; i++) put(log, `k${i % 7}`, `v${i}`);
    const pass = log.compact();
    const appended: number[] = [];
    for (let i = 0; i < 50; i++) appended.push(put(log, `new-${i}`, `n${i}`));
    await pass;
    const offsets = new Set((await readAll(log)).map((r) => r.offset));
    for (const offset of appended) expect(offsets.has(offset)).toBe(true);
    log.close();
  });

  it('survives a reopen, and finishes a swap a crash interrupted', async () => {
    const log = open();
    for (let i = 0; i < 80; i++) put(log, `k${i % 4}`, `v${i}`);
    await log.compact();
    const compacted = await readAll(log);
    log.close();

    const reopened = open();
    expect(await readAll(reopened)).toEqual(compacted);
    reopened.close();

    // A crash after the cleaned file became a swap file but before the old segments went: on open
    // the swap replaces the segments it covers.
    const logDir = path.join(dir, 'changelog-0');
    const first = fs.readdirSync(logDir).find((f) => f.endsWith('.log'))!;
    const segmentEnd = reopened.segments[1]!.baseOffset;
    fs.copyFileSync(path.join(logDir, first), path.join(logDir, `${first}.swap-${segmentEnd}`));
    fs.writeFileSync(path.join(logDir, first), Buffer.from('stale bytes that the swap replaces'));
    const recovered = open();
    expect(await readAll(recovered)).toEqual(compacted);
    recovered.close();
  });

  it('respects min.compaction.lag.ms', async () => {
    const log = open({ 'min.compaction.lag.ms': String(HOUR) });
    for (let i = 0; i < 40; i++) put(log, 'same', `v${i}`);
    expect((await log.compact()).recordsRemoved).toBe(0);
    clock.advance(HOUR + 1);
    expect((await log.compact()).recordsRemoved).toBeGreaterThan(0);
    log.close();
  });

  it('does nothing for cleanup.policy=delete', async () => {
    const log = open({ 'cleanup.policy': 'delete' });
    for (let i = 0; i < 40; i++) put(log, 'same', `v${i}`);
    expect((await log.compact()).recordsRemoved).toBe(0);
    expect(await readAll(log)).toHaveLength(40);
    log.close();
  });
});
