/**
 * A classic group's state: its members, generation, protocol, leader and committed offsets, and
 * the state machine Kafka's GroupMetadata enforces:
 *
 * ```
 *            ┌──────────── member joins ─────────────┐
 *            v                                       │
 *   Empty ──> PreparingRebalance ──> CompletingRebalance ──> Stable
 *     ^        │   ^    all joined or     │   ^ leader's      │
 *     └────────┘   │    rebalance timeout │   │ SyncGroup     │
 *   nobody rejoined└──── join, leave, expiry, sync timeout ───┘
 *   any state ──> Dead (deleted, expired, or its offsets partition gone)
 * ```
 * This class only holds state and checks transitions; what moves the group (timers, parked
 * requests, persistence) lives in rebalance.ts and its callers.
 */
import { assert } from '../../util/assert.js';
import { ErrorCode } from '../../util/error-codes.js';
import { CONSUMER_PROTOCOL_TYPE, subscriptionTopics } from './consumer-subscription.js';
import { joinError, syncError } from './member.js';
import type { JoinedMember, Member, MemberProtocol } from './member.js';
import { selectProtocol, supportsProtocols } from './protocol-selection.js';

/** Kafka's group states, named as DescribeGroups and ListGroups report them. */
export const GroupState = {
  EMPTY: 'Empty',
  PREPARING_REBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  STABLE: 'Stable',
  DEAD: 'Dead',
} as const;
/** One of {@link GroupState}. */
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** The states each state may be entered from (Kafka's `validPreviousStates`). */
const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  [GroupState.EMPTY]: [GroupState.PREPARING_REBALANCE],
  [GroupState.PREPARING_REBALANCE]: [
    GroupState.STABLE,
    GroupState.COMPLETING_REBALANCE,
    GroupState.EMPTY,
  ],
  [GroupState.COMPLETING_REBALANCE]: [GroupState.PREPARING_REBALANCE],
  [GroupState.STABLE]: [GroupState.COMPLETING_REBALANCE],
  [GroupState.DEAD]: [
    GroupState.STABLE,
    GroupState.PREPARING_REBALANCE,
    GroupState.COMPLETING_REBALANCE,
    GroupState.EMPTY,
    GroupState.DEAD,
  ],
};

/** A committed offset. */
export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
  /** An explicit expiry time (old OffsetCommit retention_time_ms), or -1. */
  readonly expireTimestampMs: number;
}

/** The pending rebalance timer: the initial delay of an empty group, or the rebalance timeout. */
export type JoinTimerKind = 'initial' | 'rebalance';

/** See the module comment. */
export class Group {
  private currentState: GroupState = GroupState.EMPTY;
  /** When the group entered its state (Kafka's currentStateTimestamp). */
  stateTimestampMs: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Members by id, in join order (the leader falls back to the earliest). */
  readonly members = new Map<string, Member>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED and not used yet → the cancel of their expiry. */
  readonly pendingMembers = new Map<string, () => void>();
  /** Members that got this generation's JoinGroup answer and have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** The topics the consumer members subscribe to; undefined when unknown. */
  subscribedTopics: ReadonlySet<string> | undefined;
  /** A member joined during the initial delay, which then waits again (up to the timeout). */
  newMemberAdded = false;
  private joinTimer: { kind: JoinTimerKind; cancel: () => void } | undefined;
  private cancelSyncTimer: (() => void) | undefined;

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateTimestampMs = nowMs;
  }

  get state(): GroupState {
    return this.currentState;
  }

  is(state: GroupState): boolean {
    return this.currentState === state;
  }

  /**
   * Sets the state of a group read back from `__consumer_offsets`: Stable with its stored members,
   * or Empty. Not a transition: the group is being rebuilt, not moved.
   */
  restoreState(
    state: typeof GroupState.EMPTY | typeof GroupState.STABLE,
    timestampMs: number,
  ): void {
    assert(
      this.is(GroupState.EMPTY) && this.members.size > 0 === (state === GroupState.STABLE),
      'restoring a new group',
    );
    this.currentState = state;
    this.stateTimestampMs = timestampMs;
  }

  /** Moves to `state`; an illegal transition is a bug. */
  transitionTo(state: GroupState, nowMs: number): void {
    assert(
      VALID_PREVIOUS[state].includes(this.currentState),
      `group ${this.groupId}: ${this.currentState} → ${state}`,
    );
    this.currentState = state;
    this.stateTimestampMs = nowMs;
  }

  /** Whether a join, leave or expiry may start a rebalance now. */
  get canRebalance(): boolean {
    return VALID_PREVIOUS[GroupState.PREPARING_REBALANCE].includes(this.currentState);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): Member | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Adds a member; the first one leads. A group's protocol type is its first member's. */
  add(member: Member): void {
    assert(!this.members.has(member.memberId), `member ${member.memberId} joined twice`);
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.leaderId ??= member.memberId;
    if (member.groupInstanceId !== null)
      this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  /** Removes a member and its timers; a removed leader passes the lead to the earliest member. */
  remove(memberId: string): Member | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    member.clearExpiry();
    this.members.delete(memberId);
    if (
      member.groupInstanceId !== null &&
      this.staticMembers.get(member.groupInstanceId) === memberId
    )
      this.staticMembers.delete(member.groupInstanceId);
    this.pendingSync.delete(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /**
   * Gives a static member's entry a new member id (it restarted and joined without its old id).
   * The old id is fenced: its parked requests get FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.members.get(oldMemberId);
    assert(member !== undefined, `static member ${oldMemberId} exists`);
    member.completeJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    member.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    // Rebuilt in order, so the member keeps its place (and possibly the lead).
    const entries = [...this.members.entries()];
    this.members.clear();
    for (const [id, m] of entries) this.members.set(id === oldMemberId ? newMemberId : id, m);
    member.memberId = newMemberId;
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /**
   * Whether `memberId` (with `groupInstanceId`) is a current member: NONE, FENCED_INSTANCE_ID when
   * the instance id belongs to another member id (an older incarnation of a static member),
   * UNKNOWN_MEMBER_ID otherwise.
   */
  validateMember(memberId: string, groupInstanceId: string | null): ErrorCode {
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      return current === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** The longest rebalance timeout among the members: how long a rebalance may wait. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Every member has sent its JoinGroup, and no MEMBER_ID_REQUIRED id is outstanding. */
  get allMembersJoined(): boolean {
    for (const m of this.members.values()) if (!m.isAwaitingJoin) return false;
    return this.pendingMembers.size === 0;
  }

  /** Members that have not sent JoinGroup in this rebalance. */
  notYetRejoined(): Member[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /**
   * Keeps the leader if it rejoined, else hands the lead to a member that did. False when no
   * member rejoined (or there are no members).
   */
  electJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin === true) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Whether a member joining with these protocols may be in this group (protocol-selection.ts). */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    return supportsProtocols(
      { protocolType: this.protocolType, members: [...this.members.values()] },
      protocolType,
      protocols,
    );
  }

  /** The protocol the members would vote for now. */
  selectProtocol(): string {
    return selectProtocol([...this.members.values()]);
  }

  /**
   * Starts the next generation once a rebalance's joins are in: CompletingRebalance with a voted
   * protocol, or Empty when nobody is left.
   */
  initNextGeneration(nowMs: number): void {
    assert(this.is(GroupState.PREPARING_REBALANCE), `group ${this.groupId} is rebalancing`);
    this.generationId++;
    this.pendingSync.clear();
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo(GroupState.EMPTY, nowMs);
    }
    this.subscribedTopics = this.computeSubscribedTopics();
  }

  /**
   * The members' topics: known for consumer groups (none when empty) whose every subscription
   * parses, undefined otherwise.
   */
  computeSubscribedTopics(): ReadonlySet<string> | undefined {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return undefined;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const subscribed = subscriptionTopics(m.metadata(this.protocolName));
      if (subscribed === undefined) return undefined;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  /** Every member with its metadata for the chosen protocol: the leader's JoinGroup answer. */
  currentMemberMetadata(): JoinedMember[] {
    const protocol = this.protocolName;
    assert(protocol !== null, `group ${this.groupId} has a protocol`);
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  /** Arms the rebalance timer, replacing any. */
  setJoinTimer(kind: JoinTimerKind, cancel: () => void): void {
    this.clearJoinTimer();
    this.joinTimer = { kind, cancel };
  }

  get joinTimerKind(): JoinTimerKind | undefined {
    return this.joinTimer?.kind;
  }

  clearJoinTimer(): void {
    this.joinTimer?.cancel();
    this.joinTimer = undefined;
  }

  /** Arms the pending-sync timer, replacing any. */
  setSyncTimer(cancel: () => void): void {
    this.clearSyncTimer();
    this.cancelSyncTimer = cancel;
  }

  clearSyncTimer(): void {
    this.cancelSyncTimer?.();
    this.cancelSyncTimer = undefined;
  }

  /** Stops every timer of the group and its members (the group died or the broker stops). */
  clearTimers(): void {
    this.clearJoinTimer();
    this.clearSyncTimer();
    for (const m of this.members.values()) m.clearExpiry();
    for (const cancel of this.pendingMembers.values()) cancel();
    this.pendingMembers.clear();
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setOffset(topic: string, partition: number, offset: CommittedOffset): void {
    let partitions = this.offsets.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.offsets.set(topic, partitions);
    }
    partitions.set(partition, offset);
  }

  removeOffset(topic: string, partition: number): boolean {
    const partitions = this.offsets.get(topic);
    if (partitions?.delete(partition) !== true) return false;
    if (partitions.size === 0) this.offsets.delete(topic);
    return true;
  }

  /** Whether a consumer member subscribes to `topic`. */
  isSubscribedTo(topic: string): boolean {
    return this.subscribedTopics?.has(topic) === true;
  }
}
