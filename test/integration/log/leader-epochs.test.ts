import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  LEADER_EPOCH_CHECKPOINT,
  LeaderEpochCache,
  truncationOffset,
} from '../../../core/log/leader-epoch-cache.js';
import { PartitionLog } from '../../../core/log/partition-log.js';
import { iterateBatches } from '../../../core/protocol/records/record-batch.js';
import { batchOf } from '../../helpers/log-records.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function openLog(name: string): { log: PartitionLog; dir: string } {
  const { dir, cleanup } = makeTempDir(`fjord-epochs-${name}-`);
  cleanups.push(cleanup);
  return { log: PartitionLog.open(dir), dir };
}

function write(log: PartitionLog, epoch: number, ...values: string[]): void {
  for (const value of values) log.append(batchOf([{ key: null, value }]), { leaderEpoch: epoch });
}

async function storedBytes(log: PartitionLog, from = 0): Promise<Buffer> {
  if (log.logEndOffset <= from) return Buffer.alloc(0);
  return (await log.read(from, 1 << 24)).records;
}

/** What a follower's fetch does: copies the leader's stored batches from its own log end. */
async function replicate(leader: PartitionLog, follower: PartitionLog): Promise<void> {
  const bytes = await storedBytes(leader, follower.logEndOffset);
  for (const { pos, size } of iterateBatches(bytes)) {
    // No leaderEpoch option: the batch keeps the epoch the leader stamped.
    follower.append(Buffer.from(bytes.subarray(pos, pos + size)));
  }
}

/** KIP-279: ask the leader for the follower's latest epoch, truncate, repeat until stable. */
function reconcile(leader: PartitionLog, follower: PartitionLog): number {
  let rounds = 0;
  for (;;) {
    rounds++;
    const answer = leader.endOffsetForEpoch(follower.latestEpoch);
    const to = truncationOffset(follower.epochs, follower.logEndOffset, answer);
    if (to >= follower.logEndOffset) return rounds;
    follower.truncateTo(to);
  }
}

describe('leader epochs in the partition log', () => {
  it('records where each epoch starts and persists it across a reopen', () => {
    const { log, dir } = openLog('persist');
    write(log, 0, 'a', 'b');
    write(log, 3, 'c');
    write(log, 5, 'd', 'e');
    expect(log.epochs.list()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 2 },
      { epoch: 5, startOffset: 3 },
    ]);
    log.close();
    expect(fs.readFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), 'utf8')).toBe(
      '0\n3\n0 0\n3 2\n5 3\n',
    );
    const reopened = PartitionLog.open(dir);
    expect(reopened.latestEpoch).toBe(5);
    expect(reopened.endOffsetForEpoch(3)).toEqual({ leaderEpoch: 3, endOffset: 3 });
    reopened.close();
  });

  it('rebuilds a missing checkpoint from batch headers and drops entries past a lost tail', () => {
    const { log, dir } = openLog('rebuild');
    write(log, 1, 'a', 'b');
    write(log, 2, 'c');
    log.close();
    fs.rmSync(path.join(dir, LEADER_EPOCH_CHECKPOINT));
    const rebuilt = PartitionLog.open(dir);
    expect(rebuilt.epochs.list()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 2 },
    ]);
    rebuilt.close();
    // A checkpoint naming an epoch the log does not hold (its tail was lost) is trimmed.
    fs.writeFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), '0\n3\n1 0\n2 2\n7 3\n');
    const trimmed = PartitionLog.open(dir);
    expect(trimmed.latestEpoch).toBe(2);
    trimmed.close();
  });

  it('answers OffsetsForLeaderEpoch by KIP-279 rules', () => {
    const cache = LeaderEpochCache.inMemory([
      { epoch: 2, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
    ]);
    expect(cache.endOffsetFor(5, 30)).toEqual({ leaderEpoch: 5, endOffset: 30 });
    expect(cache.endOffsetFor(3, 30)).toEqual({ leaderEpoch: 2, endOffset: 20 });
    expect(cache.endOffsetFor(1, 30)).toEqual({ leaderEpoch: 1, endOffset: 10 });
    expect(cache.endOffsetFor(6, 30)).toEqual({ leaderEpoch: -1, endOffset: -1 });
    expect(cache.endOffsetFor(-1, 30)).toEqual({ leaderEpoch: -1, endOffset: -1 });
  });

  it('truncation drops the epochs of removed batches', () => {
    const { log } = openLog('truncate');
    write(log, 0, 'a', 'b');
    write(log, 1, 'c', 'd');
    log.truncateTo(2);
    expect(log.latestEpoch).toBe(0);
    write(log, 4, 'x');
    expect(log.epochs.list()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 4, startOffset: 2 },
    ]);
  });

  it('KIP-101 case 1: a restarted follower keeps a committed record its high watermark did not cover', async () => {
    const { log: leader } = openLog('k1-leader');
    const { log: follower } = openLog('k1-follower');
    write(leader, 0, 'm0', 'm1');
    await replicate(leader, follower);
    // The follower's HW would say 1 (m1's commit reached it one fetch late); epochs say keep m1.
    reconcile(leader, follower);
    expect(follower.logEndOffset).toBe(2);
    expect(await storedBytes(follower)).toEqual(await storedBytes(leader));
  });

  it('KIP-101 case 2: a returning replica drops its divergent tail and converges byte for byte', async () => {
    const { log: a } = openLog('k2-a');
    const { log: b } = openLog('k2-b');
    write(a, 0, 'm0');
    await replicate(a, b);
    write(a, 0, 'm1'); // never reached B
    // Both die; B returns first, leads in epoch 1 and takes m2 at offset 1.
    write(b, 1, 'm2');
    reconcile(b, a);
    expect(a.logEndOffset).toBe(1);
    await replicate(b, a);
    expect(await storedBytes(a)).toEqual(await storedBytes(b));
  });

  it('KIP-279: after fast leader changes a follower iterates until a common epoch', async () => {
    const { log: a } = openLog('k279-a');
    const { log: b } = openLog('k279-b');
    write(a, 0, 'x0', 'x1');
    await replicate(a, b);
    // A leads epoch 1 alone, B never sees it; then B leads epochs 2 and 3.
    write(a, 1, 'a2', 'a3');
    write(b, 2, 'b2');
    write(b, 3, 'b3', 'b4');
    const rounds = reconcile(b, a);
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(a.logEndOffset).toBe(2);
    await replicate(b, a);
    expect(await storedBytes(a)).toEqual(await storedBytes(b));
    expect(a.epochs.list()).toEqual(b.epochs.list());
  });
});
