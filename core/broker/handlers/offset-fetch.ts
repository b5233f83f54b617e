/**
 * OffsetFetch (API key 8), versions 1-8: a group's committed offsets, -1 with empty metadata for
 * partitions without one (the client then resets through ListOffsets), every committed partition
 * for null topics (v2+). Group-level errors (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR) are
 * per partition in v1, top-level in v2-7 and per group in v8, which also batches groups.
 * require_stable (v7+) needs no wait: fjord has no transactions, so no offset is ever pending.
 */
import type {
  ApiKey,
  OffsetFetchRequestGroup,
  OffsetFetchResponseGroup,
  OffsetFetchResponseTopics,
} from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import type { FetchedOffsets } from '../group/group-coordinator.js';

/** The first version with a top-level error code. */
const MIN_TOP_LEVEL_ERROR_VERSION = 2;
/** The first version that batches groups. */
const MIN_BATCHED_VERSION = 8;

function fetchGroup(broker: BrokerContext, group: OffsetFetchRequestGroup): FetchedOffsets {
  const query =
    group.topics === null
      ? null
      : group.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));
  return broker.groups.fetchOffsets(group.groupId, query);
}

function topicsOf(fetched: FetchedOffsets): OffsetFetchResponseTopics[] {
  return fetched.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}

/** Serves OffsetFetch v1-8; see the module comment. */
export const offsetFetchHandler: Handler<typeof ApiKey.OFFSET_FETCH> = (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
  if (version >= MIN_BATCHED_VERSION) {
    return {
      throttleTimeMs: 0,
      groups: (request.groups ?? []).map((g): OffsetFetchResponseGroup => {
        const fetched = fetchGroup(broker, g);
        return {
          groupId: g.groupId,
          errorCode: fetched.errorCode,
          topics: fetched.errorCode === ErrorCode.NONE ? topicsOf(fetched) : [],
        };
      }),
    };
  }
  const fetched = fetchGroup(broker, {
    groupId: request.groupId ?? '',
    topics: request.topics ?? null,
  });
  if (version < MIN_TOP_LEVEL_ERROR_VERSION)
    return { throttleTimeMs: 0, topics: topicsOf(fetched) };
  return {
    throttleTimeMs: 0,
    errorCode: fetched.errorCode,
    topics: fetched.errorCode === ErrorCode.NONE ? topicsOf(fetched) : [],
  };
};
