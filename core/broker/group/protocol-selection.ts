/**
 * Choosing a group's protocol (its assignor) as Kafka does. The candidates are the protocols every
 * member supports; each member votes for the first candidate in its own preference order, and the
 * candidate with the most votes wins. Kafka breaks ties arbitrarily; fjord picks the tied
 * candidate voted for first in join order (so the earliest member, usually the leader, decides),
 * which keeps the choice reproducible.
 */
import { assert } from '../../util/assert.js';
import type { MemberProtocol } from './member.js';

/** What protocol selection needs of a member. */
export interface Voter {
  readonly protocols: readonly MemberProtocol[];
}

/** The protocols every one of `members` supports. */
export function candidateProtocols(members: Iterable<Voter>): Set<string> {
  let candidates: Set<string> | undefined;
  for (const member of members) {
    const names = new Set(member.protocols.map((p) => p.name));
    candidates =
      candidates === undefined ? names : new Set([...candidates].filter((n) => names.has(n)));
  }
  return candidates ?? new Set();
}

/** The protocol `members` vote for; they must share at least one. */
export function selectProtocol(members: readonly Voter[]): string {
  const candidates = candidateProtocols(members);
  const votes = new Map<string, number>();
  for (const member of members) {
    const vote = member.protocols.find((p) => candidates.has(p.name));
    assert(vote !== undefined, 'every member supports a candidate protocol');
    votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestVotes = 0;
  // Map iteration follows insertion, i.e. the order the votes were first cast.
  for (const [name, count] of votes) {
    if (count > bestVotes) {
      best = name;
      bestVotes = count;
    }
  }
  assert(best !== undefined, 'a group with members selects a protocol');
  return best;
}

/**
 * Whether a member joining with `protocolType` and `protocols` can be in a group whose members
 * currently support `members`' protocols: an empty group takes any non-empty type and protocol
 * list; otherwise the type must match the group's and at least one of the protocols must be
 * supported by every current member (the joining member's old protocols included, as Kafka
 * counts them). A mismatch is INCONSISTENT_GROUP_PROTOCOL for the joining member only.
 */
export function supportsProtocols(
  group: { readonly protocolType: string | null; readonly members: readonly Voter[] },
  protocolType: string,
  protocols: readonly MemberProtocol[],
): boolean {
  if (group.members.length === 0) return protocolType !== '' && protocols.length > 0;
  if (group.protocolType !== protocolType) return false;
  const counts = new Map<string, number>();
  for (const member of group.members) {
    for (const p of new Set(member.protocols.map((x) => x.name)))
      counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return protocols.some((p) => counts.get(p.name) === group.members.length);
}
