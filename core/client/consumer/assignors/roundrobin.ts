/**
 * Kafka's `roundrobin` assignor, computed as the Java client's RoundRobinAssignor does: every
 * partition of every subscribed topic (topics in name order, partitions in number order) goes
 * to the next member, in {@link compareMembers} order and circling, that subscribes to its
 * topic.
 */
import type { TopicPartition } from '../types.js';
import { compareMembers, emptyAssignment } from './assignor.js';
import type { Assignor, MemberSubscription } from './assignor.js';

/**
 * The `roundrobin` assignor.
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ bootstrap, groupId: 'g', assignors: [roundRobinAssignor] });
 * ```
 */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocols: ['EAGER'],
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]> {
    const assignment = emptyAssignment(members);
    const ring = [...members].sort(compareMembers);
    if (ring.length === 0) return assignment;
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        // Some member subscribes to every topic in the list, so this ends within one lap.
        while (ring[next % ring.length]?.topics.includes(topic) !== true) next++;
        const member = ring[next % ring.length];
        next++;
        if (member !== undefined) assignment.get(member.memberId)?.push({ topic, partition });
      }
    }
    return assignment;
  },
};
