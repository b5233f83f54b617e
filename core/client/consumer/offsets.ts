/**
 * The consumer's offset requests: committed offsets (OffsetFetch) and commits (OffsetCommit) at
 * the group coordinator, and offsets by time (ListOffsets) at partition leaders. Retriable
 * failures (coordinator moved or loading, leader moved, connection lost) are retried with
 * backoff until the deadline; the rest are thrown as {@link FjordError}s with the Kafka code.
 */
import type { KafkaConnection } from '../../network/client-connection.js';
import { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode, errorName } from '../../util/error-codes.js';
import { FjordError, TimeoutError } from '../../util/errors.js';
import type { Cluster } from '../cluster.js';
import type { TopicPartition, TopicPartitionOffset } from './types.js';
import { tpKey } from './types.js';
import { sleep } from './wakeup.js';

const OFFSET_FETCH_MAX_VERSION = 8;
const OFFSET_COMMIT_MAX_VERSION = 8;
const LIST_OFFSETS_MAX_VERSION = 5;
/** Kafka's UNSTABLE_OFFSET_COMMIT: offsets of an open transaction are pending; retry. */
const UNSTABLE_OFFSET_COMMIT = 88;

/** ListOffsets' special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

/** Who commits: a group member's generation, or {@link NO_GENERATION} for a standalone consumer. */
export interface Generation {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** Commits outside group membership (librdkafka's assign() + commit path). */
export const NO_GENERATION: Generation = { generationId: -1, memberId: '', groupInstanceId: null };

/** How long to keep retrying, and how long to wait between tries. */
export interface RetryPolicy {
  /** Epoch ms after which a retriable failure is thrown. */
  readonly deadlineMs: number;
  readonly backoffMs: number;
  readonly signal?: AbortSignal;
}

const COORDINATOR_MOVED: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

function failure(what: string, code: number): FjordError {
  return new FjordError(`${what}: ${errorName(code)}`, code as ErrorCode);
}

/** Runs `attempt` until it succeeds, throws a non-retriable error, or the deadline passes. */
async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetriable: (err: FjordError) => void | Promise<void> = () => undefined,
): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof FjordError) || !err.retriable || policy.signal?.aborted === true)
        throw err;
      if (Date.now() + policy.backoffMs > policy.deadlineMs) {
        throw new TimeoutError(`${what} did not succeed in time: ${err.message}`, { cause: err });
      }
      await onRetriable(err);
      await sleep(policy.backoffMs, policy.signal);
    }
  }
}

async function coordinator(cluster: Cluster, groupId: string): Promise<KafkaConnection> {
  return cluster.coordinatorConnection(groupId);
}

function forgetOnMove(cluster: Cluster, groupId: string) {
  return (err: FjordError): void => {
    if (COORDINATOR_MOVED.has(err.code) || err.code === ErrorCode.NETWORK_EXCEPTION)
      cluster.forgetCoordinator(groupId);
  };
}

function groupByTopic<T extends TopicPartition>(list: readonly T[]): Map<string, T[]> {
  const byTopic = new Map<string, T[]>();
  for (const tp of list) {
    const l = byTopic.get(tp.topic);
    if (l === undefined) byTopic.set(tp.topic, [tp]);
    else l.push(tp);
  }
  return byTopic;
}

/**
 * The group's committed offsets of `partitions`, keyed by {@link tpKey}; partitions without one
 * (OffsetFetch answers -1) are absent.
 */
export async function fetchCommitted(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[],
  policy: RetryPolicy,
): Promise<Map<string, number>> {
  const committed = await fetchCommittedOffsets(cluster, groupId, partitions, policy);
  return new Map([...committed].map(([k, o]) => [k, o.offset]));
}

/**
 * The group's committed offsets of `partitions` with their metadata, keyed by {@link tpKey};
 * partitions without one are absent.
 */
export async function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[],
  policy: RetryPolicy,
): Promise<Map<string, TopicPartitionOffset>> {
  const topics = [...groupByTopic(partitions)].map(([name, tps]) => ({
    name,
    partitionIndexes: tps.map((tp) => tp.partition),
  }));
  return withRetries(
    `OffsetFetch for group ${groupId}`,
    policy,
    async () => {
      const connection = await coordinator(cluster, groupId);
      const version = connection.pickVersion(ApiKey.OFFSET_FETCH, OFFSET_FETCH_MAX_VERSION);
      const response = await connection.send(
        ApiKey.OFFSET_FETCH,
        version,
        version >= 8
          ? { groups: [{ groupId, topics }], requireStable: true }
          : { groupId, topics, requireStable: true },
      );
      const group = version >= 8 ? response.groups?.[0] : undefined;
      const topLevel = group?.errorCode ?? response.errorCode ?? 0;
      if (topLevel === UNSTABLE_OFFSET_COMMIT)
        throw failure('OffsetFetch', ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      if (topLevel !== 0) throw failure(`OffsetFetch for group ${groupId}`, topLevel);
      const out = new Map<string, TopicPartitionOffset>();
      for (const t of group?.topics ?? response.topics ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode === UNSTABLE_OFFSET_COMMIT)
            throw failure('OffsetFetch', ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
          if (p.errorCode !== 0 && p.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
            throw failure(`OffsetFetch ${t.name}-${p.partitionIndex}`, p.errorCode);
          if (p.errorCode === 0 && p.committedOffset >= 0)
            out.set(tpKey(t.name, p.partitionIndex), {
              topic: t.name,
              partition: p.partitionIndex,
              offset: p.committedOffset,
              metadata: p.metadata ?? '',
            });
        }
      }
      return out;
    },
    forgetOnMove(cluster, groupId),
  );
}

/**
 * Commits `offsets` for the group as `generation`. Throws a {@link FjordError} carrying
 * REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION or FENCED_INSTANCE_ID when the
 * member must rejoin first (the commit did not happen).
 */
export async function commitOffsets(
  cluster: Cluster,
  groupId: string,
  generation: Generation,
  offsets: readonly TopicPartitionOffset[],
  policy: RetryPolicy,
): Promise<void> {
  if (offsets.length === 0) return;
  const topics = [...groupByTopic(offsets)].map(([name, tps]) => ({
    name,
    partitions: tps.map((tp) => ({
      partitionIndex: tp.partition,
      committedOffset: tp.offset,
      committedLeaderEpoch: -1,
      committedMetadata: tp.metadata ?? '',
    })),
  }));
  await withRetries(
    `OffsetCommit for group ${groupId}`,
    policy,
    async () => {
      const connection = await coordinator(cluster, groupId);
      const version = connection.pickVersion(ApiKey.OFFSET_COMMIT, OFFSET_COMMIT_MAX_VERSION);
      const response = await connection.send(ApiKey.OFFSET_COMMIT, version, {
        groupId,
        generationIdOrMemberEpoch: generation.generationId,
        memberId: generation.memberId,
        groupInstanceId: generation.groupInstanceId,
        retentionTimeMs: -1,
        topics,
      });
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0)
            throw failure(
              `OffsetCommit ${t.name}-${p.partitionIndex} for group ${groupId}`,
              p.errorCode,
            );
        }
      }
    },
    forgetOnMove(cluster, groupId),
  );
}

/** One ListOffsets question: the offset for `timestamp` (or LATEST/EARLIEST) of a partition. */
export interface OffsetQuery extends TopicPartition {
  readonly timestamp: number;
}

/** ListOffsets' answer: -1 when no record is at or after the timestamp. */
export interface OffsetAnswer {
  readonly offset: number;
  readonly timestamp: number;
}

const LEADER_MOVED: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.REPLICA_NOT_AVAILABLE,
]);

/**
 * Answers `queries` with ListOffsets (read_committed) at each partition's leader, keyed by
 * {@link tpKey}; a leader change refreshes metadata and asks again.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  policy: RetryPolicy,
): Promise<Map<string, OffsetAnswer>> {
  const answers = new Map<string, OffsetAnswer>();
  let pending = [...queries];
  await withRetries(
    'ListOffsets',
    policy,
    async () => {
      const byLeader = new Map<number, OffsetQuery[]>();
      for (const q of pending) {
        const leader = await cluster.leaderOf(q.topic, q.partition);
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), q]);
      }
      const retry: OffsetQuery[] = [];
      await Promise.all(
        [...byLeader].map(async ([leader, qs]) => {
          const got = await listAtLeader(await cluster.connection(leader), qs);
          for (const q of qs) {
            const a = got.get(tpKey(q.topic, q.partition));
            if (a === undefined || typeof a === 'number') {
              if (a !== undefined && !LEADER_MOVED.has(a))
                throw failure(`ListOffsets ${q.topic}-${q.partition}`, a);
              retry.push(q);
            } else answers.set(tpKey(q.topic, q.partition), a);
          }
        }),
      );
      pending = retry;
      if (retry.length > 0) throw failure('ListOffsets', ErrorCode.NOT_LEADER_OR_FOLLOWER);
    },
    () => cluster.refreshMetadata().catch(() => undefined),
  );
  return answers;
}

/** One ListOffsets request; per partition an answer or an error code. */
async function listAtLeader(
  connection: KafkaConnection,
  queries: readonly OffsetQuery[],
): Promise<Map<string, OffsetAnswer | number>> {
  const version = connection.pickVersion(ApiKey.LIST_OFFSETS, LIST_OFFSETS_MAX_VERSION);
  const topics = [...groupByTopic(queries)].map(([name, qs]) => ({
    name,
    partitions: qs.map((q) => ({
      partitionIndex: q.partition,
      currentLeaderEpoch: -1,
      timestamp: q.timestamp,
    })),
  }));
  const response = await connection.send(ApiKey.LIST_OFFSETS, version, {
    replicaId: -1,
    isolationLevel: 1,
    topics,
  });
  const out = new Map<string, OffsetAnswer | number>();
  for (const t of response.topics) {
    for (const p of t.partitions) {
      out.set(
        tpKey(t.name, p.partitionIndex),
        p.errorCode === 0 ? { offset: p.offset, timestamp: p.timestamp } : p.errorCode,
      );
    }
  }
  return out;
}
