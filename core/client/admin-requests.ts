/**
 * Requests the admin clients share: error checks, topic layout from Metadata, partitions grouped
 * by leader, and ListOffsets routed to each partition's leader.
 */
import { ApiKey } from '../protocol/messages/index.js';
import type { MetadataResponse } from '../protocol/messages/metadata.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import type { Cluster } from './cluster.js';

/** ListOffsets' timestamp for the latest offset (the high watermark). */
export const LATEST_TIMESTAMP = -1;
/** ListOffsets' timestamp for the earliest offset (the log start offset). */
export const EARLIEST_TIMESTAMP = -2;

/** Throws a {@link FjordError} carrying `errorCode` unless it is NONE. */
export function check(
  errorCode: number,
  errorMessage: string | null | undefined,
  what: string,
): void {
  if (errorCode !== 0) {
    throw new FjordError(
      `${what}: ${errorName(errorCode)}${errorMessage ? ` (${errorMessage})` : ''}`,
      errorCode as ErrorCode,
    );
  }
}

/** Sends Metadata for `topics` (null = all) to any broker. */
export async function fetchMetadata(
  cluster: Cluster,
  topics: readonly string[] | null,
): Promise<MetadataResponse> {
  const connection = await cluster.anyConnection();
  return connection.send(ApiKey.METADATA, connection.pickVersion(ApiKey.METADATA, 9), {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: false,
  });
}

/** A topic's partitions and their leaders; throws UNKNOWN_TOPIC_OR_PARTITION if it is absent. */
export async function topicLayout(cluster: Cluster, topic: string): Promise<Map<number, number>> {
  const metadata = await fetchMetadata(cluster, [topic]);
  const found = metadata.topics.find((t) => t.name === topic);
  if (found === undefined)
    throw new FjordError(`topic ${topic} not found`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  check(found.errorCode, null, `topic ${topic}`);
  return new Map(found.partitions.map((p) => [p.partitionIndex, p.leaderId]));
}

/**
 * `partitions` of `topic` (default all) grouped by their leader's node id. Throws
 * UNKNOWN_TOPIC_OR_PARTITION for a partition the topic does not have.
 */
export async function partitionsByLeader(
  cluster: Cluster,
  topic: string,
  partitions?: readonly number[],
): Promise<Map<number, number[]>> {
  const layout = await topicLayout(cluster, topic);
  const byLeader = new Map<number, number[]>();
  for (const partition of partitions ?? [...layout.keys()]) {
    const leader = layout.get(partition);
    if (leader === undefined) {
      throw new FjordError(
        `partition ${topic}-${partition} does not exist`,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    }
    let list = byLeader.get(leader);
    if (list === undefined) byLeader.set(leader, (list = []));
    list.push(partition);
  }
  return byLeader;
}

/** One partition's answer to ListOffsets; `offset` is -1 when no record matches a timestamp. */
export interface ListedOffset {
  readonly offset: number;
  readonly timestamp: number;
}

/**
 * ListOffsets for `partitions` of `topic` (default all), each asked of its leader. `timestamp`
 * is {@link LATEST_TIMESTAMP}, {@link EARLIEST_TIMESTAMP} or a time in ms: the first offset whose
 * record timestamp is at least it. Throws on a partition-level error.
 */
export async function listOffsets(
  cluster: Cluster,
  topic: string,
  timestamp: number,
  partitions?: readonly number[],
): Promise<Map<number, ListedOffset>> {
  const byLeader = await partitionsByLeader(cluster, topic, partitions);
  const out = new Map<number, ListedOffset>();
  await Promise.all(
    [...byLeader].map(async ([leader, indexes]) => {
      const connection = await cluster.connection(leader);
      const response = await connection.send(
        ApiKey.LIST_OFFSETS,
        connection.pickVersion(ApiKey.LIST_OFFSETS, 5),
        {
          replicaId: -1,
          isolationLevel: 0,
          topics: [
            {
              name: topic,
              partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp })),
            },
          ],
        },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          check(p.errorCode, null, `list offsets of ${topic}-${p.partitionIndex}`);
          out.set(p.partitionIndex, { offset: p.offset, timestamp: p.timestamp });
        }
      }
    }),
  );
  return out;
}
