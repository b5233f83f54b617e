/**
 * CreatePartitions (API key 37), v0–3: grows topics to a new total partition count. Partition
 * counts only grow: the same or a smaller count is INVALID_PARTITIONS (37). An unknown topic is
 * UNKNOWN_TOPIC_OR_PARTITION (3), a topic named twice INVALID_REQUEST (42). A manual assignment
 * must give one entry per new partition, each on registered brokers and all of one length, or
 * it is INVALID_REPLICA_ASSIGNMENT (39). `validate_only` checks everything and changes nothing.
 */
import type {
  ApiKey,
  CreatePartitionsTopic,
  CreatePartitionsTopicResult,
} from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler, ReplicaAssignment } from '../broker-context.js';
import { sequentially } from '../config-alter.js';
import {
  addPartitions,
  checkAssignment,
  planPartitionGrowth,
  toErrorResult,
} from '../topic-admin.js';

/** The CreatePartitions handler. */
export const createPartitionsHandler: Handler<typeof ApiKey.CREATE_PARTITIONS> = async (
  broker,
  request,
) => {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results = await sequentially(
    request.topics,
    async (t): Promise<CreatePartitionsTopicResult> => {
      try {
        if ((counts.get(t.name) ?? 0) > 1) {
          throw new FjordError(
            `Create partitions request names topic ${t.name} more than once.`,
            ErrorCode.INVALID_REQUEST,
          );
        }
        await grow(broker, t, request.validateOnly);
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        return { name: t.name, ...toErrorResult(err) };
      }
    },
  );
  return { throttleTimeMs: 0, results };
};

async function grow(
  broker: BrokerContext,
  t: CreatePartitionsTopic,
  validateOnly: boolean,
): Promise<void> {
  const topic = planPartitionGrowth(broker, t.name, t.count);
  let assignment: ReplicaAssignment | undefined;
  if (t.assignments !== null) {
    const added = t.count - topic.partitionCount;
    if (t.assignments.length !== added) {
      throw new FjordError(
        `Increasing the number of partitions by ${added} but ${t.assignments.length} assignments provided.`,
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      );
    }
    assignment = t.assignments.map((a) => a.brokerIds);
    checkAssignment(broker, assignment);
  }
  if (!validateOnly) await addPartitions(broker, t.name, t.count, assignment);
}
