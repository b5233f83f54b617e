/**
 * Fetch (API key 1), versions 4-12, sessionless (kafka-protocol.md §3.6, §4). Each partition
 * answers with whole stored batches, exactly the bytes on disk, from the batch holding
 * fetch_offset up to the high watermark, within partition_max_bytes and what is left of
 * max_bytes, except that the first batch of the first non-empty partition comes whole however
 * large it is (KIP-74). An offset below the log start or past the high watermark gets
 * OFFSET_OUT_OF_RANGE; one at the high watermark an empty answer. Repeated topics are answered
 * entry by entry.
 *
 * Long poll: when fewer than min_bytes are available and max_wait_ms > 0, the fetch parks on a
 * {@link PartitionWatch} and reads again when enough bytes were appended, a partition changed,
 * the wait expired, or the broker is closing. Any partition error answers at once, as Apache.
 *
 * Fixed answers: session_id 0 (fjord never creates fetch sessions), last_stable_offset = high
 * watermark and no aborted transactions (no transactions), preferred_read_replica -1.
 * current_leader_epoch (v9+) is checked: older than the partition's is FENCED_LEADER_EPOCH, newer
 * UNKNOWN_LEADER_EPOCH.
 *
 * A fetch with replica_id ≥ 0 comes from a follower broker: its fetch offset is the follower's
 * log end, which the leader records (moving the high watermark and the ISR) once per request,
 * and it reads up to the log end instead of the high watermark; its long poll wakes on appends,
 * not on high watermark moves.
 */
import type {
  ApiKey,
  FetchPartition,
  FetchRequest,
  FetchResponse,
  PartitionData,
} from '../../protocol/messages/index.js';
import {
  Attributes,
  RECORD_BATCH_OVERHEAD,
  batchAttributes,
  batchSize,
} from '../../protocol/records/batch-header.js';
import { CompressionType } from '../../protocol/records/compression.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler, PartitionHandle } from '../broker-context.js';
import { checkCurrentLeaderEpoch, isErrorCode, leaderPartition } from '../leader-partition.js';

/** The first Fetch version whose clients can read zstd (KIP-110). */
const MIN_ZSTD_VERSION = 10;
const NO_RECORDS = Buffer.alloc(0);

/** One pass over the request's partitions. */
interface FetchPass {
  readonly response: FetchResponse;
  /** Record bytes in the response. */
  readonly bytes: number;
  /** Whether any partition answered with an error: then the fetch does not wait. */
  readonly failed: boolean;
}

/** No replica id: a consumer's fetch. */
const CONSUMER = -1;

/** A follower's partitions refused when its fetch was recorded, by `topic\0partition`. */
type ReplicaRefusals = ReadonlyMap<string, ErrorCode>;
const NO_REFUSALS: ReplicaRefusals = new Map();
const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

function errorData(
  partitionIndex: number,
  errorCode: ErrorCode,
  handle?: PartitionHandle,
): PartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: handle?.highWatermark ?? -1,
    lastStableOffset: handle?.highWatermark ?? -1,
    // A follower out of range learns the leader's log start here, to restart its log at it.
    logStartOffset: handle?.log.logStartOffset ?? -1,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: NO_RECORDS,
  };
}

/** Whether any batch in `records` is zstd-compressed; reads batch headers only. */
function containsZstd(records: Buffer): boolean {
  for (let pos = 0; pos + RECORD_BATCH_OVERHEAD <= records.length; pos += batchSize(records, pos)) {
    const codec = batchAttributes(records, pos) & Attributes.COMPRESSION_MASK;
    if (codec === CompressionType.ZSTD) return true;
  }
  return false;
}

async function readPartition(
  handle: PartitionHandle,
  request: FetchPartition,
  version: number,
  maxBytes: number,
  minOneBatch: boolean,
  replica: boolean,
): Promise<PartitionData> {
  const highWatermark = handle.highWatermark;
  const readableEnd = replica ? handle.log.logEndOffset : highWatermark;
  const logStartOffset = handle.log.logStartOffset;
  const answer = (errorCode: ErrorCode, records: Buffer): PartitionData => ({
    partitionIndex: request.partition,
    errorCode,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records,
  });
  const offset = request.fetchOffset;
  if (offset < logStartOffset || offset > readableEnd)
    return answer(ErrorCode.OFFSET_OUT_OF_RANGE, NO_RECORDS);
  if (offset === readableEnd || (maxBytes <= 0 && !minOneBatch))
    return answer(ErrorCode.NONE, NO_RECORDS);
  let records: Buffer;
  try {
    ({ records } = await handle.log.read(offset, maxBytes, {
      maxOffset: readableEnd,
      minOneBatch,
    }));
  } catch (err) {
    // Retention or DeleteRecords moved the log start under the read, or the log closed.
    if (err instanceof FjordError) return answer(err.code, NO_RECORDS);
    throw err;
  }
  if (version < MIN_ZSTD_VERSION && containsZstd(records))
    return answer(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, NO_RECORDS);
  return answer(ErrorCode.NONE, records);
}

/** Reads every requested partition once, sharing max_bytes in request order. */
async function readAll(
  broker: BrokerContext,
  request: FetchRequest,
  version: number,
  refusals: ReplicaRefusals,
): Promise<FetchPass> {
  const replica = request.replicaId >= 0;
  let remaining = Math.max(0, request.maxBytes);
  let minOneBatch = true;
  let bytes = 0;
  let failed = false;
  const responses = [];
  for (const topic of request.topics) {
    const partitions: PartitionData[] = [];
    for (const p of topic.partitions) {
      const handle = leaderPartition(broker, topic.topic, p.partition);
      let data: PartitionData;
      if (isErrorCode(handle)) data = errorData(p.partition, handle);
      else {
        const refusal =
          refusals.get(keyOf(topic.topic, p.partition)) ??
          checkCurrentLeaderEpoch(handle, p.currentLeaderEpoch);
        data =
          refusal !== ErrorCode.NONE
            ? errorData(p.partition, refusal, handle)
            : await readPartition(
                handle,
                p,
                version,
                Math.min(Math.max(0, p.partitionMaxBytes), remaining),
                minOneBatch,
                replica,
              );
      }
      const length = Buffer.isBuffer(data.records) ? data.records.length : 0;
      if (length > 0) {
        minOneBatch = false;
        remaining = Math.max(0, remaining - length);
        bytes += length;
      }
      if (data.errorCode !== ErrorCode.NONE) failed = true;
      partitions.push(data);
    }
    responses.push({ topic: topic.topic, partitions });
  }
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses },
    bytes,
    failed,
  };
}

/** The partitions of the request this broker leads, for the long poll to watch. */
function watchedPartitions(broker: BrokerContext, request: FetchRequest): PartitionHandle[] {
  const handles: PartitionHandle[] = [];
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const handle = leaderPartition(broker, topic.topic, p.partition);
      if (!isErrorCode(handle)) handles.push(handle);
    }
  }
  return handles;
}

/**
 * A follower's fetch: records its fetch offset as its log end on each partition it follows here
 * (epoch-checked first), once per request. Returns the partitions refused.
 */
function recordReplicaFetch(broker: BrokerContext, request: FetchRequest): ReplicaRefusals {
  const refusals = new Map<string, ErrorCode>();
  const now = broker.clock.now();
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const handle = leaderPartition(broker, topic.topic, p.partition);
      if (isErrorCode(handle)) continue;
      let code = checkCurrentLeaderEpoch(handle, p.currentLeaderEpoch);
      if (code === ErrorCode.NONE)
        code = handle.recordFollowerFetch(request.replicaId, p.fetchOffset, now);
      if (code !== ErrorCode.NONE) refusals.set(keyOf(topic.topic, p.partition), code);
    }
  }
  return refusals;
}

/** Serves Fetch v4-12; see the module comment. */
export const fetchHandler: Handler<typeof ApiKey.FETCH> = async (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
  const minBytes = request.minBytes;
  const replicaId = request.replicaId;
  const refusals = replicaId > CONSUMER ? recordReplicaFetch(broker, request) : NO_REFUSALS;
  const anyPartition = request.topics.some((t) => t.partitions.length > 0);
  if (request.maxWaitMs <= 0 || minBytes <= 0 || !anyPartition)
    return (await readAll(broker, request, version, refusals)).response;
  // Watch before the first read, so an append racing the read still counts.
  const watch = broker.partitions.watch(
    watchedPartitions(broker, request),
    request.maxWaitMs,
    replicaId > CONSUMER,
  );
  try {
    for (;;) {
      const mark = watch.appendedBytes;
      const pass = await readAll(broker, request, version, refusals);
      if (pass.bytes >= minBytes || pass.failed) return pass.response;
      const why = await watch.until(mark + minBytes - pass.bytes);
      if (why === 'closed') return pass.response;
      if (why === 'timeout') return (await readAll(broker, request, version, refusals)).response;
    }
  } finally {
    watch.close();
  }
};
