/**
 * What DescribeGroups and ListGroups report about groups, as Kafka's GroupMetadata.summary does:
 * member metadata and assignments only for a Stable group (during a rebalance they are in flux),
 * an unknown group described as Dead with no error.
 */
import { ErrorCode } from '../../util/error-codes.js';
import type { Group } from './group.js';
import { GroupState } from './group.js';
import { EMPTY_BYTES } from './member.js';

/** One member as DescribeGroups shows it. */
export interface MemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly metadata: Buffer;
  readonly assignment: Buffer;
}

/** One group as DescribeGroups shows it. */
export interface GroupDescription {
  readonly errorCode: ErrorCode;
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  /** The chosen protocol for a Stable group, '' otherwise. */
  readonly protocolData: string;
  readonly members: readonly MemberDescription[];
}

/** One group as ListGroups shows it. */
export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

/** Describes `group` (undefined: unknown), or answers `errorCode` when it is not NONE. */
export function describeGroup(
  groupId: string,
  errorCode: ErrorCode,
  group: Group | undefined,
): GroupDescription {
  const dead: GroupDescription = {
    errorCode,
    groupId,
    state: GroupState.DEAD,
    protocolType: '',
    protocolData: '',
    members: [],
  };
  if (errorCode !== ErrorCode.NONE || group === undefined) return dead;
  const protocol = group.is(GroupState.STABLE) ? group.protocolName : null;
  return {
    errorCode,
    groupId,
    state: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: protocol ?? '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: protocol === null ? EMPTY_BYTES : m.metadata(protocol),
      assignment: protocol === null ? EMPTY_BYTES : m.assignment,
    })),
  };
}

/** The live groups, filtered by state names (any case) when `states` is not empty. */
export function listGroups(groups: Iterable<Group>, states: readonly string[]): GroupListing[] {
  const wanted = new Set(states.map((s) => s.toLowerCase()));
  const out: GroupListing[] = [];
  for (const group of groups) {
    if (group.is(GroupState.DEAD)) continue;
    if (wanted.size > 0 && !wanted.has(group.state.toLowerCase())) continue;
    out.push({
      groupId: group.groupId,
      protocolType: group.protocolType ?? '',
      state: group.state,
    });
  }
  return out;
}
