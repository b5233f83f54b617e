/**
 * DeleteRecords (API key 21), versions 0-2: moves each partition's log start offset (the low
 * watermark) up to the requested offset; -1 means the high watermark. Offsets past the high
 * watermark get OFFSET_OUT_OF_RANGE; topics whose cleanup policy does not include `delete` get
 * POLICY_VIOLATION, as in Apache. Segments wholly below the new start are removed at once.
 */
import type { ApiKey, DeleteRecordsPartitionResult } from '../../protocol/messages/index.js';
import { deletes } from '../../log/log-config.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { isErrorCode, leaderPartition } from '../leader-partition.js';

/** DeleteRecords' "up to the high watermark". */
const HIGH_WATERMARK = -1;

function deletePartition(
  broker: BrokerContext,
  topic: string,
  partitionIndex: number,
  offset: number,
): DeleteRecordsPartitionResult {
  const failure = (errorCode: ErrorCode): DeleteRecordsPartitionResult => ({
    partitionIndex,
    lowWatermark: -1,
    errorCode,
  });
  const handle = leaderPartition(broker, topic, partitionIndex);
  if (isErrorCode(handle)) return failure(handle);
  if (!deletes(handle.log.config.cleanupPolicy)) return failure(ErrorCode.POLICY_VIOLATION);
  const target = offset === HIGH_WATERMARK ? handle.highWatermark : offset;
  if (target < 0 || target > handle.highWatermark) return failure(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    return { partitionIndex, lowWatermark: handle.deleteRecordsBefore(target), errorCode: 0 };
  } catch (err) {
    if (err instanceof FjordError) return failure(err.code);
    throw err;
  }
}

/** Serves DeleteRecords v0-2; see the module comment. */
export const deleteRecordsHandler: Handler<typeof ApiKey.DELETE_RECORDS> = (broker, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p) =>
      deletePartition(broker, topic.name, p.partitionIndex, p.offset),
    ),
  })),
});
