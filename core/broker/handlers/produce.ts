/**
 * Produce (API key 0), versions 3-7; v0-2 carry old message sets and are answered with
 * UNSUPPORTED_VERSION per partition (kafka-protocol.md §2.1). Per partition, in order
 * (kafka-protocol.md §3.4): the partition must be ours, the records exactly one valid RecordBatch
 * v2, zstd only from v7, no larger than `max.message.bytes`, and pass the idempotence check; then
 * the batch is appended as it arrived, its offsets stamped into the header. Everything here is
 * synchronous, so batches for one partition land in the order requests arrive. acks=1 is answered
 * once the append returns; acks=0 gets no answer at all.
 *
 * acks=-1 (all): refused with NOT_ENOUGH_REPLICAS before appending when the ISR is smaller than
 * `min.insync.replicas`; otherwise answered once the high watermark passes the batch (its
 * duplicate's original offsets too), which a single broker's ISR of one does on append, so that
 * path stays synchronous. A request still waiting after its `timeout_ms` gets REQUEST_TIMED_OUT
 * for the partitions not yet committed; a leader that steps down answers NOT_LEADER_OR_FOLLOWER.
 */
import type {
  ApiKey,
  PartitionProduceData,
  PartitionProduceResponse,
  ProduceResponse,
} from '../../protocol/messages/index.js';
import { Attributes } from '../../protocol/records/batch-header.js';
import type { BatchHeader } from '../../protocol/records/batch-header.js';
import { CompressionType } from '../../protocol/records/compression.js';
import { validateProducedBatch } from '../../protocol/records/record-batch.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { NO_RESPONSE } from '../broker-context.js';
import type { BrokerContext, Handler, PartitionHandle } from '../broker-context.js';
import { isErrorCode, leaderPartition } from '../leader-partition.js';
import { isInternalTopic } from '../topic-admin.js';
import { systemTimers } from '../timers.js';

/** The first Produce version that carries RecordBatch v2. */
const MIN_RECORD_BATCH_VERSION = 3;
/** The first Produce version that may carry zstd (KIP-110). */
const MIN_ZSTD_VERSION = 7;
const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1]);
/** acks=-1: every in-sync replica. */
const ALL = -1;

function failure(index: number, errorCode: ErrorCode): PartitionProduceResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

/** The batch's header, or the code that refuses it (§3.4 steps 1-3). */
function validate(records: Buffer, version: number, maxBytes: number): BatchHeader | ErrorCode {
  let header: BatchHeader;
  try {
    header = validateProducedBatch(records);
  } catch (err) {
    if (err instanceof FjordError) return err.code;
    throw err;
  }
  const codec = header.attributes & Attributes.COMPRESSION_MASK;
  if (codec === CompressionType.ZSTD && version < MIN_ZSTD_VERSION)
    return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  // fjord has no transactions (InitProducerId refuses transactional ids), so no client can hold
  // a transactional producer id: such a batch is malformed here.
  if ((header.attributes & Attributes.TRANSACTIONAL) !== 0) return ErrorCode.INVALID_RECORD;
  if (records.length > maxBytes) return ErrorCode.MESSAGE_TOO_LARGE;
  return header;
}

/** An acks=all answer waiting for the high watermark. */
interface Pending {
  readonly response: PartitionProduceResponse;
  readonly handle: PartitionHandle;
  readonly requiredOffset: number;
}

function producePartition(
  broker: BrokerContext,
  version: number,
  topic: string,
  data: PartitionProduceData,
  acks: number,
  pending: Pending[],
): PartitionProduceResponse {
  // Internal topics are written by the broker itself, never by clients (Kafka's rule).
  if (isInternalTopic(topic)) return failure(data.index, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const handle = leaderPartition(broker, topic, data.index);
  if (isErrorCode(handle)) return failure(data.index, handle);
  if (data.records === null) return failure(data.index, ErrorCode.INVALID_RECORD);
  const header = validate(data.records, version, handle.log.config.maxMessageBytes);
  if (typeof header === 'number') return failure(data.index, header);
  if (acks === ALL && handle.isrSize < handle.log.config.minInsyncReplicas)
    return failure(data.index, ErrorCode.NOT_ENOUGH_REPLICAS);
  const result = handle.appendAsLeader(data.records, header);
  if (result.errorCode !== ErrorCode.NONE) return failure(data.index, result.errorCode);
  const response = {
    index: data.index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTimeMs,
    logStartOffset: result.logStartOffset,
  };
  const requiredOffset = result.baseOffset + header.lastOffsetDelta + 1;
  if (acks === ALL && handle.highWatermark < requiredOffset)
    pending.push({ response, handle, requiredOffset });
  return response;
}

/**
 * Waits for the pending partitions' high watermarks, up to `timeoutMs`, and answers each with
 * its outcome in place of its provisional success.
 */
async function awaitCommits(
  broker: BrokerContext,
  responses: ProduceResponse['responses'],
  pending: readonly Pending[],
  timeoutMs: number,
): Promise<ProduceResponse['responses']> {
  const outcomes = new Map<PartitionProduceResponse, ErrorCode>();
  const cancels: (() => void)[] = [];
  await new Promise<void>((resolve) => {
    let left = pending.length;
    const settle = (p: Pending, code: ErrorCode): void => {
      if (outcomes.has(p.response)) return;
      outcomes.set(p.response, code);
      if (--left === 0) resolve();
    };
    for (const p of pending)
      cancels.push(
        p.handle.awaitHighWatermark(p.requiredOffset, (code) => {
          settle(p, code);
        }),
      );
    if (left > 0)
      cancels.push(
        (broker.timers ?? systemTimers).setTimeout(
          () => {
            for (const p of pending) settle(p, ErrorCode.REQUEST_TIMED_OUT);
          },
          Math.max(0, timeoutMs),
        ),
      );
  });
  for (const cancel of cancels) cancel();
  return responses.map((topic) => ({
    name: topic.name,
    partitionResponses: topic.partitionResponses.map((r) => {
      const code = outcomes.get(r);
      return code === undefined || code === ErrorCode.NONE ? r : failure(r.index, code);
    }),
  }));
}

/** Serves Produce v3-7 (and refuses v0-2); see the module comment. */
export const produceHandler: Handler<typeof ApiKey.PRODUCE> = (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
  const refusal =
    version < MIN_RECORD_BATCH_VERSION
      ? ErrorCode.UNSUPPORTED_VERSION
      : VALID_ACKS.has(request.acks)
        ? undefined
        : ErrorCode.INVALID_REQUIRED_ACKS;
  const pending: Pending[] = [];
  const responses = request.topicData.map((topic) => ({
    name: topic.name,
    partitionResponses: topic.partitionData.map((data) =>
      refusal === undefined
        ? producePartition(broker, version, topic.name, data, request.acks, pending)
        : failure(data.index, refusal),
    ),
  }));
  // acks=0: the client reads no answer, errors included (Kafka would close the connection).
  if (request.acks === 0) return NO_RESPONSE;
  if (pending.length === 0) return { responses, throttleTimeMs: 0 };
  return awaitCommits(broker, responses, pending, request.timeoutMs).then((answered) => ({
    responses: answered,
    throttleTimeMs: 0,
  }));
};
