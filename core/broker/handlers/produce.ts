/**
 * Produce (API key 0), versions 3-7; v0-2 carry old message sets and are answered with
 * UNSUPPORTED_VERSION per partition (kafka-protocol.md §2.1). Per partition, in order
 * (kafka-protocol.md §3.4): the partition must be ours, the records exactly one valid RecordBatch
 * v2, zstd only from v7, no larger than `max.message.bytes`, and pass the idempotence check; then
 * the batch is appended as it arrived, its offsets stamped into the header. Everything here is
 * synchronous, so batches for one partition land in the order requests arrive. A single broker's
 * ISR is itself: acks=-1 and acks=1 are both answered once the append returns; acks=0 gets no
 * answer at all.
 */
import type {
  ApiKey,
  PartitionProduceData,
  PartitionProduceResponse,
} from '../../protocol/messages/index.js';
import { Attributes } from '../../protocol/records/batch-header.js';
import type { BatchHeader } from '../../protocol/records/batch-header.js';
import { CompressionType } from '../../protocol/records/compression.js';
import { validateProducedBatch } from '../../protocol/records/record-batch.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { NO_RESPONSE } from '../broker-context.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { isErrorCode, leaderPartition } from '../leader-partition.js';
import { isInternalTopic } from '../topic-admin.js';

/** The first Produce version that carries RecordBatch v2. */
const MIN_RECORD_BATCH_VERSION = 3;
/** The first Produce version that may carry zstd (KIP-110). */
const MIN_ZSTD_VERSION = 7;
const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1]);

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

function producePartition(
  broker: BrokerContext,
  version: number,
  topic: string,
  data: PartitionProduceData,
): PartitionProduceResponse {
  // Internal topics are written by the broker itself, never by clients (Kafka's rule).
  if (isInternalTopic(topic)) return failure(data.index, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const handle = leaderPartition(broker, topic, data.index);
  if (isErrorCode(handle)) return failure(data.index, handle);
  if (data.records === null) return failure(data.index, ErrorCode.INVALID_RECORD);
  const header = validate(data.records, version, handle.log.config.maxMessageBytes);
  if (typeof header === 'number') return failure(data.index, header);
  const result = handle.appendAsLeader(data.records, header);
  if (result.errorCode !== ErrorCode.NONE) return failure(data.index, result.errorCode);
  return {
    index: data.index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTimeMs,
    logStartOffset: result.logStartOffset,
  };
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
  const responses = request.topicData.map((topic) => ({
    name: topic.name,
    partitionResponses: topic.partitionData.map((data) =>
      refusal === undefined
        ? producePartition(broker, version, topic.name, data)
        : failure(data.index, refusal),
    ),
  }));
  // acks=0: the client reads no answer, errors included (Kafka would close the connection).
  if (request.acks === 0) return NO_RESPONSE;
  return { responses, throttleTimeMs: 0 };
};
