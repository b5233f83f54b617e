import { describe, expect, it } from 'vitest';

import type { ConsumerRecord, Logger } from '../../../../core/index.js';
import {
  StateRestorer,
  type ChangelogRange,
  type ChangelogReader,
} from '../../../../streams/runtime/state-restorer.js';
import type { Task } from '../../../../streams/runtime/task.js';
import type { BuiltStore, ChangelogRecord } from '../../../../streams/state/index.js';

function record(offset: number): ConsumerRecord {
  return {
    topic: 'app-s-changelog',
    partition: 0,
    offset,
    timestamp: 0,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from('v'),
    headers: [],
  };
}

/** A changelog of `end` records, handed out in batches of 10 from the asked offset. */
function reader(end: number, asked: ChangelogRange[]): ChangelogReader {
  return {
    endOffsets: () => Promise.resolve(new Map([[0, end]])),
    read: (ranges, onRecords) => {
      asked.push(...ranges);
      for (const r of ranges)
        for (let o = r.from; o < r.to; o += 10)
          onRecords(
            r.topic,
            r.partition,
            Array.from({ length: Math.min(10, r.to - o) }, (_, i) => record(o + i)),
          );
      return Promise.resolve();
    },
  };
}

function logger(lines: string[]): Logger {
  const l: Logger = {
    debug: () => undefined,
    info: (_o, msg) => lines.push(msg),
    warn: () => undefined,
    error: () => undefined,
    child: () => l,
  };
  return l;
}

function task(checkpoint: number | undefined, restored: ChangelogRecord[], marks: number[]): Task {
  const built = {
    store: {},
    restore: (records: readonly ChangelogRecord[]) => restored.push(...records),
    checkpointOffset: () => checkpoint,
    checkpoint: (offset: number) => marks.push(offset),
    wipe: () => undefined,
  } as unknown as BuiltStore;
  return {
    id: { subtopology: 0, partition: 0 },
    stateStores: [{ name: 's', kind: 'key-value', changelogTopic: 'app-s-changelog', built }],
  } as unknown as Task;
}

describe('StateRestorer', () => {
  it('restores from the checkpoint to the end, logs progress of a long restore, marks the end', async () => {
    const asked: ChangelogRange[] = [];
    const restored: ChangelogRecord[] = [];
    const marks: number[] = [];
    const lines: string[] = [];
    let now = 0;
    const restorer = new StateRestorer(reader(100, asked), logger(lines), () => (now += 2_000));
    await restorer.restore([task(60, restored, marks)]);
    expect(asked).toEqual([{ topic: 'app-s-changelog', partition: 0, from: 60, to: 100 }]);
    expect(restored).toHaveLength(40);
    expect(marks).toEqual([100]);
    expect(restorer.stats).toEqual({ restores: 1, records: 40 });
    expect(lines[0]).toBe('restoring state stores');
    expect(lines).toContain('restoring state stores: progress');
    expect(lines.at(-1)).toBe('state stores restored');
  });

  it('reads nothing when the checkpoint is the changelog end', async () => {
    const asked: ChangelogRange[] = [];
    const restorer = new StateRestorer(reader(100, asked), logger([]), () => 0);
    await restorer.restore([task(100, [], [])]);
    expect(asked).toEqual([]);
    expect(restorer.stats.records).toBe(0);
  });
});
