/**
 * What the group admin reports: groups, their members (with the consumer protocol's
 * subscription and assignment decoded), committed offsets and lag.
 */
import type { BrokerAddress } from './bootstrap.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  type ConsumerSubscription,
  type TopicPartitions,
} from './consumer-protocol.js';

/** The node coordinating a group. */
export interface GroupCoordinator extends BrokerAddress {
  readonly nodeId: number;
}

/** A group as ListGroups reports it. */
export interface GroupListing {
  readonly groupId: string;
  /** `consumer` for Kafka consumers; other protocol types (connect, …) are listed too. */
  readonly protocolType: string;
  /** The state (`Empty`, `Stable`, …) when the broker reports it (ListGroups v4+). */
  readonly state: string | undefined;
}

/** A member of a group, with its consumer-protocol subscription and assignment decoded. */
export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Undefined when the group is not a consumer group or the bytes do not decode. */
  readonly subscription: ConsumerSubscription | undefined;
  /** The partitions the leader assigned; empty during a rebalance. */
  readonly assignment: readonly TopicPartitions[];
}

/** A group as DescribeGroups reports it. */
export interface GroupDescription {
  readonly groupId: string;
  /** `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance`, or `Dead` (no such group). */
  readonly state: string;
  readonly protocolType: string;
  /** The assignment strategy the group chose, e.g. `range` or `RoundRobinAssigner`. */
  readonly protocol: string;
  readonly members: readonly GroupMember[];
  readonly coordinator: GroupCoordinator;
}

/** A partition's committed offset. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string | null;
}

/** An offset to commit for a partition. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One row of `fjord groups describe`: a partition the group owns or has committed. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset; undefined when the group has none. */
  readonly currentOffset: number | undefined;
  readonly logEndOffset: number;
  /** logEndOffset - currentOffset; undefined without a committed offset. */
  readonly lag: number | undefined;
  /** The member owning the partition, if any. */
  readonly member: GroupMember | undefined;
}

/** Orders by topic, then partition. */
export const byTopicPartition = (
  a: { topic: string; partition: number },
  b: { topic: string; partition: number },
): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);

/** A DescribeGroups member, its consumer-protocol bytes decoded where they are such. */
export function decodeMember(
  protocolType: string,
  m: {
    memberId: string;
    groupInstanceId?: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  },
): GroupMember {
  let subscription: ConsumerSubscription | undefined;
  let assignment: readonly TopicPartitions[] = [];
  if (protocolType === CONSUMER_PROTOCOL_TYPE) {
    try {
      if (m.memberMetadata.length > 0) subscription = decodeSubscription(m.memberMetadata);
    } catch {
      // Not consumer-protocol bytes after all; describe what we can.
    }
    try {
      assignment = decodeAssignment(m.memberAssignment).assignedPartitions;
    } catch {
      // As above.
    }
  }
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? null,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscription,
    assignment,
  };
}
