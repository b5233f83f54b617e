/**
 * The group leader's part of a rebalance: decode every member's subscription from JoinGroup,
 * run the chosen assignor over them and the topics' partition counts, and encode each member's
 * assignment for SyncGroup.
 */
import type { JoinGroupResponse } from '../../protocol/messages/join-group.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { TopicInfo } from '../cluster.js';
import {
  decodeSubscription,
  encodeAssignment,
  type TopicPartitions,
} from '../consumer-protocol.js';
import type { Assignor, MemberSubscription } from './assignors/assignor.js';
import type { TopicPartition } from './types.js';

/** Groups partitions by topic, the consumer protocol's shape. */
export function toTopicPartitions(list: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of list) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** Flattens the consumer protocol's shape. */
export function flatten(list: readonly TopicPartitions[]): TopicPartition[] {
  return list.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

/** SyncGroup's assignments, and the partition counts (0 for a missing topic) they were made from. */
export interface LeaderAssignment {
  readonly assignments: { memberId: string; assignment: Buffer }[];
  readonly topicCounts: Map<string, number>;
}

function subscriptionOf(
  m: JoinGroupResponse['members'][number],
  logger: Logger,
): MemberSubscription {
  try {
    const s = decodeSubscription(m.metadata);
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      topics: s.topics,
      ownedPartitions: flatten(s.ownedPartitions),
      generationId: s.generationId,
      userData: s.userData,
    };
  } catch (err) {
    logger.warn({ member: m.memberId, err }, 'undecodable subscription; assigning nothing');
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      topics: [],
      ownedPartitions: [],
      generationId: -1,
      userData: null,
    };
  }
}

/**
 * Runs the assignor the coordinator chose over the members of `joined`. Throws
 * INCONSISTENT_GROUP_PROTOCOL when this member does not have it.
 */
export function leaderAssign(
  joined: JoinGroupResponse,
  assignors: readonly Assignor[],
  topicInfo: (topic: string) => TopicInfo | undefined,
  logger: Logger,
): LeaderAssignment {
  const assignor = assignors.find((a) => a.name === joined.protocolName);
  if (assignor === undefined) {
    throw new FjordError(
      `the coordinator chose protocol ${joined.protocolName}, which this member does not offer`,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
  }
  const members = joined.members.map((m) => subscriptionOf(m, logger));
  const partitionsPerTopic = new Map<string, number>();
  const topicCounts = new Map<string, number>();
  for (const topic of new Set(members.flatMap((m) => m.topics))) {
    const info = topicInfo(topic);
    const count = info?.errorCode === 0 ? info.partitions.length : 0;
    topicCounts.set(topic, count);
    if (count > 0) partitionsPerTopic.set(topic, count);
  }
  const result = assignor.assign(members, partitionsPerTopic);
  return {
    topicCounts,
    assignments: members.map((m) => ({
      memberId: m.memberId,
      assignment: encodeAssignment({
        assignedPartitions: toTopicPartitions(result.get(m.memberId) ?? []),
        userData: assignor.assignmentUserData?.(m.memberId) ?? null,
      }),
    })),
  };
}
