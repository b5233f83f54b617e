/**
 * SyncGroup, Heartbeat and LeaveGroup inside one group, as Kafka's GroupCoordinator handles them.
 * Each first checks the member (FENCED_INSTANCE_ID for an old incarnation of a static member,
 * UNKNOWN_MEMBER_ID for a stranger) and its generation (ILLEGAL_GENERATION), then acts by state.
 */
import { ErrorCode } from '../../util/error-codes.js';
import type { Group } from './group.js';
import { GroupState } from './group.js';
import type { GroupEnv } from './group-env.js';
import { syncError } from './member.js';
import type { SyncResult } from './member.js';
import {
  completeSync,
  failSync,
  markSynced,
  maybePrepareRebalance,
  removeMemberAndUpdateGroup,
  scheduleExpiry,
  tryCompleteJoin,
} from './rebalance.js';

/** A SyncGroup as the coordinator sees it. */
export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** The leader's assignment, by member id; followers send none. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

/** A member identity in a Heartbeat or LeaveGroup. */
export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** Whether a request from this member of this generation may act on the group. */
function checkMember(
  group: Group,
  memberId: string,
  groupInstanceId: string | null,
  generationId: number,
): ErrorCode {
  if (group.is(GroupState.DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const valid = group.validateMember(memberId, groupInstanceId);
  if (valid !== ErrorCode.NONE) return valid;
  return generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
}

/**
 * SyncGroup. During CompletingRebalance followers park until the leader's SyncGroup brings the
 * assignment; the leader's assignment (empty for members it left out) is stored first, and a
 * failed store sends the group back to rebalancing. In a stable group the member gets its
 * assignment at once.
 */
export function syncGroup(
  env: GroupEnv,
  group: Group,
  req: SyncRequest,
): SyncResult | Promise<SyncResult> {
  const checked = checkMember(group, req.memberId, req.groupInstanceId, req.generationId);
  if (checked !== ErrorCode.NONE) return syncError(checked);
  const member = group.get(req.memberId);
  if (member === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  switch (group.state) {
    case GroupState.PREPARING_REBALANCE:
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    case GroupState.STABLE:
      markSynced(group, member.memberId);
      scheduleExpiry(env, group, member, member.sessionTimeoutMs);
      return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    case GroupState.COMPLETING_REBALANCE:
      return new Promise((resolve) => {
        member.awaitSync(resolve);
        markSynced(group, member.memberId);
        if (group.isLeader(member.memberId)) leaderSync(env, group, req);
      });
    default:
      return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  }
}

function leaderSync(env: GroupEnv, group: Group, req: SyncRequest): void {
  const assignments = new Map<string, Buffer>();
  for (const { memberId, assignment } of req.assignments) {
    // Copied: the request buffer must not stay pinned for the life of the generation.
    if (group.has(memberId)) assignments.set(memberId, Buffer.from(assignment));
  }
  const stored = env.store.storeGroup(group, env.clock.now(), assignments);
  if (stored !== ErrorCode.NONE) {
    assignmentNotStored(env, group, stored);
    return;
  }
  // As Kafka, the members learn their assignment only once the ISR holds it: a coordinator that
  // fails over must not come back with an older generation than its members were told.
  const generation = group.generationId;
  void env.store
    .awaitReplicated(group.groupId, env.config.offsetsCommitTimeoutMs)
    .catch((err: unknown) => {
      env.logger.warn({ group: group.groupId, err }, 'cannot wait for the assignment to replicate');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    })
    .then((replicated) => {
      // A member left or joined meanwhile: the group moved on and has answered its members.
      if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId !== generation) return;
      if (replicated !== ErrorCode.NONE) {
        assignmentNotStored(env, group, replicated);
        return;
      }
      completeSync(env, group, assignments);
      env.logger.info(
        { group: group.groupId, generation: group.generationId, members: group.size },
        'group stable',
      );
    })
    .catch((err: unknown) => {
      // A bug in one group must not take the broker down with an unhandled rejection.
      env.logger.error({ group: group.groupId, err }, 'completing the sync failed');
    });
}

function assignmentNotStored(env: GroupEnv, group: Group, errorCode: ErrorCode): void {
  env.logger.warn({ group: group.groupId, errorCode }, 'cannot store the assignment');
  failSync(env, group, errorCode);
  maybePrepareRebalance(env, group, 'the assignment could not be stored');
}

/**
 * Heartbeat: restarts the member's session timer. During PreparingRebalance it answers
 * REBALANCE_IN_PROGRESS, which tells the member to rejoin; during CompletingRebalance it answers
 * NONE (the member already has the new generation and is about to sync).
 */
export function heartbeat(
  env: GroupEnv,
  group: Group,
  identity: MemberIdentity,
  generationId: number,
): ErrorCode {
  const checked = checkMember(group, identity.memberId, identity.groupInstanceId, generationId);
  if (checked !== ErrorCode.NONE) return checked;
  const member = group.get(identity.memberId);
  if (member === undefined || group.is(GroupState.EMPTY)) return ErrorCode.UNKNOWN_MEMBER_ID;
  scheduleExpiry(env, group, member, member.sessionTimeoutMs);
  return group.is(GroupState.PREPARING_REBALANCE)
    ? ErrorCode.REBALANCE_IN_PROGRESS
    : ErrorCode.NONE;
}

/**
 * LeaveGroup for one member: a static member may leave by instance id alone (member id ''), a
 * member holding a MEMBER_ID_REQUIRED id just gives it back. The group rebalances without it.
 */
export function leaveGroup(env: GroupEnv, group: Group, identity: MemberIdentity): ErrorCode {
  if (group.is(GroupState.DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  let memberId = identity.memberId;
  if (memberId === '' && identity.groupInstanceId !== null) {
    const found = group.staticMembers.get(identity.groupInstanceId);
    if (found === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    memberId = found;
  } else {
    const cancelPending = group.pendingMembers.get(memberId);
    if (cancelPending !== undefined) {
      cancelPending();
      group.pendingMembers.delete(memberId);
      tryCompleteJoin(env, group);
      return ErrorCode.NONE;
    }
    const valid = group.validateMember(memberId, identity.groupInstanceId);
    if (valid !== ErrorCode.NONE) return valid;
  }
  const member = group.get(memberId);
  if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  env.logger.info({ group: group.groupId, member: memberId }, 'member left');
  removeMemberAndUpdateGroup(env, group, member, 'member left');
  return ErrorCode.NONE;
}
