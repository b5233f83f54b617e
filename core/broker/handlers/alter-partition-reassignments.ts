/**
 * AlterPartitionReassignments (API key 45), v0 (KIP-455): starts, replaces or (with null
 * replicas) cancels the reassignment of each partition. The answer comes once the change is
 * stored; the data moves afterwards, and the controller completes each reassignment when every
 * target replica has caught up (ListPartitionReassignments shows what still runs). Only the
 * controller serves it. Per partition: INVALID_REPLICA_ASSIGNMENT (39),
 * NO_REASSIGNMENT_IN_PROGRESS (85), UNKNOWN_TOPIC_OR_PARTITION (3).
 */
import type { ApiKey, ReassignableTopicResponse } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';
import { sequentially } from '../config-alter.js';
import { toErrorResult } from '../topic-admin.js';

/** Serves AlterPartitionReassignments v0; see the module comment. */
export const alterPartitionReassignmentsHandler: Handler<
  typeof ApiKey.ALTER_PARTITION_REASSIGNMENTS
> = async (broker, request) => {
  if (!broker.replicaAdmin.isController) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NOT_CONTROLLER,
      errorMessage: 'This broker is not the controller.',
      responses: [],
    };
  }
  const responses = await sequentially(
    request.topics,
    async (topic): Promise<ReassignableTopicResponse> => ({
      name: topic.name,
      partitions: await sequentially(topic.partitions, async (p) => {
        try {
          await broker.replicaAdmin.reassign(topic.name, p.partitionIndex, p.replicas);
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
          };
        } catch (err) {
          return { partitionIndex: p.partitionIndex, ...toErrorResult(err) };
        }
      }),
    }),
  );
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
};
