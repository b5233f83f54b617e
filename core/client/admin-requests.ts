/**
 * Requests the admin clients share: error checks, topic layout from Metadata, and ListOffsets
 * routed to each partition's leader.
 */
import { ApiKey } from '../protocol/messages/index.js';
import type { MetadataResponse } from '../protocol/messages/metadata.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import type { NodeConnections } from './node-connections.js';

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

/** Sends Metadata for `topics` (null = all) on the bootstrap connection. */
export function fetchMetadata(
  nodes: NodeConnections,
  topics: readonly string[] | null,
): Promise<MetadataResponse> {
  const connection = nodes.bootstrap;
  return connection.send(ApiKey.METADATA, connection.pickVersion(ApiKey.METADATA, 9), {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: false,
  });
}

/** A topic's partitions and their leaders; throws UNKNOWN_TOPIC_OR_PARTITION if it is absent. */
export async function topicLayout(
  nodes: NodeConnections,
  topic: string,
): Promise<Map<number, number>> {
  const metadata = await fetchMetadata(nodes, [topic]);
  const found = metadata.topics.find((t) => t.name === topic);
  if (found === undefined)
    throw new FjordError(`topic ${topic} not found`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  check(found.errorCode, null, `topic ${topic}`);
  return new Map(found.partitions.map((p) => [p.partitionIndex, p.leaderId]));
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
  nodes: NodeConnections,
  topic: string,
  timestamp: number,
  partitions?: readonly number[],
): Promise<Map<number, ListedOffset>> {
  const layout = await topicLayout(nodes, topic);
  const byLeader = new Map<number, number[]>();
  for (const partition of partitions ?? [...layout.keys()]) {
    const leader = layout.get(partition);
    if (leader === undefined) {
      throw new FjordError(
        `partition ${topic}-${partition} does not exist`,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
  }
  const out = new Map<number, ListedOffset>();
  await Promise.all(
    [...byLeader].map(async ([leader, indexes]) => {
      const connection = await nodes.forNode(leader);
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
