/**
 * ElectLeaders (API key 43), v0-2: moves leadership to each partition's preferred replica (type 0,
 * the only one before v1) or, for a partition without a live leader, to a live replica even if it
 * is out of sync (type 1, unclean). Only the controller serves it (others: NOT_CONTROLLER, and
 * the client asks the controller named in Metadata). Per-partition answers:
 * ELECTION_NOT_NEEDED (84), PREFERRED_LEADER_NOT_AVAILABLE (80), ELIGIBLE_LEADERS_NOT_AVAILABLE
 * (83), UNKNOWN_TOPIC_OR_PARTITION (3). A request for every partition (null) reports only the
 * partitions an election was tried for, as Kafka does.
 */
import type { ApiKey, ReplicaElectionResult } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { ElectionType } from '../metadata/replica-changes.js';
import { sequentially } from '../config-alter.js';
import { toErrorResult } from '../topic-admin.js';

/** Serves ElectLeaders v0-2; see the module comment. */
export const electLeadersHandler: Handler<typeof ApiKey.ELECT_LEADERS> = async (
  broker,
  request,
) => {
  const type = request.electionType === 1 ? ElectionType.UNCLEAN : ElectionType.PREFERRED;
  const all = request.topicPartitions === null;
  const wanted = request.topicPartitions ?? everyPartition(broker);
  if (!broker.replicaAdmin.isController) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NOT_CONTROLLER,
      replicaElectionResults: [],
    };
  }
  const replicaElectionResults = await sequentially(
    wanted,
    async ({ topic, partitions }): Promise<ReplicaElectionResult> => ({
      topic,
      partitionResult: (
        await sequentially(partitions, async (partitionId) => {
          try {
            await broker.replicaAdmin.electLeader(topic, partitionId, type);
            return { partitionId, errorCode: ErrorCode.NONE, errorMessage: null };
          } catch (err) {
            return { partitionId, ...toErrorResult(err) };
          }
        })
      ).filter((r) => !all || r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED),
    }),
  );
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    replicaElectionResults: replicaElectionResults.filter((t) => t.partitionResult.length > 0),
  };
};

function everyPartition(broker: BrokerContext): { topic: string; partitions: number[] }[] {
  return broker.topics.list().map((t) => ({
    topic: t.name,
    partitions: Array.from({ length: t.partitionCount }, (_, p) => p),
  }));
}
