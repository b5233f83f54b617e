/**
 * A group's committed offsets against its partitions' offsets: the lag that
 * `kafka-consumer-groups.sh --describe` shows, and the plans of `--reset-offsets`.
 */
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './admin-requests.js';
import type { Cluster } from './cluster.js';
import {
  byTopicPartition,
  type CommittedOffset,
  type GroupDescription,
  type GroupMember,
  type PartitionLag,
} from './group-model.js';
import { planReset, type PlannedOffset, type ResetSpec } from './offset-reset.js';

/** A topic whose offsets a reset moves: every partition unless `partitions` names some. */
export interface ResetTarget {
  readonly topic: string;
  readonly partitions?: readonly number[];
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * For every partition the group owns or has committed: the committed offset, the log end offset
 * (ListOffsets at each leader) and the lag, sorted by topic and partition.
 */
export async function partitionLags(
  cluster: Cluster,
  description: GroupDescription,
  committed: readonly CommittedOffset[],
): Promise<PartitionLag[]> {
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
        owners.set(tpKey(topic, p), member);
        want(topic, p);
      }
    }
  }
  for (const c of committed) want(c.topic, c.partition);
  const committedBy = new Map(committed.map((c) => [tpKey(c.topic, c.partition), c.offset]));
  const rows: PartitionLag[] = [];
  for (const [topic, partitions] of wanted) {
    const ends = await listOffsets(cluster, topic, LATEST_TIMESTAMP, [...partitions]);
    for (const partition of partitions) {
      const key = tpKey(topic, partition);
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
  return rows.sort(byTopicPartition);
}

/**
 * The offsets a reset by `spec` would commit for `targets`, from the group's `committed` offsets
 * and each partition's log start, log end and (for a datetime) offset for the time; see
 * {@link planReset}. Commits nothing.
 */
export async function planGroupReset(
  cluster: Cluster,
  committed: readonly CommittedOffset[],
  targets: readonly ResetTarget[],
  spec: ResetSpec,
): Promise<PlannedOffset[]> {
  const committedBy = new Map(committed.map((c) => [tpKey(c.topic, c.partition), c.offset]));
  const plan: PlannedOffset[] = [];
  for (const { topic, partitions } of targets) {
    const [starts, ends, forTime] = await Promise.all([
      listOffsets(cluster, topic, EARLIEST_TIMESTAMP, partitions),
      listOffsets(cluster, topic, LATEST_TIMESTAMP, partitions),
      spec.kind === 'datetime'
        ? listOffsets(cluster, topic, spec.timestampMs, partitions)
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
          committed: committedBy.get(tpKey(topic, partition)),
          ...(offsetForTime === undefined ? {} : { offsetForTime }),
        }),
      );
    }
  }
  return plan;
}
