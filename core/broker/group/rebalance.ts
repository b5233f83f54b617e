/**
 * How a group moves between generations, as Kafka's GroupCoordinator does it: starting a
 * rebalance, completing the join phase when every member has rejoined or the rebalance timeout
 * passed (dropping dynamic members that did not rejoin), handing out the new generation, waiting
 * for SyncGroups (dropping members that never send one), and member session expiry. Everything
 * here runs synchronously inside one request or one timer callback, so a group is never seen
 * half-changed.
 */
import { ErrorCode } from '../../util/error-codes.js';
import type { Group } from './group.js';
import { GroupState } from './group.js';
import type { GroupEnv } from './group-env.js';
import { joinError, syncError } from './member.js';
import type { Member } from './member.js';

/** Restarts `member`'s session timer: it must heartbeat (or join, sync, commit) within `timeoutMs`. */
export function scheduleExpiry(
  env: GroupEnv,
  group: Group,
  member: Member,
  timeoutMs: number,
): void {
  member.setExpiry(
    env.timers.setTimeout(() => {
      onSessionExpired(env, group, member);
    }, timeoutMs),
  );
}

function onSessionExpired(env: GroupEnv, group: Group, member: Member): void {
  if (group.get(member.memberId) !== member) return;
  // A member whose JoinGroup or SyncGroup is parked is waiting on the coordinator, not silent:
  // it gets another session (the rebalance restarts its timer anyway when it answers). New
  // members are the exception (KIP-394).
  if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) {
    scheduleExpiry(env, group, member, member.sessionTimeoutMs);
    return;
  }
  env.logger.info(
    { group: group.groupId, member: member.memberId, sessionTimeoutMs: member.sessionTimeoutMs },
    'member session expired',
  );
  removeMemberAndUpdateGroup(env, group, member, 'session expired');
}

/** Removes a member (it left or expired) and moves the group on. */
export function removeMemberAndUpdateGroup(
  env: GroupEnv,
  group: Group,
  member: Member,
  reason: string,
): void {
  // A parked request of a removed member must still be answered; UNKNOWN_MEMBER_ID makes a live
  // client join again.
  member.completeJoin(joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  member.completeSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  group.remove(member.memberId);
  switch (group.state) {
    case GroupState.STABLE:
    case GroupState.COMPLETING_REBALANCE:
      prepareRebalance(env, group, `${reason}: ${member.memberId}`);
      break;
    case GroupState.PREPARING_REBALANCE:
      tryCompleteJoin(env, group);
      break;
    default:
      break;
  }
}

/** Starts a rebalance unless one is already preparing (or the group is dead). */
export function maybePrepareRebalance(env: GroupEnv, group: Group, reason: string): void {
  if (group.canRebalance) prepareRebalance(env, group, reason);
}

/**
 * Moves the group to PreparingRebalance. Members parked in SyncGroup learn that their generation
 * is over (REBALANCE_IN_PROGRESS). An empty group first waits `group.initial.rebalance.delay.ms`
 * for more members (and again while they keep coming, up to the rebalance timeout); otherwise
 * the join phase ends when all members rejoined or the rebalance timeout passed.
 */
export function prepareRebalance(env: GroupEnv, group: Group, reason: string): void {
  if (group.is(GroupState.COMPLETING_REBALANCE))
    failSync(env, group, ErrorCode.REBALANCE_IN_PROGRESS);
  group.clearSyncTimer();
  const fromEmpty = group.is(GroupState.EMPTY);
  group.transitionTo(GroupState.PREPARING_REBALANCE, env.clock.now());
  env.logger.info(
    { group: group.groupId, generation: group.generationId, members: group.size, reason },
    'preparing to rebalance',
  );
  if (fromEmpty) {
    const delayMs = env.config.initialRebalanceDelayMs;
    group.newMemberAdded = false;
    armInitialDelay(env, group, delayMs, Math.max(group.rebalanceTimeoutMs - delayMs, 0));
  } else {
    armRebalanceTimeout(env, group);
    tryCompleteJoin(env, group);
  }
}

function armInitialDelay(env: GroupEnv, group: Group, delayMs: number, remainingMs: number): void {
  const generation = group.generationId;
  const cancel = env.timers.setTimeout(() => {
    if (!group.is(GroupState.PREPARING_REBALANCE) || group.generationId !== generation) return;
    if (group.newMemberAdded && remainingMs > 0) {
      group.newMemberAdded = false;
      const next = Math.min(env.config.initialRebalanceDelayMs, remainingMs);
      armInitialDelay(env, group, next, remainingMs - next);
    } else {
      completeJoin(env, group);
    }
  }, delayMs);
  group.setJoinTimer('initial', cancel);
}

function armRebalanceTimeout(env: GroupEnv, group: Group): void {
  const generation = group.generationId;
  const cancel = env.timers.setTimeout(() => {
    if (!group.is(GroupState.PREPARING_REBALANCE) || group.generationId !== generation) return;
    completeJoin(env, group);
  }, group.rebalanceTimeoutMs);
  group.setJoinTimer('rebalance', cancel);
}

/** Ends the join phase early when every member has rejoined (not during the initial delay). */
export function tryCompleteJoin(env: GroupEnv, group: Group): void {
  if (
    group.is(GroupState.PREPARING_REBALANCE) &&
    group.joinTimerKind === 'rebalance' &&
    group.allMembersJoined
  ) {
    completeJoin(env, group);
  }
}

/**
 * The end of the join phase (Kafka's onCompleteJoin): dynamic members that did not rejoin are
 * dropped (static ones keep their place until their session expires), then every member gets the
 * new generation, the leader with everybody's metadata. If members remain but none rejoined, the
 * phase waits another rebalance timeout.
 */
function completeJoin(env: GroupEnv, group: Group): void {
  group.clearJoinTimer();
  for (const m of group.notYetRejoined()) {
    if (m.isStatic) continue;
    env.logger.info({ group: group.groupId, member: m.memberId }, 'member did not rejoin in time');
    group.remove(m.memberId);
  }
  if (group.is(GroupState.DEAD)) return;
  if (!group.electJoinedLeader() && group.size > 0) {
    armRebalanceTimeout(env, group);
    return;
  }
  const now = env.clock.now();
  group.initNextGeneration(now);
  if (group.is(GroupState.EMPTY)) {
    const stored = env.store.storeGroup(group, now);
    if (stored !== ErrorCode.NONE)
      env.logger.warn({ group: group.groupId, errorCode: stored }, 'cannot store an empty group');
    return;
  }
  env.logger.info(
    {
      group: group.groupId,
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      members: group.size,
    },
    'rebalance: new generation',
  );
  const everybody = group.currentMemberMetadata();
  for (const m of group.members.values()) {
    m.completeJoin({
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: m.memberId,
      members: group.isLeader(m.memberId) ? everybody : [],
    });
    scheduleExpiry(env, group, m, m.sessionTimeoutMs);
    m.isNew = false;
    group.pendingSync.add(m.memberId);
  }
  armSyncTimeout(env, group);
}

/**
 * Members that got the new generation must send SyncGroup within the rebalance timeout; those
 * that do not are dropped and the group rebalances again (so a leader that died after its
 * JoinGroup cannot stall the group forever).
 */
function armSyncTimeout(env: GroupEnv, group: Group): void {
  const generation = group.generationId;
  group.setSyncTimer(
    env.timers.setTimeout(() => {
      const live = group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE);
      if (!live || group.generationId !== generation || group.pendingSync.size === 0) return;
      const missing = [...group.pendingSync];
      for (const id of missing) group.remove(id);
      prepareRebalance(env, group, `no SyncGroup from ${missing.join(', ')}`);
    }, group.rebalanceTimeoutMs),
  );
}

/** Notes a member's SyncGroup; the sync timer stops once everybody synced. */
export function markSynced(group: Group, memberId: string): void {
  if (group.pendingSync.delete(memberId) && group.pendingSync.size === 0) group.clearSyncTimer();
}

/**
 * Ends a rebalance: every member gets its assignment (parked followers are answered now) and the
 * group is Stable.
 */
export function completeSync(
  env: GroupEnv,
  group: Group,
  assignments: ReadonlyMap<string, Buffer>,
): void {
  for (const m of group.members.values()) {
    m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
    if (m.completeSync({ errorCode: ErrorCode.NONE, assignment: m.assignment })) {
      // Its session may have expired while it waited on the leader: give it a fresh one.
      scheduleExpiry(env, group, m, m.sessionTimeoutMs);
    }
  }
  group.transitionTo(GroupState.STABLE, env.clock.now());
}

/**
 * Answers members parked in SyncGroup with `errorCode` and forgets the assignments. Their sessions
 * restart: they were waiting on us, and must now rejoin within a session.
 */
export function failSync(env: GroupEnv, group: Group, errorCode: ErrorCode): void {
  for (const m of group.members.values()) {
    m.assignment = Buffer.alloc(0);
    if (m.completeSync(syncError(errorCode))) scheduleExpiry(env, group, m, m.sessionTimeoutMs);
  }
}
