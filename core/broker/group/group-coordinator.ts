/**
 * The group coordinator of Kafka's classic group protocol: one per broker, owning every group
 * (a single broker leads every partition of `__consumer_offsets`). It checks what all group
 * requests share (a valid group id, a running coordinator, a loaded offsets partition), finds or
 * creates the group, and hands over to the per-group logic: join-group.ts, membership.ts,
 * offsets.ts and group-admin.ts. On start it replays `__consumer_offsets`, answering
 * COORDINATOR_LOAD_IN_PROGRESS for the groups of partitions not loaded yet.
 *
 * JoinGroup and SyncGroup return promises that stay pending until the rebalance answers them;
 * they never block the event loop, and timers (session, rebalance, sync, retention) are
 * injected so tests drive time.
 */
import { randomUUID } from 'node:crypto';

import { AssertionError } from '../../util/assert.js';
import type { Clock } from '../../util/clock.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Logger } from '../../util/logger.js';
import type { Timers } from '../timers.js';
import { describeGroup, listGroups } from './group-admin.js';
import type { GroupDescription, GroupListing } from './group-admin.js';
import type { GroupCoordinatorConfig, GroupEnv } from './group-env.js';
import { Group, GroupState } from './group.js';
import { GroupStore, restoreGroup } from './group-store.js';
import type { TopicPartition } from './group-store.js';
import { joinGroup } from './join-group.js';
import type { JoinRequest, MemberIdFactory } from './join-group.js';
import { joinError, syncError } from './member.js';
import type { JoinResult, SyncResult } from './member.js';
import { heartbeat, leaveGroup, syncGroup } from './membership.js';
import type { MemberIdentity, SyncRequest } from './membership.js';
import type { OffsetsLog } from './offsets-log.js';
import { commitOffsets, deleteOffsets, expiredOffsets, removeOffsets } from './offsets.js';
import type { CommitInput, Committer } from './offsets.js';
import { scheduleExpiry } from './rebalance.js';

/** What a {@link GroupCoordinator} is built from. */
export interface GroupCoordinatorOptions {
  readonly log: OffsetsLog;
  readonly config: GroupCoordinatorConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** Default: `<prefix>-<random UUID>`, as Kafka. */
  readonly newMemberId?: MemberIdFactory;
}

/** A committed offset as OffsetFetch reports it (-1 and '' when none). */
export interface FetchedOffset {
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: ErrorCode;
}

/** OffsetFetch's answer for one group. */
export interface FetchedOffsets {
  readonly errorCode: ErrorCode;
  readonly topics: readonly { readonly name: string; readonly partitions: FetchedOffset[] }[];
}

/** Which partitions an OffsetFetch asks for; null for every committed one. */
export type OffsetQuery = readonly {
  readonly name: string;
  readonly partitions: readonly number[];
}[];

/** Whether a JoinGroup's session timeout is outside `group.min/max.session.timeout.ms`. */
function sessionTimeoutInvalid(config: GroupCoordinatorConfig, sessionTimeoutMs: number): boolean {
  return (
    sessionTimeoutMs < config.minSessionTimeoutMs || sessionTimeoutMs > config.maxSessionTimeoutMs
  );
}

/** See the module comment. */
export class GroupCoordinator {
  private readonly env: GroupEnv;
  private readonly groups = new Map<string, Group>();
  private readonly loading = new Set<number>();
  private readonly failed = new Set<number>();
  private readonly newMemberId: MemberIdFactory;
  private running = true;
  private stopRetention: (() => void) | undefined;
  private loaded: Promise<void> = Promise.resolve();

  constructor(private readonly options: GroupCoordinatorOptions) {
    this.env = {
      config: options.config,
      clock: options.clock,
      timers: options.timers,
      logger: options.logger,
      store: new GroupStore(options.log, options.logger),
    };
    this.newMemberId = options.newMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`);
  }

  /** The number of `__consumer_offsets` partitions groups are spread over. */
  get partitionCount(): number {
    return this.env.store.partitionCount;
  }

  /** The `__consumer_offsets` partition holding `groupId`. */
  partitionFor(groupId: string): number {
    return this.env.store.partitionFor(groupId);
  }

  /**
   * Starts the retention timer and loads `__consumer_offsets` partition by partition; resolves
   * once every partition is loaded (or failed to load: its groups then get NOT_COORDINATOR).
   */
  start(): Promise<void> {
    this.stopRetention = this.options.timers.setInterval(() => {
      this.expireOffsets();
    }, this.env.config.offsetsRetentionCheckIntervalMs);
    if (!this.env.store.hasTopic()) return this.loaded;
    for (let p = 0; p < this.partitionCount; p++) this.loading.add(p);
    this.loaded = this.loadAll();
    return this.loaded;
  }

  private async loadAll(): Promise<void> {
    const started = this.env.clock.now();
    for (let p = 0; p < this.partitionCount && this.running; p++) await this.loadPartition(p);
    this.env.logger.info(
      { groups: this.groups.size, ms: this.env.clock.now() - started },
      'group coordinator loaded __consumer_offsets',
    );
  }

  private async loadPartition(partition: number): Promise<void> {
    try {
      const loaded = await this.env.store.load(partition);
      if (!this.running) return;
      const now = this.env.clock.now();
      const ids = new Set([...loaded.groups.keys(), ...loaded.offsets.keys()]);
      for (const id of ids) {
        if (this.groups.has(id)) continue;
        const group = restoreGroup(id, loaded.groups.get(id), loaded.offsets.get(id), now);
        if (group.size === 0 && !group.hasOffsets && loaded.groups.get(id) === undefined) continue;
        this.groups.set(id, group);
        // Restored members keep their generation if they heartbeat within their session.
        for (const m of group.members.values())
          scheduleExpiry(this.env, group, m, m.sessionTimeoutMs);
      }
    } catch (err) {
      if (err instanceof AssertionError) throw err;
      this.failed.add(partition);
      this.env.logger.error({ partition, err }, 'cannot load a __consumer_offsets partition');
    } finally {
      this.loading.delete(partition);
    }
  }

  /**
   * Stops: parked JoinGroup and SyncGroup requests are answered NOT_COORDINATOR (clients find the
   * coordinator again), every timer stops, later requests get NOT_COORDINATOR. Resolves once a
   * load in progress has stopped reading.
   */
  async stop(): Promise<void> {
    if (!this.running) return this.loaded;
    this.running = false;
    this.stopRetention?.();
    for (const group of this.groups.values()) {
      group.clearTimers();
      for (const m of group.members.values()) {
        m.completeJoin(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        m.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
    await this.loaded.catch(() => undefined);
  }

  /**
   * The error every group request for `groupId` gets before its group is looked at, or NONE:
   * INVALID_GROUP_ID for '' (OffsetCommit and OffsetFetch accept it, as Kafka still does),
   * NOT_COORDINATOR once stopped or for a partition that failed to load,
   * COORDINATOR_LOAD_IN_PROGRESS while its partition loads.
   */
  groupError(groupId: string, allowEmptyId = false): ErrorCode {
    if (groupId === '' && !allowEmptyId) return ErrorCode.INVALID_GROUP_ID;
    if (!this.running) return ErrorCode.NOT_COORDINATOR;
    const partition = this.partitionFor(groupId);
    // In a cluster, groups are coordinated by the leader of their partition.
    if (!this.env.store.leads(partition)) return ErrorCode.NOT_COORDINATOR;
    if (this.loading.has(partition)) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.failed.has(partition)) return ErrorCode.NOT_COORDINATOR;
    return ErrorCode.NONE;
  }

  /**
   * This broker just became the leader of `partition` of `__consumer_offsets` (a cluster moved
   * leadership here): its groups are loaded from the log before they are served.
   */
  onBecomeLeader(partition: number): void {
    if (!this.running || this.loading.has(partition)) return;
    this.failed.delete(partition);
    this.loading.add(partition);
    void this.loadPartition(partition);
  }

  /**
   * This broker no longer leads `partition` of `__consumer_offsets`: its groups are dropped from
   * memory (timers stopped, parked JoinGroup/SyncGroup answered NOT_COORDINATOR so members find
   * the new coordinator). Kept, they would shadow the newer state the log holds when leadership
   * comes back, since loading skips groups already in memory.
   */
  onResign(partition: number): void {
    this.loading.delete(partition);
    this.failed.delete(partition);
    for (const [id, group] of this.groups) {
      if (this.partitionFor(id) !== partition) continue;
      group.clearTimers();
      for (const m of group.members.values()) {
        m.completeJoin(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        m.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
      this.groups.delete(id);
    }
  }

  /**
   * FindCoordinator for a group: this broker, once `__consumer_offsets` exists (it is created
   * here on first use, as Kafka does). NONE or COORDINATOR_NOT_AVAILABLE.
   */
  findCoordinator(): ErrorCode {
    if (!this.running) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.env.store.ensureTopic();
  }

  /** JoinGroup; see join-group.ts. */
  joinGroup(req: JoinRequest): Promise<JoinResult> {
    const early = this.groupError(req.groupId);
    if (early !== ErrorCode.NONE) return Promise.resolve(joinError(req.memberId, early));
    if (sessionTimeoutInvalid(this.env.config, req.sessionTimeoutMs))
      return Promise.resolve(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    let group = this.groups.get(req.groupId);
    if (group === undefined) {
      if (req.memberId !== '')
        return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new Group(req.groupId, this.env.clock.now());
      this.groups.set(req.groupId, group);
    }
    const protocols = req.protocols.map((p) => ({
      name: p.name,
      metadata: Buffer.from(p.metadata),
    }));
    const result = joinGroup(this.env, group, { ...req, protocols }, this.newMemberId);
    this.dropIfUnused(group);
    return result;
  }

  /** SyncGroup; see membership.ts. */
  async syncGroup(req: SyncRequest): Promise<SyncResult> {
    const early = this.groupError(req.groupId);
    if (early !== ErrorCode.NONE) return syncError(early);
    const group = this.groups.get(req.groupId);
    if (group === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    return syncGroup(this.env, group, req);
  }

  /** Heartbeat; see membership.ts. */
  heartbeat(groupId: string, identity: MemberIdentity, generationId: number): ErrorCode {
    const early = this.groupError(groupId);
    if (early !== ErrorCode.NONE) return early;
    const group = this.groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    return heartbeat(this.env, group, identity, generationId);
  }

  /** LeaveGroup for a batch of members: the group-level error and one code per member. */
  leaveGroup(
    groupId: string,
    members: readonly MemberIdentity[],
  ): { errorCode: ErrorCode; members: ErrorCode[] } {
    const early = this.groupError(groupId);
    if (early !== ErrorCode.NONE) return { errorCode: early, members: [] };
    const group = this.groups.get(groupId);
    if (group === undefined)
      return { errorCode: ErrorCode.NONE, members: members.map(() => ErrorCode.UNKNOWN_MEMBER_ID) };
    if (group.is(GroupState.DEAD))
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    return {
      errorCode: ErrorCode.NONE,
      members: members.map((m) => leaveGroup(this.env, group, m)),
    };
  }

  /**
   * OffsetCommit: one code per input. A group that does not exist is created for a commit
   * outside group management (generation < 0), and only kept if the commit succeeds; with a
   * generation it is ILLEGAL_GENERATION (the member's group is gone).
   */
  commitOffsets(groupId: string, who: Committer, inputs: readonly CommitInput[]): ErrorCode[] {
    const early = this.groupError(groupId, true);
    if (early !== ErrorCode.NONE) return inputs.map(() => early);
    let group = this.groups.get(groupId);
    if (group === undefined) {
      if (who.generationId >= 0) return inputs.map(() => ErrorCode.ILLEGAL_GENERATION);
      group = new Group(groupId, this.env.clock.now());
      const codes = commitOffsets(this.env, group, who, inputs);
      if (group.hasOffsets) this.groups.set(groupId, group);
      return codes;
    }
    return commitOffsets(this.env, group, who, inputs);
  }

  /** See {@link GroupStore.awaitReplicated}: OffsetCommit answers once the ISR holds it. */
  awaitReplicated(groupId: string, timeoutMs: number): Promise<ErrorCode> {
    return this.env.store.awaitReplicated(groupId, timeoutMs);
  }

  /** OffsetFetch for one group: the asked partitions (-1 where nothing is committed), or all. */
  fetchOffsets(groupId: string, query: OffsetQuery | null): FetchedOffsets {
    const early = this.groupError(groupId, true);
    const group = early === ErrorCode.NONE ? this.groups.get(groupId) : undefined;
    const answer = (topic: string, partition: number): FetchedOffset => {
      const committed = group?.offset(topic, partition);
      return {
        partition,
        offset: committed?.offset ?? -1,
        leaderEpoch: committed?.leaderEpoch ?? -1,
        metadata: committed?.metadata ?? '',
        errorCode: early,
      };
    };
    if (query !== null) {
      return {
        errorCode: early,
        topics: query.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => answer(t.name, p)),
        })),
      };
    }
    const topics = [...(group?.offsets ?? [])].map(([name, partitions]) => ({
      name,
      partitions: [...partitions.keys()].map((p) => answer(name, p)),
    }));
    return { errorCode: early, topics };
  }

  /** OffsetDelete; see offsets.ts. */
  deleteOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): { errorCode: ErrorCode; partitions: ErrorCode[] } {
    const early = this.groupError(groupId);
    if (early !== ErrorCode.NONE) return { errorCode: early, partitions: [] };
    const group = this.groups.get(groupId);
    if (group === undefined) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    const result = deleteOffsets(this.env, group, partitions);
    if (group.is(GroupState.DEAD)) this.groups.delete(groupId);
    return result;
  }

  /** DescribeGroups for one group; an unknown group is described as Dead, as Kafka does. */
  describeGroup(groupId: string): GroupDescription {
    return describeGroup(groupId, this.groupError(groupId), this.groups.get(groupId));
  }

  /** ListGroups: every live group, or those in `states` (case-insensitive) when given. */
  listGroups(states: readonly string[]): { errorCode: ErrorCode; groups: GroupListing[] } {
    if (!this.running) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const errorCode =
      this.loading.size > 0 ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    return { errorCode, groups: listGroups(this.groups.values(), states) };
  }

  /**
   * DeleteGroups: an empty group is deleted with its offsets (tombstones for all of them);
   * GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for one with members.
   */
  deleteGroup(groupId: string): ErrorCode {
    const early = this.groupError(groupId);
    if (early !== ErrorCode.NONE) return early;
    const group = this.groups.get(groupId);
    if (group === undefined || group.is(GroupState.DEAD)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.EMPTY)) return ErrorCode.NON_EMPTY_GROUP;
    const all = [...group.offsets].flatMap(([topic, ps]) =>
      [...ps.keys()].map((partition) => ({ topic, partition })),
    );
    const stored = removeOffsets(this.env, group, all);
    if (stored !== ErrorCode.NONE) return stored;
    this.groups.delete(groupId);
    this.env.logger.info({ group: groupId }, 'group deleted');
    return ErrorCode.NONE;
  }

  /**
   * One retention pass (`offsets.retention.check.interval.ms`): removes expired offsets (see
   * offsets.ts) and forgets empty groups left without offsets. Returns how many offsets expired.
   */
  expireOffsets(): number {
    if (!this.running) return 0;
    const now = this.env.clock.now();
    let expired = 0;
    for (const [id, group] of this.groups) {
      if (this.groupError(id, true) !== ErrorCode.NONE || group.pendingMembers.size > 0) continue;
      const partitions = expiredOffsets(group, now, this.env.config.offsetsRetentionMs);
      if (removeOffsets(this.env, group, partitions) !== ErrorCode.NONE) continue;
      expired += partitions.length;
      if (group.is(GroupState.DEAD)) this.groups.delete(id);
    }
    if (expired > 0) this.env.logger.info({ expired }, 'expired committed offsets');
    return expired;
  }

  /** Forgets every committed offset of a deleted topic (Kafka does so on topic deletion). */
  onTopicDeleted(topic: string): void {
    if (!this.running) return;
    for (const [id, group] of this.groups) {
      const partitions = [...(group.offsets.get(topic)?.keys() ?? [])].map((partition) => ({
        topic,
        partition,
      }));
      if (partitions.length === 0 || this.groupError(id, true) !== ErrorCode.NONE) continue;
      removeOffsets(this.env, group, partitions);
      if (group.is(GroupState.DEAD)) this.groups.delete(id);
    }
  }

  /** A group created for a request that left no trace (a refused first join) is dropped. */
  private dropIfUnused(group: Group): void {
    const unused =
      group.is(GroupState.EMPTY) &&
      group.generationId === 0 &&
      group.size === 0 &&
      group.pendingMembers.size === 0 &&
      !group.hasOffsets;
    if (unused && this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }
}
