/**
 * Consumer-group administration over the classic group protocol, as Kafka's AdminClient does it:
 * FindCoordinator, then ListGroups (every broker), DescribeGroups, OffsetFetch, OffsetCommit
 * (as an admin: generation -1, no member id; the coordinator accepts it only for an Empty group)
 * and DeleteGroups at the group's coordinator. Coordinator errors that Kafka calls retriable
 * (loading, not available, not coordinator, a lost connection) are retried with backoff until a
 * deadline, rediscovering the coordinator when it may have moved. Lag and offset-reset plans,
 * which combine committed offsets with the partitions' offsets, are in group-offsets.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import type { OffsetFetchResponse } from '../protocol/messages/offset-fetch.js';
import { ErrorCode, errorName, isRetriable } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { check, topicLayout } from './admin-requests.js';
import type { Cluster } from './cluster.js';
import {
  byTopicPartition,
  decodeMember,
  type CommittedOffset,
  type GroupCoordinator,
  type GroupDescription,
  type GroupListing,
  type OffsetToCommit,
  type PartitionLag,
} from './group-model.js';
import { partitionLags, planGroupReset } from './group-offsets.js';
import type { PlannedOffset, ResetSpec } from './offset-reset.js';

export type {
  CommittedOffset,
  GroupCoordinator,
  GroupDescription,
  GroupListing,
  GroupMember,
  OffsetToCommit,
  PartitionLag,
} from './group-model.js';

/** The first OffsetFetch version that takes a batch of groups. */
const OFFSET_FETCH_BATCHED = 8;
/** The first OffsetFetch version in which null topics means "all topics". */
const OFFSET_FETCH_ALL_TOPICS = 2;

/** Settings of {@link GroupAdmin}. */
export interface GroupAdminOptions {
  /** How long retriable coordinator errors are retried; default 15 s. */
  readonly retryTimeoutMs?: number;
  /** The first pause between retries, doubled up to 1 s; default 50 ms. */
  readonly retryBackoffMs?: number;
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
  private readonly retryTimeoutMs: number;
  private readonly retryBackoffMs: number;

  /** @internal Built by `Admin`; reach it as `admin.groups`. */
  constructor(
    private readonly cluster: Cluster,
    options: GroupAdminOptions = {},
  ) {
    this.retryTimeoutMs = options.retryTimeoutMs ?? 15_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 50;
  }

  /** The coordinator of `groupId` (FindCoordinator), retrying while none is available. */
  findCoordinator(groupId: string): Promise<GroupCoordinator> {
    return this.retrying(`find the coordinator of group ${groupId}`, () =>
      this.cluster.coordinator(groupId),
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
    await this.cluster.refreshMetadata();
    const perNode = await Promise.all(
      this.cluster.brokerList().map(({ nodeId }) =>
        this.retrying(`list groups on node ${nodeId}`, async () => {
          const connection = await this.cluster.connection(nodeId);
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
                partitionIndexes: [...(await topicLayout(this.cluster, name)).keys()],
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
    return { description, partitions: await partitionLags(this.cluster, description, committed) };
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
   * `partitions` names some) without committing anything (see `planReset`). Commit the
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
    const committed = await this.committedOffsets(groupId);
    return planGroupReset(this.cluster, committed, targets, spec);
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

  /** Runs `op` at the group's coordinator, retrying retriable failures (see the module comment). */
  private atCoordinator<T>(
    groupId: string,
    verb: string,
    op: (connection: KafkaConnection, coordinator: GroupCoordinator) => Promise<T>,
  ): Promise<T> {
    return this.retrying(`${verb} group ${groupId}`, async () => {
      const coordinator = await this.cluster.coordinator(groupId);
      try {
        return await op(
          await this.cluster.connection(coordinator.nodeId, 'coordinator'),
          coordinator,
        );
      } catch (err) {
        // The coordinator may have moved (or died): look it up again next time.
        if (err instanceof FjordError && err.code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
          this.cluster.forgetCoordinator(groupId);
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
