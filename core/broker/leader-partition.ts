import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import type { BrokerContext, PartitionHandle } from './broker-context.js';

/**
 * The partition a data-plane request names, if this broker leads it, or the error code to answer
 * with: UNKNOWN_TOPIC_OR_PARTITION for a topic the store does not hold or a partition outside it.
 * NOT_LEADER_OR_FOLLOWER when the cluster view names another leader (or none): clients refresh
 * their metadata and go there. The topic store is the truth and the registry its cache of open
 * logs: a partition of a known topic that is not open yet is opened here.
 */
export function leaderPartition(
  broker: BrokerContext,
  topic: string,
  partition: number,
): PartitionHandle | ErrorCode {
  const metadata = broker.topics.get(topic);
  if (metadata === undefined || partition < 0 || partition >= metadata.partitionCount)
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  const state = broker.cluster.partitionState(topic, partition);
  if (state === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (state.leader !== broker.config.nodeId) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  let handle = broker.partitions.get(topic, partition);
  if (handle === undefined) {
    try {
      handle = broker.partitions.open(topic, partition, broker.topicLogConfig(metadata));
    } catch (err) {
      if (err instanceof FjordError) return err.code;
      throw err;
    }
  }
  // The metadata names this broker, but the partition has not taken up that leadership yet (the
  // cluster sync runs right after the metadata changes): answer as a non-leader until it has.
  if (!handle.isLeader || handle.leaderEpoch !== state.leaderEpoch)
    return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  return handle;
}

/**
 * KIP-320's check of the leader epoch a request believes current: NONE when it matches or is not
 * given (-1), FENCED_LEADER_EPOCH when older than the partition's (the requester missed a
 * leader change), UNKNOWN_LEADER_EPOCH when newer (this broker has not learnt it yet).
 */
export function checkCurrentLeaderEpoch(
  handle: PartitionHandle,
  currentLeaderEpoch: number | undefined,
): ErrorCode {
  if (currentLeaderEpoch === undefined || currentLeaderEpoch < 0) return ErrorCode.NONE;
  if (currentLeaderEpoch < handle.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (currentLeaderEpoch > handle.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}

/** Narrows {@link leaderPartition}'s answer. */
export function isErrorCode(value: PartitionHandle | ErrorCode): value is ErrorCode {
  return typeof value === 'number';
}
