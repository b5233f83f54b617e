import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseLogConfig } from '../../../core/log/log-config.js';
import { PartitionLog } from '../../../core/log/partition-log.js';
import {
  PARTITION_LEADER_EPOCH_OFFSET,
  MAGIC_OFFSET,
} from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { batchOf, readAll } from '../../helpers/log-records.js';
import type { SimpleRecord } from '../../helpers/log-records.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/**
 * A crash is simulated by copying a live log's folder without closing it (no clean-shutdown
 * marker, recovery point at 0) and then damaging the copy.
 */
describe('crash recovery', () => {
  let root: string;
  let cleanup: () => void;
  let source: string;
  let lastBatchStart: number;
  let lastBatchSize: number;
  let segmentFile: string;
  let intact: SimpleRecord[];
  let lastBase: number;
  const config = parseLogConfig({ 'segment.bytes': '1000' });

  beforeAll(async () => {
    ({ dir: root, cleanup } = makeTempDir());
    source = path.join(root, 'source');
    const log = PartitionLog.open(source, { config });
    for (let i = 0; i < 20; i++) {
      const codec = [CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4][i % 3];
      log.append(
        batchOf(
          [
            { key: `k${i}`, value: `value-${i}-a` },
            { key: `k${i}`, value: `value-${i}-b` },
          ],
          codec,
        ),
      );
    }
    expect(log.segmentCount).toBeGreaterThan(1);
    const last = log.append(
      batchOf([
        { key: 'last', value: 'the-last-batch' },
        { key: 'last', value: 'x' },
      ]),
    );
    lastBase = last.baseOffset;
    segmentFile = path.basename(log.segments.at(-1)!.logPath);
    intact = (await readAll(log)).filter((r) => r.offset < lastBase);
    // Snapshot the folder while the log is open: what a crash leaves behind.
    fs.cpSync(source, path.join(root, 'snapshot'), { recursive: true });
    log.close();
    const snapshotFile = path.join(root, 'snapshot', segmentFile);
    lastBatchStart = findLastBatchStart(snapshotFile);
    lastBatchSize = fs.statSync(snapshotFile).size - lastBatchStart;
  });
  afterAll(() => {
    cleanup();
  });

  function findLastBatchStart(file: string): number {
    const bytes = fs.readFileSync(file);
    let pos = 0;
    let lastStart = 0;
    while (pos < bytes.length) {
      lastStart = pos;
      pos += 12 + bytes.readInt32BE(pos + 8);
    }
    return lastStart;
  }

  async function reopenDamaged(damage: (file: string) => void): Promise<void> {
    const copy = path.join(root, `case-${Math.random().toString(36).slice(2)}`);
    fs.cpSync(path.join(root, 'snapshot'), copy, { recursive: true });
    damage(path.join(copy, segmentFile));
    const log = PartitionLog.open(copy, { config });
    try {
      expect(log.logEndOffset).toBe(lastBase);
      expect(await readAll(log)).toEqual(intact);
      const next = log.append(batchOf([{ key: 'after', value: 'crash' }]));
      expect(next.baseOffset).toBe(lastBase);
      expect((await readAll(log)).at(-1)).toMatchObject({ offset: lastBase, value: 'crash' });
    } finally {
      log.close();
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }

  it('recovers an undamaged snapshot with every record', async () => {
    const copy = path.join(root, 'whole');
    fs.cpSync(path.join(root, 'snapshot'), copy, { recursive: true });
    const log = PartitionLog.open(copy, { config });
    expect(log.logEndOffset).toBe(lastBase + 2);
    expect((await readAll(log)).slice(0, intact.length)).toEqual(intact);
    log.close();
  });

  it('drops a last batch torn at any byte boundary and keeps every earlier batch', async () => {
    expect(lastBatchSize).toBeGreaterThan(61);
    for (let cut = lastBatchStart; cut < lastBatchStart + lastBatchSize; cut++) {
      await reopenDamaged((file) => {
        fs.truncateSync(file, cut);
      });
    }
  });

  it('drops a last batch with any flipped byte the format protects', async () => {
    // baseOffset (0..8) and partitionLeaderEpoch (12..16) sit outside the CRC by design: the
    // broker stamps them without recomputing it. Every other byte is covered by the length,
    // magic or CRC-32C checks.
    for (let i = 8; i < lastBatchSize; i++) {
      if (i >= PARTITION_LEADER_EPOCH_OFFSET && i < MAGIC_OFFSET) continue;
      await reopenDamaged((file) => {
        const fd = fs.openSync(file, 'r+');
        const byte = Buffer.alloc(1);
        fs.readSync(fd, byte, 0, 1, lastBatchStart + i);
        byte[0] = byte[0]! ^ 0x5a;
        fs.writeSync(fd, byte, 0, 1, lastBatchStart + i);
        fs.closeSync(fd);
      });
    }
  });

  it('rebuilds missing or garbage indexes after a crash', async () => {
    await reopenDamaged((file) => {
      fs.truncateSync(file, lastBatchStart);
      fs.writeFileSync(file.replace(/\.log$/, '.index'), Buffer.from('garbage!garbage!'));
      fs.rmSync(file.replace(/\.log$/, '.timeindex'), { force: true });
    });
  });
});
