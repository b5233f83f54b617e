/**
 * The replication state of one partition, leader and follower driven by hand in one process (no
 * sockets, no etcd): the high watermark is the smallest log end of the ISR, acks=all waits for it,
 * a shrunken ISR answers NOT_ENOUGH_REPLICAS_AFTER_APPEND, a leader stepping down fails its
 * waiters, a follower copies batches byte for byte and truncates by leader epoch, rebuilding its
 * producer state, and a single broker's high watermark still follows its log end at once.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { LocalPartition } from '../../../core/broker/local-partition.js';
import type { PartitionListener } from '../../../core/broker/partition-watch.js';
import { DEFAULT_LOG_CONFIG, parseLogConfig } from '../../../core/log/log-config.js';
import { truncationOffset } from '../../../core/log/leader-epoch-cache.js';
import {
  encodeRecordBatch,
  validateProducedBatch,
} from '../../../core/protocol/records/record-batch.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { silentLogger } from '../../../core/util/logger.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const cleanups: (() => void)[] = [];
const now = 1_000_000;
const clock = { now: () => now };

function open(minInsync = 1): LocalPartition {
  const { dir, cleanup } = makeTempDir('fjord-repl-state-');
  const p = LocalPartition.open(
    dir,
    'events',
    0,
    parseLogConfig({ 'min.insync.replicas': String(minInsync) }, DEFAULT_LOG_CONFIG),
    { clock, logger: silentLogger },
  );
  cleanups.push(() => {
    p.close();
    cleanup();
  });
  return p;
}

function produce(
  p: LocalPartition,
  values: readonly string[],
  producer?: { id: number; seq: number },
): { errorCode: number; lastOffset: number } {
  const batch = encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    producer === undefined
      ? {}
      : { producerId: producer.id, producerEpoch: 0, baseSequence: producer.seq },
  );
  const result = p.appendAsLeader(batch, validateProducedBatch(batch));
  return { errorCode: result.errorCode, lastOffset: result.baseOffset + values.length - 1 };
}

async function everything(p: LocalPartition): Promise<Buffer> {
  return (await p.log.read(p.log.logStartOffset, 64 << 20, { minOneBatch: true })).records;
}

/** Copies what the follower lacks from the leader, as one replica fetch would. */
async function replicate(
  leader: LocalPartition,
  follower: LocalPartition,
  id: number,
): Promise<void> {
  expect(leader.recordFollowerFetch(id, follower.log.logEndOffset, now)).toBe(ErrorCode.NONE);
  const { records } = await leader.log.read(follower.log.logEndOffset, 64 << 20, {
    minOneBatch: true,
  });
  if (records.length > 0) follower.appendAsFollower(records);
  follower.followLeaderHighWatermark(leader.highWatermark);
}

function recordingListener(): PartitionListener & { bytes: number; changes: number } {
  const l = {
    bytes: 0,
    changes: 0,
    onAppend(b: number) {
      l.bytes += b;
    },
    onChange() {
      l.changes++;
    },
  };
  return l;
}

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('partition replication state', () => {
  it('a single broker (no cluster) commits on append: high watermark = log end at once', () => {
    const p = open();
    produce(p, ['a', 'b']);
    expect(p.highWatermark).toBe(2);
    expect(p.log.logEndOffset).toBe(2);
    let code: number | undefined;
    p.awaitHighWatermark(2, (c) => (code = c));
    expect(code).toBe(ErrorCode.NONE);
  });

  it('the high watermark is the smallest log end of the ISR; acks=all waits for it; consumers hear of bytes only once committed', async () => {
    const leader = open(2);
    const f2 = open();
    const f3 = open();
    leader.becomeLeader(1, 1, [1, 2, 3], [1, 2, 3], now);
    f2.becomeFollower(2, 1);
    f3.becomeFollower(3, 1);
    const consumer = recordingListener();
    const replica = recordingListener();
    leader.subscribe(consumer);
    leader.subscribe(replica, true);
    const { lastOffset } = produce(leader, ['a', 'b', 'c']);
    expect(leader.highWatermark).toBe(0);
    expect(replica.bytes).toBeGreaterThan(0);
    expect(consumer.bytes).toBe(0);
    const outcomes: number[] = [];
    leader.awaitHighWatermark(lastOffset + 1, (c) => outcomes.push(c));
    await replicate(leader, f2, 2);
    // f2 has it, f3 has not been heard from: nothing is committed yet.
    expect(leader.highWatermark).toBe(0);
    expect(outcomes).toEqual([]);
    await replicate(leader, f3, 3);
    // The fetch reporting f3's log end is the next one.
    await replicate(leader, f2, 2);
    await replicate(leader, f3, 3);
    expect(leader.highWatermark).toBe(3);
    expect(outcomes).toEqual([ErrorCode.NONE]);
    expect(consumer.bytes).toBe(replica.bytes);
    // Followers learn the high watermark one fetch later.
    expect(f2.highWatermark).toBe(0);
    await replicate(leader, f2, 2);
    expect(f2.highWatermark).toBe(3);
    expect(await everything(f2)).toEqual(await everything(leader));
    expect(await everything(f3)).toEqual(await everything(leader));
  });

  it('an ISR shrunk below min.insync.replicas answers waiting produces NOT_ENOUGH_REPLICAS_AFTER_APPEND', () => {
    const leader = open(2);
    leader.becomeLeader(1, 1, [1, 2], [1, 2, 3], now);
    expect(leader.recordFollowerFetch(2, 0, now)).toBe(ErrorCode.NONE);
    const { lastOffset } = produce(leader, ['x']);
    const outcomes: number[] = [];
    leader.awaitHighWatermark(lastOffset + 1, (c) => outcomes.push(c));
    leader.becomeLeader(1, 1, [1], [1, 2, 3], now);
    expect(leader.highWatermark).toBe(1);
    expect(outcomes).toEqual([ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND]);
    expect(leader.isrSize).toBe(1);
  });

  it('a leader that learns a newer epoch steps down at once: waiters get NOT_LEADER_OR_FOLLOWER and produces are refused', () => {
    const leader = open();
    leader.becomeLeader(1, 1, [1, 2], [1, 2], now);
    const { lastOffset } = produce(leader, ['x']);
    const outcomes: number[] = [];
    leader.awaitHighWatermark(lastOffset + 1, (c) => outcomes.push(c));
    expect(leader.becomeFollower(1, 2)).toBe(true);
    expect(outcomes).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER]);
    expect(produce(leader, ['y']).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // An older epoch is a stale view and changes nothing.
    leader.becomeLeader(1, 1, [1], [1, 2], now);
    expect(leader.isLeader).toBe(false);
  });

  it('a follower that joins must reach the high watermark and the epoch start; fetches outside the log are out of range', async () => {
    const leader = open();
    const f2 = open();
    leader.becomeLeader(1, 1, [1], [1, 2], now);
    f2.becomeFollower(2, 1);
    const joined: number[] = [];
    leader.onIsrExpansion(() => joined.push(now));
    produce(leader, ['a', 'b']);
    expect(leader.recordFollowerFetch(2, 5, now)).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(leader.recordFollowerFetch(9, 0, now)).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(leader.recordFollowerFetch(2, 0, now)).toBe(ErrorCode.NONE);
    expect(joined).toEqual([]);
    await replicate(leader, f2, 2);
    await replicate(leader, f2, 2);
    expect(joined.length).toBeGreaterThan(0);
  });

  it('KIP-101/279: a replica with history the new leader never had truncates to where its epoch ends there, and rebuilds its producer state', async () => {
    const a = open();
    const b = open();
    // Epoch 1: a leads, b copies the first batch only.
    a.becomeLeader(1, 1, [1, 2], [1, 2], now);
    b.becomeFollower(2, 1);
    produce(a, ['m1'], { id: 7, seq: 0 });
    await replicate(a, b, 2);
    produce(a, ['m2'], { id: 7, seq: 1 });
    expect(a.log.logEndOffset).toBe(2);
    // b becomes leader in epoch 2 without m2 (m2 was never committed) and takes m3 at offset 1.
    b.becomeLeader(2, 2, [2], [1, 2], now);
    a.becomeFollower(1, 2);
    produce(b, ['m3'], { id: 7, seq: 1 });
    // a asks b where its newest epoch (1) ends, and truncates there before fetching.
    const answer = b.log.endOffsetForEpoch(a.log.latestEpoch);
    expect(answer).toEqual({ leaderEpoch: 1, endOffset: 1 });
    a.truncateTo(truncationOffset(a.log.epochs, a.log.logEndOffset, answer));
    expect(a.log.logEndOffset).toBe(1);
    expect(a.producers.get(7)?.batches.at(-1)?.lastSeq).toBe(0);
    await replicate(b, a, 1);
    expect(await everything(a)).toEqual(await everything(b));
    // a's producer state now follows b's log: the next sequence is 2, and 1 is a duplicate.
    a.becomeLeader(1, 3, [1, 2], [1, 2], now);
    expect(produce(a, ['m3-retry'], { id: 7, seq: 1 }).errorCode).toBe(ErrorCode.NONE);
    expect(a.log.logEndOffset).toBe(2);
    expect(produce(a, ['m4'], { id: 7, seq: 2 }).errorCode).toBe(ErrorCode.NONE);
    expect(a.log.logEndOffset).toBe(3);
  });
});
