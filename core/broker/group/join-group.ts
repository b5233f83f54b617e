/**
 * JoinGroup inside one group, as Kafka's GroupCoordinator handles it. A member without an id gets
 * one: static members (group.instance.id) at once, dynamic members of JoinGroup v4+ through
 * MEMBER_ID_REQUIRED (they join again with it), older ones at once. A new member, a member whose
 * protocols changed, or the leader rejoining a stable group starts a rebalance; a follower
 * rejoining unchanged just gets the current generation again. A static member that restarts takes
 * over its old entry and assignment without a rebalance when the group's protocol would not
 * change; its old member id is fenced. The request parks (the returned promise) until the
 * rebalance answers it.
 */
import { assert } from '../../util/assert.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Group } from './group.js';
import { GroupState } from './group.js';
import type { GroupEnv } from './group-env.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS } from './group-env.js';
import { Member, joinError } from './member.js';
import type { JoinResult, MemberProtocol } from './member.js';
import { maybePrepareRebalance, scheduleExpiry, tryCompleteJoin } from './rebalance.js';

/** A JoinGroup as the coordinator sees it. */
export interface JoinRequest {
  readonly groupId: string;
  /** '' for a member joining for the first time. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  /** JoinGroup v4+: a dynamic member without an id first gets MEMBER_ID_REQUIRED. */
  readonly requireKnownMemberId: boolean;
}

/** Mints member ids: `<prefix>-<uuid>`, the prefix being the instance id or the client id. */
export type MemberIdFactory = (prefix: string) => string;

type Respond = (result: JoinResult) => void;

/** A successful answer with the group's current generation (no rebalance). */
function currentGeneration(group: Group, memberId: string, leaderId: string | null): JoinResult {
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: leaderId ?? '',
    memberId,
    members: group.isLeader(memberId) && leaderId === memberId ? group.currentMemberMetadata() : [],
  };
}

/**
 * Handles a JoinGroup for `group` (the caller validated the group id, the coordinator's state and
 * the session timeout). Resolves when the group answers: at once for errors and unchanged
 * followers, at the end of the join phase otherwise.
 */
export function joinGroup(
  env: GroupEnv,
  group: Group,
  req: JoinRequest,
  newMemberId: MemberIdFactory,
): Promise<JoinResult> {
  return new Promise((resolve) => {
    if (req.memberId === '') joinNewMember(env, group, req, newMemberId, resolve);
    else joinKnownMember(env, group, req, resolve);
    // A join may have been the last one the rebalance waited for.
    if (group.is(GroupState.PREPARING_REBALANCE)) tryCompleteJoin(env, group);
  });
}

function joinNewMember(
  env: GroupEnv,
  group: Group,
  req: JoinRequest,
  newMemberId: MemberIdFactory,
  respond: Respond,
): void {
  if (group.is(GroupState.DEAD)) {
    respond(joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    return;
  }
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    respond(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return;
  }
  const staticMember =
    req.groupInstanceId === null ? undefined : group.staticMembers.get(req.groupInstanceId);
  if (staticMember === undefined && group.size + group.pendingMembers.size >= env.config.maxSize) {
    respond(joinError(req.memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
    return;
  }
  const memberId = newMemberId(req.groupInstanceId ?? req.clientId);
  if (req.groupInstanceId !== null && staticMember !== undefined) {
    rejoinStaticMember(env, group, req, staticMember, memberId, respond);
  } else if (req.groupInstanceId === null && req.requireKnownMemberId) {
    // The id is only promised: the member must come back with it within its session timeout.
    const cancel = env.timers.setTimeout(() => {
      if (group.pendingMembers.delete(memberId)) tryCompleteJoin(env, group);
    }, req.sessionTimeoutMs);
    group.pendingMembers.set(memberId, cancel);
    respond(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
  } else {
    addMemberAndRebalance(env, group, req, memberId, respond);
  }
}

function joinKnownMember(env: GroupEnv, group: Group, req: JoinRequest, respond: Respond): void {
  const refusal = group.is(GroupState.DEAD)
    ? ErrorCode.COORDINATOR_NOT_AVAILABLE
    : group.supportsProtocols(req.protocolType, req.protocols)
      ? ErrorCode.NONE
      : ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  if (refusal !== ErrorCode.NONE) {
    respond(joinError(req.memberId, refusal));
    return;
  }
  const cancelPending = group.pendingMembers.get(req.memberId);
  if (cancelPending !== undefined) {
    cancelPending();
    group.pendingMembers.delete(req.memberId);
    addMemberAndRebalance(env, group, req, req.memberId, respond);
    return;
  }
  const valid = group.validateMember(req.memberId, req.groupInstanceId);
  const member = group.get(req.memberId);
  if (valid !== ErrorCode.NONE || member === undefined) {
    respond(
      joinError(req.memberId, valid === ErrorCode.NONE ? ErrorCode.UNKNOWN_MEMBER_ID : valid),
    );
    return;
  }
  switch (group.state) {
    case GroupState.PREPARING_REBALANCE:
      updateMemberAndRebalance(env, group, member, req, respond);
      return;
    case GroupState.COMPLETING_REBALANCE:
      // Same metadata: it missed our answer; send this generation again.
      if (member.matches(req.protocols))
        respond(currentGeneration(group, member.memberId, group.leaderId));
      else updateMemberAndRebalance(env, group, member, req, respond);
      return;
    case GroupState.STABLE:
      // The leader rejoining asks for a new assignment (e.g. its topics' partitions changed).
      if (group.isLeader(member.memberId) || !member.matches(req.protocols))
        updateMemberAndRebalance(env, group, member, req, respond);
      else respond(currentGeneration(group, member.memberId, group.leaderId));
      return;
    default:
      // An empty group has no members to match: the client must join anew.
      respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
}

function addMemberAndRebalance(
  env: GroupEnv,
  group: Group,
  req: JoinRequest,
  memberId: string,
  respond: Respond,
): void {
  const member = new Member({ ...req, memberId });
  member.isNew = true;
  member.awaitJoin(respond);
  // A member arriving during the initial delay makes the group wait a little longer for more.
  if (group.is(GroupState.PREPARING_REBALANCE) && group.joinTimerKind === 'initial')
    group.newMemberAdded = true;
  group.add(member);
  // Its JoinGroup is parked and it cannot heartbeat yet; if the client went away we would never
  // know, so a new member only gets so long (KIP-394).
  scheduleExpiry(env, group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
  maybePrepareRebalance(env, group, `member ${memberId} joined`);
}

function updateMemberAndRebalance(
  env: GroupEnv,
  group: Group,
  member: Member,
  req: JoinRequest,
  respond: Respond,
): void {
  member.protocols = req.protocols;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.awaitJoin(respond);
  maybePrepareRebalance(env, group, `member ${member.memberId} rejoined`);
}

/**
 * A static member joining without its member id (it restarted): it replaces its old entry under
 * a new id, fencing the old one. In a stable group whose protocol choice it does not change, it
 * keeps its assignment and gets the current generation without a rebalance; the group is stored
 * with the new member id first. The answer names the *old* leader id, so that a restarted leader
 * does not compute an assignment a stable group would never distribute.
 */
function rejoinStaticMember(
  env: GroupEnv,
  group: Group,
  req: JoinRequest,
  oldMemberId: string,
  newMemberId: string,
  respond: Respond,
): void {
  const instanceId = req.groupInstanceId;
  assert(instanceId !== null, 'a static member has an instance id');
  const leaderBefore = group.leaderId;
  const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
  scheduleExpiry(env, group, member, req.sessionTimeoutMs);
  const before = {
    protocols: member.protocols,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
  };
  member.protocols = req.protocols;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  switch (group.state) {
    case GroupState.STABLE: {
      if (group.protocolName !== group.selectProtocol()) {
        member.awaitJoin(respond);
        maybePrepareRebalance(env, group, `static member ${instanceId} changed the protocol`);
        return;
      }
      const stored = env.store.storeGroup(group, env.clock.now());
      if (stored !== ErrorCode.NONE) {
        // Not persisted: undo, so the old incarnation stays the member of record.
        Object.assign(member, before);
        group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
        scheduleExpiry(env, group, member, member.sessionTimeoutMs);
        respond(joinError('', stored));
        return;
      }
      env.logger.info(
        { group: group.groupId, instanceId, memberId: newMemberId },
        'static member rejoined without a rebalance',
      );
      respond(currentGeneration(group, newMemberId, leaderBefore));
      return;
    }
    case GroupState.COMPLETING_REBALANCE:
      member.awaitJoin(respond);
      maybePrepareRebalance(env, group, `static member ${instanceId} rejoined`);
      return;
    default:
      // PreparingRebalance: it simply joins this rebalance.
      member.awaitJoin(respond);
  }
}
