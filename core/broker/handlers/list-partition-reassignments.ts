/**
 * ListPartitionReassignments (API key 46), v0 (KIP-455): the running reassignments, all of them
 * or those of the partitions asked for, each with its full replica list and the replicas being
 * added and removed. Only the controller serves it.
 */
import type { ApiKey, OngoingTopicReassignment } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';

/** Serves ListPartitionReassignments v0; see the module comment. */
export const listPartitionReassignmentsHandler: Handler<
  typeof ApiKey.LIST_PARTITION_REASSIGNMENTS
> = (broker, request) => {
  if (!broker.replicaAdmin.isController) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NOT_CONTROLLER,
      errorMessage: 'This broker is not the controller.',
      topics: [],
    };
  }
  const asked =
    request.topics === null
      ? undefined
      : new Set(request.topics.flatMap((t) => t.partitionIndexes.map((p) => `${t.name}/${p}`)));
  const topics = new Map<string, OngoingTopicReassignment['partitions'][number][]>();
  for (const r of broker.replicaAdmin.reassignments()) {
    if (asked !== undefined && !asked.has(`${r.topic}/${r.partition}`)) continue;
    const list = topics.get(r.topic) ?? [];
    list.push({
      partitionIndex: r.partition,
      replicas: r.replicas,
      addingReplicas: r.addingReplicas,
      removingReplicas: r.removingReplicas,
    });
    topics.set(r.topic, list);
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  };
};
