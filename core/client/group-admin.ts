/**
 * Consumer-group administration over the classic group protocol, as Kafka's AdminClient does it:
 * FindCoordinator, then ListGroups (every broker), DescribeGroups, OffsetFetch, OffsetCommit
 * (as an admin: generation -1, no member id; the coordinator accepts it only for an Empty group)
 * and DeleteGroups at the group's coordinator. Coordinator errors that Kafka calls retriable
 * (loading, not available, not coordinator, a lost connection) are retried with backoff until a
 * deadline, rediscovering the coordinator when it may have moved.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import type { OffsetFetchResponse } from '../protocol/messages/offset-fetch.js';
import { ErrorCode, errorName, isRetriable } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import {
  check,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  topicLayout,
} from './admin-requests.js';
import { planReset, type PlannedOffset, type ResetSpec } from './offset-reset.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  type ConsumerSubscription,
  type TopicPartitions,
} from './consumer-protocol.js';
import type { BrokerAddress, NodeConnections } from './node-connections.js';

/** FindCoordinator's key type for consumer groups. */
const KEY_TYPE_GROUP = 0;
/** The first FindCoordinator version that takes a batch of keys. */
const FIND_COORDINATOR_BATCHED = 4;
/** The first OffsetFetch version that takes a batch of groups. */
const OFFSET_FETCH_BATCHED = 8;
/** The first OffsetFetch version in which null topics means "all topics". */
const OFFSET_FETCH_ALL_TOPICS = 2;

/** The node coordinating a group. */
export interface GroupCoordinator extends BrokerAddress {
  readonly nodeId: number;
}

/** A group as ListGroups reports it. */
export interface GroupListing {
  readonly groupId: string;
  /** `consumer` for Kafka consumers; other protocol types (connect, …) are listed too. */
  readonly protocolType: string;
  /** The state (`Empty`, `Stable`, …) when the broker reports it (ListGroups v4+). */
  readonly state: string | undefined;
}

/** A member of a group, with its consumer-protocol subscription and assignment decoded. */
export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Undefined when the group is not a consumer group or the bytes do not decode. */
  readonly subscription: ConsumerSubscription | undefined;
  /** The partitions the leader assigned; empty during a rebalance. */
  readonly assignment: readonly TopicPartitions[];
}

/** A group as DescribeGroups reports it. */
export interface GroupDescription {
  readonly groupId: string;
  /** `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance`, or `Dead` (no such group). */
  readonly state: string;
  readonly protocolType: string;
  /** The assignment strategy the group chose, e.g. `range` or `RoundRobinAssigner`. */
  readonly protocol: string;
  readonly members: readonly GroupMember[];
  readonly coordinator: GroupCoordinator;
}

/** A partition's committed offset. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string | null;
}

/** An offset to commit for a partition. */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One row of `fjord groups describe`: a partition the group owns or has committed. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset; undefined when the group has none. */
  readonly currentOffset: number | undefined;
  readonly logEndOffset: number;
  /** logEndOffset - currentOffset; undefined without a committed offset. */
  readonly lag: number | undefined;
  /** The member owning the partition, if any. */
  readonly member: GroupMember | undefined;
}

/** Settings of {@link GroupAdmin}. */
export interface GroupAdminOptions {
  /** How long retriable coordinator errors are retried; default 15 s. */
  readonly retryTimeoutMs?: number;
  /** The first pause between retries, doubled up to 1 s; default 50 ms. */
  readonly retryBackoffMs?: number;
}

const byTopicPartition = (
  a: { topic: string; partition: number },
  b: { topic: string; partition: number },
): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);

function decodeMember(
  protocolType: string,
  m: {
    memberId: string;
    groupInstanceId?: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  },
): GroupMember {
  let subscription: ConsumerSubscription | undefined;
  let assignment: readonly TopicPartitions[] = [];
  if (protocolType === CONSUMER_PROTOCOL_TYPE) {
    try {
      if (m.memberMetadata.length > 0) subscription = decodeSubscription(m.memberMetadata);
    } catch {
      // Not consumer-protocol bytes after all; describe what we can.
    }
    try {
      assignment = decodeAssignment(m.memberAssignment).assignedPartitions;
    } catch {
      // As above.
    }
  }
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? null,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscription,
    assignment,
  };
}

/**
 * Consumer-group operations; reach it as `admin.groups` (see `Admin`).
 *
 * @example
 * ```ts
 * const admin = await Admin.connect('127.0.0.1:9092');
 * for (const g of await admin.groups.list()) console.log(g.groupId, g.state);
 * const d = await admin.groups.describe('billing');
 * console.log(d.state, d.members.map((m) => m.assignment));
 * await admin.groups.commitOffsets('billing', [{ topic: 'orders', partition: 0, offset: 42 }]);
 * await admin.close();
 * ```
 */
export class GroupAdmin {
  private readonly coordinators = new Map<string, GroupCoordinator>();
  private readonly retryTimeoutMs: number;
  private readonly retryBackoffMs: number;

  /** @internal Built by `Admin`; reach it as `admin.groups`. */
  constructor(
    private readonly nodes: NodeConnections,
    options: GroupAdminOptions = {},
  ) {
    this.retryTimeoutMs = options.retryTimeoutMs ?? 15_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 50;
  }

  /** The coordinator of `groupId` (FindCoordinator), retrying while none is available. */
  findCoordinator(groupId: string): Promise<GroupCoordinator> {
    return this.retrying(`find the coordinator of group ${groupId}`, () =>
      this.coordinatorOf(groupId),
    );
  }

  /**
   * Every group on every broker (ListGroups), sorted by id.
   *
   * @example
   * ```ts
   * const consumerGroups = (await admin.groups.list()).filter((g) => g.protocolType === 'consumer');
   * ```
   */
  async list(): Promise<GroupListing[]> {
    const nodes = await this.nodes.nodes();
    const perNode = await Promise.all(
      [...nodes.keys()].map((nodeId) =>
        this.retrying(`list groups on node ${nodeId}`, async () => {
          const connection = await this.nodes.forNode(nodeId);
          const version = connection.pickVersion(ApiKey.LIST_GROUPS, 4);
          const response = await connection.send(ApiKey.LIST_GROUPS, version, {
            statesFilter: [],
          });
          check(response.errorCode, null, `list groups on node ${nodeId}`);
          return response.groups.map((g): GroupListing => ({
            groupId: g.groupId,
            protocolType: g.protocolType,
            state: version >= 4 ? g.groupState : undefined,
          }));
        }),
      ),
    );
    return perNode.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  /**
   * Describes a group (DescribeGroups) and decodes its members' subscriptions and assignments.
   * A group that does not exist is reported in state `Dead` with no members, as Kafka does.
   */
  describe(groupId: string): Promise<GroupDescription> {
    return this.atCoordinator(groupId, 'describe', async (connection, coordinator) => {
      const response = await connection.send(
        ApiKey.DESCRIBE_GROUPS,
        connection.pickVersion(ApiKey.DESCRIBE_GROUPS, 5),
        { groups: [groupId], includeAuthorizedOperations: false },
      );
      const group = response.groups.find((g) => g.groupId === groupId) ?? response.groups[0];
      if (group === undefined || group.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) {
        return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [], coordinator };
      }
      check(group.errorCode, null, `describe group ${groupId}`);
      return {
        groupId,
        state: group.groupState,
        protocolType: group.protocolType,
        protocol: group.protocolData,
        members: group.members.map((m) => decodeMember(group.protocolType, m)),
        coordinator,
      };
    });
  }

  /**
   * The group's committed offsets (OffsetFetch), for `topics` or, by default, every topic;
   * partitions without a committed offset are left out.
   */
  committedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> {
    return this.atCoordinator(groupId, 'fetch offsets of', async (connection) => {
      const version = connection.pickVersion(ApiKey.OFFSET_FETCH, 8);
      if (version < OFFSET_FETCH_ALL_TOPICS) {
        throw new FjordError(
          `OffsetFetch v${version} cannot list every topic`,
          ErrorCode.UNSUPPORTED_VERSION,
        );
      }
      const wanted =
        topics === undefined
          ? null
          : await Promise.all(
              topics.map(async (name) => ({
                name,
                partitionIndexes: [...(await topicLayout(this.nodes, name)).keys()],
              })),
            );
      const response: OffsetFetchResponse = await connection.send(
        ApiKey.OFFSET_FETCH,
        version,
        version >= OFFSET_FETCH_BATCHED
          ? { groups: [{ groupId, topics: wanted }], requireStable: false }
          : { groupId, topics: wanted, requireStable: false },
      );
      const group = response.groups?.[0];
      check(group?.errorCode ?? response.errorCode ?? 0, null, `fetch offsets of group ${groupId}`);
      const out: CommittedOffset[] = [];
      for (const t of group?.topics ?? response.topics ?? []) {
        for (const p of t.partitions) {
          check(
            p.errorCode,
            null,
            `fetch offset of group ${groupId} for ${t.name}-${p.partitionIndex}`,
          );
          if (p.committedOffset < 0) continue;
          out.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            metadata: p.metadata,
          });
        }
      }
      return out.sort(byTopicPartition);
    });
  }

  /**
   * The group's description and, for every partition it owns or has committed, the committed
   * offset, the log end offset and the lag: what `kafka-consumer-groups.sh --describe` shows.
   */
  async lag(
    groupId: string,
  ): Promise<{ description: GroupDescription; partitions: PartitionLag[] }> {
    const description = await this.describe(groupId);
    const committed = await this.committedOffsets(groupId);
    const owners = new Map<string, GroupMember>();
    const wanted = new Map<string, Set<number>>();
    const want = (topic: string, partition: number): void => {
      const set = wanted.get(topic) ?? new Set<number>();
      set.add(partition);
      wanted.set(topic, set);
    };
    for (const member of description.members) {
      for (const { topic, partitions } of member.assignment) {
        for (const p of partitions) {
          owners.set(`${topic}\u0000${p}`, member);
          want(topic, p);
        }
      }
    }
    for (const c of committed) want(c.topic, c.partition);
    const committedBy = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c.offset]));
    const rows: PartitionLag[] = [];
    for (const [topic, partitions] of wanted) {
      const ends = await listOffsets(this.nodes, topic, LATEST_TIMESTAMP, [...partitions]);
      for (const partition of partitions) {
        const key = `${topic}\u0000${partition}`;
        const logEndOffset = ends.get(partition)?.offset ?? -1;
        const currentOffset = committedBy.get(key);
        rows.push({
          topic,
          partition,
          currentOffset,
          logEndOffset,
          lag: currentOffset === undefined ? undefined : Math.max(0, logEndOffset - currentOffset),
          member: owners.get(key),
        });
      }
    }
    return { description, partitions: rows.sort(byTopicPartition) };
  }

  /**
   * Commits offsets for a group as an admin (OffsetCommit with generation -1 and an empty member
   * id). The coordinator accepts that only while the group has no members; otherwise it answers
   * UNKNOWN_MEMBER_ID (or REBALANCE_IN_PROGRESS), which is thrown. Committing for a group that
   * does not exist creates it.
   */
  async commitOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    const topics = new Map<string, OffsetToCommit[]>();
    for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), o]);
    await this.atCoordinator(groupId, 'commit offsets of', async (connection) => {
      const response = await connection.send(
        ApiKey.OFFSET_COMMIT,
        connection.pickVersion(ApiKey.OFFSET_COMMIT, 8),
        {
          groupId,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [...topics].map(([name, list]) => ({
            name,
            partitions: list.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: o.offset,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            })),
          })),
        },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          check(
            p.errorCode,
            null,
            `commit offset of group ${groupId} for ${t.name}-${p.partitionIndex}`,
          );
        }
      }
    });
  }

  /**
   * Plans a reset of the group's offsets for `targets` (every partition of a topic unless
   * `partitions` names some) without committing anything; see {@link planReset}. Commit the
   * result with {@link GroupAdmin.commitOffsets}.
   *
   * @example
   * ```ts
   * const plan = await admin.groups.planOffsetReset('billing', [{ topic: 'orders' }], {
   *   kind: 'datetime',
   *   timestampMs: Date.parse('2024-05-01T00:00:00Z'),
   * });
   * await admin.groups.commitOffsets('billing', plan);
   * ```
   */
  async planOffsetReset(
    groupId: string,
    targets: readonly { readonly topic: string; readonly partitions?: readonly number[] }[],
    spec: ResetSpec,
  ): Promise<PlannedOffset[]> {
    const committed = new Map(
      (await this.committedOffsets(groupId)).map((c) => [
        `${c.topic}\u0000${c.partition}`,
        c.offset,
      ]),
    );
    const plan: PlannedOffset[] = [];
    for (const { topic, partitions } of targets) {
      const [starts, ends, forTime] = await Promise.all([
        listOffsets(this.nodes, topic, EARLIEST_TIMESTAMP, partitions),
        listOffsets(this.nodes, topic, LATEST_TIMESTAMP, partitions),
        spec.kind === 'datetime'
          ? listOffsets(this.nodes, topic, spec.timestampMs, partitions)
          : Promise.resolve(undefined),
      ]);
      for (const partition of [...ends.keys()].sort((a, b) => a - b)) {
        const offsetForTime = forTime?.get(partition)?.offset;
        plan.push(
          planReset(spec, {
            topic,
            partition,
            logStartOffset: starts.get(partition)?.offset ?? 0,
            logEndOffset: ends.get(partition)?.offset ?? 0,
            committed: committed.get(`${topic}\u0000${partition}`),
            ...(offsetForTime === undefined ? {} : { offsetForTime }),
          }),
        );
      }
    }
    return plan;
  }

  /**
   * Deletes groups (DeleteGroups) and their committed offsets. Resolves to the error code of
   * each group: NONE, NON_EMPTY_GROUP (it still has members), GROUP_ID_NOT_FOUND, …
   */
  async delete(groupIds: readonly string[]): Promise<Map<string, ErrorCode>> {
    const results = new Map<string, ErrorCode>();
    for (const groupId of groupIds) {
      const code = await this.atCoordinator(groupId, 'delete', async (connection) => {
        const response = await connection.send(
          ApiKey.DELETE_GROUPS,
          connection.pickVersion(ApiKey.DELETE_GROUPS, 2),
          { groupsNames: [groupId] },
        );
        const result = response.results.find((r) => r.groupId === groupId);
        const errorCode = (result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR) as ErrorCode;
        // Retriable codes are thrown so that atCoordinator retries them.
        if (isRetriable(errorCode)) check(errorCode, null, `delete group ${groupId}`);
        return errorCode;
      });
      results.set(groupId, code);
    }
    return results;
  }

  private async coordinatorOf(groupId: string): Promise<GroupCoordinator> {
    const cached = this.coordinators.get(groupId);
    if (cached !== undefined) return cached;
    const connection = this.nodes.bootstrap;
    const version = connection.pickVersion(ApiKey.FIND_COORDINATOR, 4);
    const response = await connection.send(
      ApiKey.FIND_COORDINATOR,
      version,
      version >= FIND_COORDINATOR_BATCHED
        ? { keyType: KEY_TYPE_GROUP, coordinatorKeys: [groupId] }
        : { key: groupId, keyType: KEY_TYPE_GROUP },
    );
    const found =
      version >= FIND_COORDINATOR_BATCHED
        ? response.coordinators?.find((c) => c.key === groupId)
        : {
            errorCode: response.errorCode ?? 0,
            errorMessage: response.errorMessage ?? null,
            nodeId: response.nodeId ?? -1,
            host: response.host ?? '',
            port: response.port ?? -1,
          };
    if (found === undefined) {
      throw new FjordError(
        `no coordinator for group ${groupId}`,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
    }
    check(found.errorCode, found.errorMessage, `find the coordinator of group ${groupId}`);
    const coordinator = { nodeId: found.nodeId, host: found.host, port: found.port };
    this.coordinators.set(groupId, coordinator);
    return coordinator;
  }

  /** Runs `op` at the group's coordinator, retrying retriable failures (see the module comment). */
  private atCoordinator<T>(
    groupId: string,
    verb: string,
    op: (connection: KafkaConnection, coordinator: GroupCoordinator) => Promise<T>,
  ): Promise<T> {
    return this.retrying(`${verb} group ${groupId}`, async () => {
      const coordinator = await this.coordinatorOf(groupId);
      try {
        return await op(await this.nodes.forAddress(coordinator), coordinator);
      } catch (err) {
        // The coordinator may have moved (or died): look it up again next time.
        if (err instanceof FjordError && err.code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
          this.coordinators.delete(groupId);
        throw err;
      }
    });
  }

  private async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryTimeoutMs;
    let backoffMs = this.retryBackoffMs;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof FjordError) || !err.retriable) throw err;
        if (Date.now() + backoffMs > deadline) {
          throw new FjordError(
            `${what}: still ${errorName(err.code)} after ${this.retryTimeoutMs} ms (${err.message})`,
            err.code,
            { cause: err },
          );
        }
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1000);
      }
    }
  }
}
