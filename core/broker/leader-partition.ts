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
  const open = broker.partitions.get(topic, partition);
  if (open !== undefined) return open;
  try {
    return broker.partitions.open(topic, partition, broker.topicLogConfig(metadata));
  } catch (err) {
    if (err instanceof FjordError) return err.code;
    throw err;
  }
}

/** Narrows {@link leaderPartition}'s answer. */
export function isErrorCode(value: PartitionHandle | ErrorCode): value is ErrorCode {
  return typeof value === 'number';
}
