/**
 * What a partition assignor is: the group leader's function from the members' subscriptions and
 * the topics' partition counts to each member's partitions. Its `name` is the group protocol
 * name offered in JoinGroup, so it must be spelled as other clients spell it for mixed groups to
 * agree on one (`range`, `roundrobin`, `cooperative-sticky`, as the Java client and librdkafka).
 */
import type { TopicPartition } from '../types.js';

/**
 * How a rebalance hands partitions over: EAGER members give up everything before rejoining;
 * COOPERATIVE members keep what they own and give up only the partitions that move, in a
 * second rebalance (KIP-429).
 */
export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

/** One member's subscription, as the group leader sees it. */
export interface MemberSubscription {
  readonly memberId: string;
  /** `group.instance.id` of a static member, else null. */
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  /** Partitions the member owned in the previous generation (consumer protocol v1+). */
  readonly ownedPartitions: readonly TopicPartition[];
  /** The generation those partitions belong to, -1 when unknown (consumer protocol v2+). */
  readonly generationId: number;
  readonly userData: Buffer | null;
}

/**
 * A partition assignor.
 *
 * @example
 * ```ts
 * const mine: Assignor = {
 *   name: 'all-to-first',
 *   protocols: ['EAGER'],
 *   assign: (members, partitionsPerTopic) => new Map(members.map((m, i) => [m.memberId,
 *     i > 0 ? [] : [...partitionsPerTopic].flatMap(([topic, n]) =>
 *       Array.from({ length: n }, (_, partition) => ({ topic, partition })))])),
 * };
 * ```
 */
export interface Assignor {
  /** The group protocol name. */
  readonly name: string;
  /** The rebalance protocols it supports. */
  readonly protocols: readonly RebalanceProtocol[];
  /**
   * Each member's partitions, keyed by member id (every member present, possibly with none).
   * Topics missing from `partitionsPerTopic` (unknown to the cluster) are skipped.
   */
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]>;
  /**
   * The userData of a member's assignment (the consumer protocol's opaque bytes), asked right
   * after `assign` for each member; the member reads it with `Consumer.assignmentUserData()`.
   * Absent or null: no userData.
   */
  assignmentUserData?(memberId: string): Buffer | null;
  /**
   * The userData of this member's subscription (Kafka's `subscriptionUserData`), asked each
   * time the member joins; the leader's `assign` sees it as `MemberSubscription.userData`.
   * Absent or null: no userData.
   */
  subscriptionUserData?(topics: readonly string[]): Buffer | null;
}

/**
 * Java's `AbstractPartitionAssignor.MemberInfo` order: static members first, by instance id,
 * then dynamic members by member id (UTF-16 code unit order, as Java's String.compareTo).
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  const ai = a.groupInstanceId;
  const bi = b.groupInstanceId;
  if (ai !== null && bi !== null) return ai < bi ? -1 : ai > bi ? 1 : 0;
  if (ai !== null) return -1;
  if (bi !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

/** An empty assignment for every member. */
export function emptyAssignment(
  members: readonly MemberSubscription[],
): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}
