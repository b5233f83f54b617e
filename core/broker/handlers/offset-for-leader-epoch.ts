/**
 * OffsetForLeaderEpoch (API key 23), versions 0-4: for each partition this broker leads, where
 * the largest leader epoch ≤ the one asked ends in its log (leader-epoch-cache.ts), with that
 * epoch (v1+). Followers ask it before fetching in a new epoch and truncate to the answer
 * (KIP-101/279); consumers may ask it to detect truncation (KIP-320). `current_leader_epoch`
 * (v2+) is checked as for Fetch.
 */
import type { ApiKey, EpochEndOffsetResult } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { checkCurrentLeaderEpoch, isErrorCode, leaderPartition } from '../leader-partition.js';

function answer(
  broker: BrokerContext,
  topic: string,
  partition: number,
  currentLeaderEpoch: number | undefined,
  leaderEpoch: number,
): EpochEndOffsetResult {
  const failure = (errorCode: ErrorCode): EpochEndOffsetResult => ({
    errorCode,
    partition,
    leaderEpoch: -1,
    endOffset: -1,
  });
  const handle = leaderPartition(broker, topic, partition);
  if (isErrorCode(handle)) return failure(handle);
  const fenced = checkCurrentLeaderEpoch(handle, currentLeaderEpoch);
  if (fenced !== ErrorCode.NONE) return failure(fenced);
  const found = handle.log.endOffsetForEpoch(leaderEpoch);
  return { errorCode: ErrorCode.NONE, partition, ...found };
}

/** Serves OffsetForLeaderEpoch v0-4; see the module comment. */
export const offsetForLeaderEpochHandler: Handler<typeof ApiKey.OFFSET_FOR_LEADER_EPOCH> = (
  broker,
  request,
) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) =>
      answer(broker, t.topic, p.partition, p.currentLeaderEpoch, p.leaderEpoch),
    ),
  })),
});
