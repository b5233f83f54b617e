import * as fs from 'node:fs';
import * as path from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseLogConfig } from '../../../core/log/log-config.js';
import { PartitionLog } from '../../../core/log/partition-log.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { ManualClock } from '../../../core/util/clock.js';
import { batchOf, decodeAll, readAll } from '../../helpers/log-records.js';
import type { SimpleRecord } from '../../helpers/log-records.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

type Op =
  | {
      kind: 'append';
      records: { key: string | null; value: string | null }[];
      codec: CompressionType;
    }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'roll' }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteRecords'; at: number }
  | { kind: 'retention'; bytes: number }
  | { kind: 'compact' }
  | { kind: 'reopen' }
  | { kind: 'crash' };

const codecs = [
  CompressionType.NONE,
  CompressionType.GZIP,
  CompressionType.SNAPPY,
  CompressionType.LZ4,
  CompressionType.ZSTD,
];

function opArb(compacted: boolean): fc.Arbitrary<Op> {
  const key = compacted
    ? fc.constantFrom('a', 'b', 'c', 'd')
    : fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null });
  const value = fc.option(fc.string({ maxLength: 30 }), { nil: null, freq: 6 });
  const frac = fc.double({ min: 0, max: 1, noNaN: true });
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        records: fc.array(fc.record({ key, value }), { minLength: 1, maxLength: 6 }),
        codec: fc.constantFrom(...codecs),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('read' as const),
        at: frac,
        maxBytes: fc.integer({ min: 1, max: 2000 }),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: 'roll' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: frac }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRecords' as const), at: frac }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('retention' as const),
        bytes: fc.integer({ min: 0, max: 3000 }),
      }),
    },
    { weight: compacted ? 3 : 0, arbitrary: fc.constant({ kind: 'compact' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  );
}

/** The model: the records the log must hold, in offset order, and its offset bounds. */
interface Model {
  records: SimpleRecord[];
  batches: { base: number; last: number }[];
  start: number;
  end: number;
}

describe('PartitionLog against an in-memory model', () => {
  let root: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir: root, cleanup } = makeTempDir()));
  afterAll(() => {
    cleanup();
  });

  for (const policy of ['delete', 'compact'] as const) {
    it(`keeps offsets dense and reads exact under random operations (cleanup.policy=${policy})`, async () => {
      let run = 0;
      const property = fc.asyncProperty(
        fc.constantFrom(150, 400, 1500),
        fc.array(opArb(policy === 'compact'), { minLength: 5, maxLength: 40 }),
        async (segmentBytes, ops) => {
          const clock = new ManualClock(1_700_000_000_000);
          let dir = path.join(root, `${policy}-${run++}`);
          const props = {
            'segment.bytes': String(segmentBytes),
            'cleanup.policy': policy,
            'retention.ms': '-1',
          };
          const config = parseLogConfig(props);
          let log = PartitionLog.open(dir, { config, clock });
          const model: Model = { records: [], batches: [], start: 0, end: 0 };
          try {
            for (const op of ops) {
              await apply(op);
              expect(log.logStartOffset).toBe(model.start);
              expect(log.logEndOffset).toBe(model.end);
              expect(await readAll(log, 700)).toEqual(
                model.records.filter((r) => r.offset >= model.start),
              );
            }
          } finally {
            log.close();
          }

          async function apply(op: Op): Promise<void> {
            switch (op.kind) {
              case 'append': {
                const timestamp = clock.now();
                const result = log.append(
                  batchOf(
                    op.records.map((r) => ({ ...r, timestamp })),
                    op.codec,
                  ),
                );
                expect(result.baseOffset).toBe(model.end);
                op.records.forEach((r, i) =>
                  model.records.push({
                    offset: model.end + i,
                    key: r.key,
                    value: r.value,
                    timestamp,
                  }),
                );
                model.batches.push({ base: model.end, last: result.lastOffset });
                model.end = result.lastOffset + 1;
                clock.advance(10);
                return;
              }
              case 'read': {
                const offset = model.start + Math.floor(op.at * (model.end - model.start));
                const { records } = await log.read(offset, op.maxBytes);
                const got = decodeAll(records).filter((r) => r.offset >= offset);
                const expected = model.records.filter((r) => r.offset >= offset);
                if (offset < model.end) expect(got.length).toBeGreaterThan(0);
                expect(got).toEqual(expected.slice(0, got.length));
                return;
              }
              case 'roll':
                log.roll();
                return;
              case 'truncate': {
                const offset = model.start + Math.floor(op.at * (model.end - model.start + 1));
                log.truncateTo(offset);
                if (offset >= model.end) return;
                if (offset <= model.start) {
                  model.records = [];
                  model.batches = [];
                  model.start = model.end = offset;
                  return;
                }
                model.batches = model.batches.filter((b) => b.last < offset);
                const floor = model.batches.at(-1)?.last ?? model.start - 1;
                expect(log.logEndOffset).toBeLessThanOrEqual(offset);
                expect(log.logEndOffset).toBeGreaterThanOrEqual(floor + 1);
                model.end = log.logEndOffset;
                model.records = model.records.filter((r) => r.offset < model.end);
                return;
              }
              case 'deleteRecords': {
                const offset = model.start + Math.floor(op.at * (model.end - model.start));
                expect(log.deleteRecordsBefore(offset)).toBe(Math.max(offset, model.start));
                model.start = Math.max(offset, model.start);
                return;
              }
              case 'retention': {
                log.updateConfig(
                  parseLogConfig({
                    ...props,
                    'cleanup.policy': 'compact,delete',
                    'retention.bytes': String(op.bytes),
                  }),
                );
                log.applyRetention();
                log.updateConfig(config);
                expect(log.logStartOffset).toBeGreaterThanOrEqual(model.start);
                model.start = log.logStartOffset;
                return;
              }
              case 'compact': {
                await log.compact();
                const after = await readAll(log, 700);
                const before = new Map(
                  model.records.filter((r) => r.offset >= model.start).map((r) => [r.offset, r]),
                );
                const latest = new Map<string, number>();
                for (const r of before.values()) if (r.key !== null) latest.set(r.key, r.offset);
                for (const r of after) expect(before.get(r.offset)).toEqual(r);
                const kept = new Set(after.map((r) => r.offset));
                for (const offset of latest.values()) expect(kept.has(offset)).toBe(true);
                model.records = after;
                return;
              }
              case 'reopen':
                log.close();
                log = PartitionLog.open(dir, { config, clock });
                return;
              case 'crash': {
                const snapshot = `${dir}-crash`;
                fs.cpSync(dir, snapshot, { recursive: true });
                log.close();
                dir = snapshot;
                log = PartitionLog.open(dir, { config, clock });
                return;
              }
            }
          }
        },
      );
      await fc.assert(property, { numRuns: 60, seed: fcSeed(`partition-log ${policy}`) });
    });
  }
});
