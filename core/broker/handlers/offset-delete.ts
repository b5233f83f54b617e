/**
 * OffsetDelete (API key 47), version 0: deletes a group's committed offsets for some partitions.
 * Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION; a consumer group with members
 * keeps the offsets of topics it subscribes to (GROUP_SUBSCRIBED_TO_TOPIC). Group-level errors
 * (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a non-consumer group with members, INVALID_GROUP_ID,
 * COORDINATOR_LOAD_IN_PROGRESS) answer with no topics, as Kafka does.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';
import type { TopicPartition } from '../group/group-store.js';
import { isKnownPartition } from '../topic-admin.js';

/** Serves OffsetDelete v0; see the module comment. */
export const offsetDeleteHandler: Handler<typeof ApiKey.OFFSET_DELETE> = (broker, request) => {
  const known: TopicPartition[] = [];
  const slots = request.topics.map((topic) =>
    topic.partitions.map((p) => {
      if (!isKnownPartition(broker, topic.name, p.partitionIndex)) return -1;
      known.push({ topic: topic.name, partition: p.partitionIndex });
      return known.length - 1;
    }),
  );
  const result = broker.groups.deleteOffsets(request.groupId, known);
  if (result.errorCode !== ErrorCode.NONE)
    return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
  return {
    errorCode: ErrorCode.NONE,
    throttleTimeMs: 0,
    topics: request.topics.map((topic, t) => ({
      name: topic.name,
      partitions: topic.partitions.map((p, i) => {
        const slot = slots[t]?.[i] ?? -1;
        return {
          partitionIndex: p.partitionIndex,
          errorCode:
            slot < 0
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : (result.partitions[slot] ?? ErrorCode.NONE),
        };
      }),
    })),
  };
};
