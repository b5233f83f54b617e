/**
 * OffsetCommit (API key 8), versions 2-8. As in Kafka, partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION before the coordinator sees the rest; the coordinator then checks
 * the member and generation (generation -1 with no member id commits outside group management
 * while the group has no members) and each partition's metadata size, and answers only after the
 * commits are in `__consumer_offsets` (group/offsets.ts) and, in a cluster, held by that
 * partition's in-sync replicas (up to `offsets.commit.timeout.ms`). A failed check or append
 * changes nothing. v2-4's retention_time_ms is ignored: offsets expire under the broker's
 * `offsets.retention.minutes`, as for every client since Kafka 2.1.
 */
import type { ApiKey, OffsetCommitResponsePartition } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Handler } from '../broker-context.js';
import type { CommitInput } from '../group/offsets.js';
import { isKnownPartition } from '../topic-admin.js';

/** Serves OffsetCommit v2-8; see the module comment. */
export const offsetCommitHandler: Handler<typeof ApiKey.OFFSET_COMMIT> = async (
  broker,
  request,
) => {
  const inputs: CommitInput[] = [];
  // Per request partition: its index into `inputs`, or -1 for an unknown partition.
  const slots = request.topics.map((topic) =>
    topic.partitions.map((p) => {
      if (!isKnownPartition(broker, topic.name, p.partitionIndex)) return -1;
      inputs.push({
        topic: topic.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch ?? -1,
        metadata: p.committedMetadata,
      });
      return inputs.length - 1;
    }),
  );
  let codes =
    inputs.length === 0
      ? []
      : broker.groups.commitOffsets(
          request.groupId,
          {
            generationId: request.generationIdOrMemberEpoch,
            memberId: request.memberId,
            groupInstanceId: request.groupInstanceId ?? null,
          },
          inputs,
        );
  if (codes.some((c) => c === ErrorCode.NONE)) {
    const replicated = await broker.groups.awaitReplicated(
      request.groupId,
      broker.config.offsetsCommitTimeoutMs,
    );
    if (replicated !== ErrorCode.NONE)
      codes = codes.map((c) => (c === ErrorCode.NONE ? replicated : c));
  }
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic, t) => ({
      name: topic.name,
      partitions: topic.partitions.map((p, i): OffsetCommitResponsePartition => {
        const slot = slots[t]?.[i] ?? -1;
        return {
          partitionIndex: p.partitionIndex,
          errorCode:
            slot < 0 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : (codes[slot] ?? ErrorCode.NONE),
        };
      }),
    })),
  };
};
