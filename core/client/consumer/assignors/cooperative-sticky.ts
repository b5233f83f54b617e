/**
 * Kafka's `cooperative-sticky` assignor (KIP-429): a balanced assignment that keeps every
 * member's previously owned partitions where balance allows, handed over cooperatively.
 *
 * 1. Each member keeps the partitions it owned in the previous generation (from the consumer
 *    protocol's owned partitions) if it still subscribes to their topic; when two members claim
 *    one partition, the claim of the newer generation wins, and a tie leaves it unowned.
 * 2. Unowned partitions (topics by name, partitions by number) go one by one to the subscribed
 *    member holding the fewest partitions.
 * 3. While some member holds two or more partitions more than another that could take one, the
 *    fuller member's highest partition moves: the fewest moves that balance the group.
 * 4. Cooperative hand-over: a partition moving from one owner to another is left out of the new
 *    owner's assignment this time. Its old owner sees it missing, revokes it and rejoins, and the
 *    follow-up rebalance gives it to the new owner, so no partition is ever owned twice.
 *
 * The result matches the Java client's CooperativeStickyAssignor in its guarantees (balance
 * within one partition for equal subscriptions, stickiness, two-phase hand-over), not byte for
 * byte: Java's tie-breaking between equally good moves differs.
 */
import type { TopicPartition } from '../types.js';
import { tpKey } from '../types.js';
import { compareMembers } from './assignor.js';
import type { Assignor, MemberSubscription } from './assignor.js';

interface Claim {
  readonly memberId: string;
  readonly generationId: number;
}

/** Valid previous owners: partition key → owner, conflicts resolved as in step 1. */
function previousOwners(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, string> {
  const claims = new Map<string, Claim | null>();
  for (const m of members) {
    for (const tp of m.ownedPartitions) {
      const count = partitionsPerTopic.get(tp.topic);
      if (count === undefined || tp.partition >= count || !m.topics.includes(tp.topic)) continue;
      const key = tpKey(tp.topic, tp.partition);
      const other = claims.get(key);
      if (other === undefined)
        claims.set(key, { memberId: m.memberId, generationId: m.generationId });
      else if (other === null) continue;
      else if (other.generationId < m.generationId)
        claims.set(key, { memberId: m.memberId, generationId: m.generationId });
      else if (other.generationId === m.generationId) claims.set(key, null);
    }
  }
  const owners = new Map<string, string>();
  for (const [key, claim] of claims) if (claim !== null) owners.set(key, claim.memberId);
  return owners;
}

function allPartitions(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): TopicPartition[] {
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  return topics.flatMap((topic) =>
    Array.from({ length: partitionsPerTopic.get(topic) ?? 0 }, (_, partition) => ({
      topic,
      partition,
    })),
  );
}

/** The sticky assignment before the cooperative adjustment (steps 1-3). */
export function stickyAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  owners: ReadonlyMap<string, string> = previousOwners(members, partitionsPerTopic),
): Map<string, TopicPartition[]> {
  const sorted = [...members].sort(compareMembers);
  const assignment = new Map<string, TopicPartition[]>(sorted.map((m) => [m.memberId, []]));
  const unowned: TopicPartition[] = [];
  for (const tp of allPartitions(members, partitionsPerTopic)) {
    const owner = owners.get(tpKey(tp.topic, tp.partition));
    const list = owner === undefined ? undefined : assignment.get(owner);
    if (list === undefined) unowned.push(tp);
    else list.push(tp);
  }
  const size = (m: MemberSubscription): number => assignment.get(m.memberId)?.length ?? 0;
  for (const tp of unowned) {
    let best: MemberSubscription | undefined;
    for (const m of sorted) {
      if (m.topics.includes(tp.topic) && (best === undefined || size(m) < size(best))) best = m;
    }
    if (best !== undefined) assignment.get(best.memberId)?.push(tp);
  }
  balance(sorted, assignment);
  for (const list of assignment.values())
    list.sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  return assignment;
}

/** Step 3: moves partitions from fuller to emptier members until no move helps. */
function balance(
  sorted: readonly MemberSubscription[],
  assignment: Map<string, TopicPartition[]>,
): void {
  const list = (m: MemberSubscription): TopicPartition[] => assignment.get(m.memberId) ?? [];
  // Each move lowers the sum of squared sizes, so this ends; the bound is a safety net.
  for (let moves = 0; moves < 1_000_000; moves++) {
    const bySize = [...sorted].sort((a, b) => list(b).length - list(a).length);
    let moved = false;
    search: for (const donor of bySize) {
      for (let r = bySize.length - 1; r >= 0; r--) {
        const receiver = bySize[r];
        if (receiver === undefined || list(donor).length - list(receiver).length <= 1) break;
        const from = list(donor);
        for (let i = from.length - 1; i >= 0; i--) {
          const tp = from[i];
          if (tp !== undefined && receiver.topics.includes(tp.topic)) {
            from.splice(i, 1);
            list(receiver).push(tp);
            moved = true;
            break search;
          }
        }
      }
    }
    if (!moved) return;
  }
}

/**
 * The `cooperative-sticky` assignor.
 *
 * @example
 * ```ts
 * // Every member must offer it (and only cooperative assignors) for incremental rebalances.
 * const consumer = new Consumer({ bootstrap, groupId: 'g', assignors: [cooperativeStickyAssignor] });
 * ```
 */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocols: ['COOPERATIVE', 'EAGER'],
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]> {
    const owners = previousOwners(members, partitionsPerTopic);
    const assignment = stickyAssign(members, partitionsPerTopic, owners);
    for (const [memberId, list] of assignment) {
      const kept = list.filter((tp) => {
        const owner = owners.get(tpKey(tp.topic, tp.partition));
        return owner === undefined || owner === memberId;
      });
      assignment.set(memberId, kept);
    }
    return assignment;
  },
};
