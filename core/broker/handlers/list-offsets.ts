/**
 * ListOffsets (API key 2), versions 1-5 (kafka-protocol.md §4): -1 is the latest offset (the
 * high watermark, which is also the last stable offset without transactions), -2 the earliest
 * (the log start offset), and any other value a timestamp: the first offset whose record
 * timestamp is at least it, or offset -1 and timestamp -1 when none is. A partition named twice
 * in one request gets INVALID_REQUEST, as in Apache. current_leader_epoch (v4+) is checked as
 * for Fetch (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH).
 */
import type {
  ApiKey,
  ListOffsetsPartition,
  ListOffsetsPartitionResponse,
} from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler, PartitionHandle } from '../broker-context.js';
import { checkCurrentLeaderEpoch, isErrorCode, leaderPartition } from '../leader-partition.js';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
/** The first version whose response carries the leader epoch. */
const MIN_LEADER_EPOCH_VERSION = 4;

interface Lookup {
  readonly errorCode: ErrorCode;
  readonly offset: number;
  readonly timestamp: number;
  readonly leaderEpoch: number;
}

const NOT_FOUND: Lookup = { errorCode: ErrorCode.NONE, offset: -1, timestamp: -1, leaderEpoch: -1 };

function lookup(handle: PartitionHandle, timestamp: number): Lookup {
  const { log, highWatermark } = handle;
  // Kafka reports no epoch for a log with nothing in it.
  const leaderEpoch = log.logEndOffset > log.logStartOffset ? handle.leaderEpoch : -1;
  if (timestamp === LATEST_TIMESTAMP)
    return { errorCode: ErrorCode.NONE, offset: highWatermark, timestamp: -1, leaderEpoch };
  if (timestamp === EARLIEST_TIMESTAMP)
    return { errorCode: ErrorCode.NONE, offset: log.logStartOffset, timestamp: -1, leaderEpoch };
  const found = log.offsetForTimestamp(timestamp);
  if (found === undefined || found.offset >= highWatermark) return NOT_FOUND;
  return { errorCode: ErrorCode.NONE, ...found, leaderEpoch: handle.leaderEpoch };
}

function listPartition(
  broker: BrokerContext,
  topic: string,
  partition: ListOffsetsPartition,
  duplicate: boolean,
): Lookup {
  const failure = (errorCode: ErrorCode): Lookup => ({ ...NOT_FOUND, errorCode });
  if (duplicate) return failure(ErrorCode.INVALID_REQUEST);
  const handle = leaderPartition(broker, topic, partition.partitionIndex);
  if (isErrorCode(handle)) return failure(handle);
  const fenced = checkCurrentLeaderEpoch(handle, partition.currentLeaderEpoch);
  if (fenced !== ErrorCode.NONE) return failure(fenced);
  try {
    return lookup(handle, partition.timestamp);
  } catch (err) {
    if (err instanceof FjordError) return failure(err.code);
    throw err;
  }
}

/** Serves ListOffsets v1-5; see the module comment. */
export const listOffsetsHandler: Handler<typeof ApiKey.LIST_OFFSETS> = (broker, request, ctx) => {
  const withEpoch = ctx.header.apiVersion >= MIN_LEADER_EPOCH_VERSION;
  const seen = new Map<string, number>();
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const key = `${topic.name}\u0000${p.partitionIndex}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p): ListOffsetsPartitionResponse => {
        const duplicate = (seen.get(`${topic.name}\u0000${p.partitionIndex}`) ?? 0) > 1;
        const { errorCode, offset, timestamp, leaderEpoch } = listPartition(
          broker,
          topic.name,
          p,
          duplicate,
        );
        return {
          partitionIndex: p.partitionIndex,
          errorCode,
          timestamp,
          offset,
          // v1-3 have no leader epoch: leave the field at its default there.
          ...(withEpoch ? { leaderEpoch } : {}),
        };
      }),
    })),
  };
};
