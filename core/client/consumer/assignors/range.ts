/**
 * Kafka's `range` assignor, computed as the Java client's RangeAssignor does (without racks):
 * topic by topic, the members subscribed to it, in {@link compareMembers} order, each take a
 * contiguous range of its partitions; the first `partitions % members` get one extra.
 */
import type { TopicPartition } from '../types.js';
import { compareMembers, emptyAssignment } from './assignor.js';
import type { Assignor, MemberSubscription } from './assignor.js';

/**
 * The `range` assignor.
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ bootstrap, groupId: 'g', assignors: [rangeAssignor] });
 * ```
 */
export const rangeAssignor: Assignor = {
  name: 'range',
  protocols: ['EAGER'],
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]> {
    const assignment = emptyAssignment(members);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const subscribers = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      const perMember = Math.floor(count / subscribers.length);
      const withExtra = count % subscribers.length;
      subscribers.forEach((member, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i + 1 > withExtra ? 0 : 1);
        const mine = assignment.get(member.memberId);
        for (let p = start; p < start + length; p++) mine?.push({ topic, partition: p });
      });
    }
    return assignment;
  },
};
