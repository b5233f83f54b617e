/**
 * Membership in a consumer group, classic protocol (as the Java client's AbstractCoordinator and
 * ConsumerCoordinator):
 *
 * ```
 * FindCoordinator → JoinGroup (MEMBER_ID_REQUIRED: again with the id given) → the leader runs
 * the assignor over every member's subscription → SyncGroup → Heartbeat every
 * heartbeat.interval.ms until REBALANCE_IN_PROGRESS (rejoin) or UNKNOWN_MEMBER_ID /
 * ILLEGAL_GENERATION (partitions lost: reset and rejoin) → LeaveGroup on close
 * ```
 *
 * Rejoining happens only inside {@link GroupMember.ensureActive}, which the consumer calls from
 * its poll loop, so rebalance listeners run while the application is between batches, as Java
 * runs them inside `poll()`. Heartbeats (heartbeat.ts) run on their own timer and the
 * `coordinator` connection.
 */
import { ApiKey } from '../../protocol/messages/index.js';
import type { JoinGroupResponse } from '../../protocol/messages/join-group.js';
import { ErrorCode, errorName } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  encodeSubscription,
} from '../consumer-protocol.js';
import type { Assignor, RebalanceProtocol } from './assignors/assignor.js';
import { sendLeaveGroup } from './group-requests.js';
import { COORDINATOR_MOVED, Heartbeat } from './heartbeat.js';
import { flatten, leaderAssign, toTopicPartitions } from './leader-assignment.js';
import { NO_GENERATION, type Generation } from './offsets.js';
import type { TopicPartition } from './types.js';
import { tpKey } from './types.js';
import { sleep } from './wakeup.js';

const JOIN_GROUP_MAX_VERSION = 6;
const SYNC_GROUP_MAX_VERSION = 4;
/** Java adds this to the rebalance timeout for JoinGroup's request timeout. */
const JOIN_GRACE_MS = 5000;

/** Group settings, in Kafka's terms. */
export interface GroupMemberConfig {
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  /** In order of preference. */
  readonly assignors: readonly Assignor[];
}

/** What the member asks of the consumer. */
export interface GroupMemberHooks {
  subscribedTopics(): readonly string[];
  ownedPartitions(): TopicPartition[];
  /** Gives partitions up ('revoked': commit first; 'lost': no commit). Awaited. */
  revoke(partitions: readonly TopicPartition[], how: 'revoked' | 'lost'): Promise<void>;
  /** Takes new partitions. Awaited. */
  assign(partitions: readonly TopicPartition[]): Promise<void>;
  /** Something needs the poll loop's attention (a rejoin). */
  wake(): void;
  /** A (re)join begins. */
  rebalancing(): void;
  /** A failure the application must see (e.g. FENCED_INSTANCE_ID). */
  fatal(err: FjordError): void;
}

type Step<T> = { readonly retry: true } | { readonly retry: false; readonly value: T };
const RETRY = { retry: true } as const;

function minus(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const keys = new Set(b.map((tp) => tpKey(tp.topic, tp.partition)));
  return a.filter((tp) => !keys.has(tpKey(tp.topic, tp.partition)));
}

/**
 * One consumer's group membership.
 *
 * @example
 * ```ts
 * const member = new GroupMember(cluster, config, hooks, logger);
 * await member.ensureActive(); // joins, syncs, starts heartbeats
 * await member.leave();
 * ```
 */
export class GroupMember {
  generation: Generation;
  /** The group protocol (assignor) the coordinator chose. */
  protocolName: string | undefined;
  /** Whether the member must (re)join before handing out more records. */
  needsJoin = true;
  /** Whether this member led the last rebalance. */
  isLeader = false;
  /** Partition counts the leader assigned from; a change calls for a rebalance. */
  private assignedFrom = new Map<string, number>();
  /** The userData of the last assignment received (what the leader's assignor added). */
  userData: Buffer | null = null;
  private lost = false;
  private stable = false;
  private readonly heartbeat: Heartbeat;
  private readonly closing = new AbortController();
  /** EAGER unless every assignor supports COOPERATIVE (Java's rule). */
  readonly protocol: RebalanceProtocol;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: GroupMemberConfig,
    private readonly hooks: GroupMemberHooks,
    private readonly logger: Logger,
  ) {
    this.generation = { ...NO_GENERATION, groupInstanceId: config.groupInstanceId };
    this.protocol = config.assignors.every((a) => a.protocols.includes('COOPERATIVE'))
      ? 'COOPERATIVE'
      : 'EAGER';
    this.heartbeat = new Heartbeat(
      cluster,
      config,
      {
        generation: () => this.generation,
        rebalancing: () => {
          this.requestRejoin('the group is rebalancing');
        },
        lost: (code) => {
          this.markLost(code);
        },
        fenced: (err) => {
          hooks.fatal(err);
        },
      },
      logger,
    );
  }

  private isClosing(): boolean {
    return this.closing.signal.aborted;
  }

  /** Whether commits can carry the current generation. */
  get isStable(): boolean {
    return this.stable && !this.lost;
  }

  /** Asks for a rebalance, done at the next {@link GroupMember.ensureActive}. */
  requestRejoin(reason: string): void {
    if (!this.needsJoin)
      this.logger.info({ group: this.config.groupId, reason }, 'rejoining group');
    this.needsJoin = true;
    this.hooks.wake();
  }

  /** The member's partitions are gone (session expired or generation fenced). */
  private markLost(code: number): void {
    this.lost = true;
    this.stable = false;
    this.heartbeat.stop();
    this.generation = {
      ...NO_GENERATION,
      groupInstanceId: this.config.groupInstanceId,
      memberId: code === ErrorCode.UNKNOWN_MEMBER_ID ? '' : this.generation.memberId,
    };
    this.requestRejoin(errorName(code));
  }

  /** Joins (or rejoins) until the member is stable in a generation; awaits every listener. */
  async ensureActive(): Promise<void> {
    while (this.needsJoin && !this.closing.signal.aborted) {
      this.hooks.rebalancing();
      await this.prepare();
      // Heartbeats kept the session alive while the listeners ran; JoinGroup takes over now.
      this.heartbeat.stop();
      let joined: Step<JoinGroupResponse>;
      let synced: Step<TopicPartition[]> = RETRY;
      try {
        joined = await this.join();
        if (!joined.retry) synced = await this.sync(joined.value);
      } catch (err) {
        if (this.isClosing()) return;
        if (!(err instanceof FjordError) || !err.retriable) throw err;
        this.logger.debug({ err: err.message }, 'group join failed; retrying');
        this.cluster.forgetCoordinator(this.config.groupId);
        await sleep(this.config.retryBackoffMs, this.closing.signal);
        continue;
      }
      if (synced.retry) continue;
      this.needsJoin = false;
      this.stable = true;
      this.heartbeat.start();
      await this.complete(synced.value);
    }
  }

  /** Before joining: EAGER gives up everything; lost partitions are dropped without commit. */
  private async prepare(): Promise<void> {
    const owned = this.hooks.ownedPartitions();
    if (this.lost) {
      this.lost = false;
      if (owned.length > 0) await this.hooks.revoke(owned, 'lost');
    } else if (this.protocol === 'EAGER') {
      if (owned.length > 0) await this.hooks.revoke(owned, 'revoked');
    } else {
      const topics = new Set(this.hooks.subscribedTopics());
      const gone = owned.filter((tp) => !topics.has(tp.topic));
      if (gone.length > 0) await this.hooks.revoke(gone, 'revoked');
    }
    this.stable = false;
  }

  private async join(): Promise<Step<JoinGroupResponse>> {
    const { groupId, groupInstanceId } = this.config;
    const connection = await this.cluster.coordinatorConnection(groupId);
    const version = connection.pickVersion(ApiKey.JOIN_GROUP, JOIN_GROUP_MAX_VERSION);
    const topics = [...this.hooks.subscribedTopics()].sort();
    const metadata = (a: Assignor): Buffer =>
      encodeSubscription({
        topics,
        userData: a.subscriptionUserData?.(topics) ?? null,
        ownedPartitions: toTopicPartitions(this.hooks.ownedPartitions()),
        generationId: this.generation.generationId,
      });
    const response = await connection.send(
      ApiKey.JOIN_GROUP,
      version,
      {
        groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: this.config.rebalanceTimeoutMs,
        memberId: this.generation.memberId,
        groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: this.config.assignors.map((a) => ({ name: a.name, metadata: metadata(a) })),
      },
      {
        timeoutMs: Math.max(
          this.config.requestTimeoutMs,
          this.config.rebalanceTimeoutMs + JOIN_GRACE_MS,
        ),
      },
    );
    const code = response.errorCode;
    if (code === ErrorCode.NONE) {
      this.generation = {
        generationId: response.generationId,
        memberId: response.memberId,
        groupInstanceId,
      };
      this.protocolName = response.protocolName;
      this.isLeader = response.leader === response.memberId;
      return { retry: false, value: response };
    }
    return this.onJoinOrSyncError('JoinGroup', code, response.memberId);
  }

  private async onJoinOrSyncError(
    api: string,
    code: number,
    memberId: string,
  ): Promise<Step<never>> {
    const reset = (id: string): void => {
      this.generation = {
        ...NO_GENERATION,
        groupInstanceId: this.config.groupInstanceId,
        memberId: id,
      };
    };
    switch (code) {
      case ErrorCode.MEMBER_ID_REQUIRED:
        reset(memberId);
        return RETRY;
      case ErrorCode.UNKNOWN_MEMBER_ID:
        reset('');
        return RETRY;
      case ErrorCode.ILLEGAL_GENERATION:
        reset(this.generation.memberId);
        return RETRY;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return RETRY;
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
        if (COORDINATOR_MOVED.has(code)) this.cluster.forgetCoordinator(this.config.groupId);
        await sleep(this.config.retryBackoffMs, this.closing.signal);
        return RETRY;
      default:
        throw new FjordError(
          `${api} of group ${this.config.groupId} failed: ${errorName(code)}`,
          code as ErrorCode,
        );
    }
  }

  /** The leader's work: every member's partitions, from their subscriptions and metadata. */
  private async computeAssignments(
    joined: JoinGroupResponse,
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    await this.cluster.refreshMetadata();
    const { assignments, topicCounts } = leaderAssign(
      joined,
      this.config.assignors,
      (topic) => this.cluster.cachedTopic(topic),
      this.logger,
    );
    // Missing topics count 0, so their creation is noticed as a change too.
    this.assignedFrom = topicCounts;
    return assignments;
  }

  private async sync(joined: JoinGroupResponse): Promise<Step<TopicPartition[]>> {
    const assignments = this.isLeader ? await this.computeAssignments(joined) : [];
    const connection = await this.cluster.coordinatorConnection(this.config.groupId);
    const version = connection.pickVersion(ApiKey.SYNC_GROUP, SYNC_GROUP_MAX_VERSION);
    const response = await connection.send(
      ApiKey.SYNC_GROUP,
      version,
      { groupId: this.config.groupId, ...this.generation, assignments },
      {
        timeoutMs: Math.max(
          this.config.requestTimeoutMs,
          this.config.rebalanceTimeoutMs + JOIN_GRACE_MS,
        ),
      },
    );
    if (response.errorCode !== ErrorCode.NONE)
      return this.onJoinOrSyncError('SyncGroup', response.errorCode, this.generation.memberId);
    const assignment = decodeAssignment(response.assignment);
    this.userData = assignment.userData;
    return { retry: false, value: flatten(assignment.assignedPartitions) };
  }

  /** After SyncGroup: hand partitions over, and for COOPERATIVE revoke moved ones and rejoin. */
  private async complete(assigned: TopicPartition[]): Promise<void> {
    const owned = this.hooks.ownedPartitions();
    const revoked = minus(owned, assigned);
    if (revoked.length > 0) {
      await this.hooks.revoke(revoked, 'revoked');
      if (this.protocol === 'COOPERATIVE') this.requestRejoin('partitions revoked (cooperative)');
    }
    const added = minus(assigned, owned);
    this.logger.info(
      {
        group: this.config.groupId,
        generation: this.generation.generationId,
        assigned: assigned.length,
      },
      'joined group',
    );
    await this.hooks.assign(added);
  }

  /** The leader's check: a subscribed topic changed its partition count. */
  metadataChanged(): boolean {
    if (!this.isLeader || !this.stable) return false;
    for (const [topic, count] of this.assignedFrom) {
      const now = this.cluster.cachedTopic(topic)?.partitions.length ?? 0;
      if (now !== count) return true;
    }
    return false;
  }

  /** Stops heartbeats and leaves the group (a static member stays, as in Java). */
  async leave(): Promise<void> {
    this.heartbeat.stop();
    this.closing.abort();
    const { memberId } = this.generation;
    const { groupId, groupInstanceId } = this.config;
    this.generation = { ...NO_GENERATION, groupInstanceId };
    this.stable = false;
    if (memberId === '' || groupInstanceId !== null) return;
    try {
      const code = await sendLeaveGroup(this.cluster, groupId, memberId);
      if (code !== 0)
        this.logger.debug({ group: groupId, error: errorName(code) }, 'LeaveGroup refused');
    } catch (err) {
      this.logger.debug({ group: groupId, err }, 'LeaveGroup failed');
    }
  }
}
