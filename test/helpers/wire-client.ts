import type { KafkaConnection } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import type { CompressionType } from '../../core/protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../../core/protocol/records/record-batch.js';

/** One stored record as the wire tests compare it. */
export interface StoredValue {
  readonly offset: number;
  readonly value: string;
}

/**
 * Produces `values` as one batch with Produce v7 and resolves with their offsets; rejects on a
 * network failure and returns the partition error code otherwise.
 */
export async function produceValues(
  connection: KafkaConnection,
  topic: string,
  partition: number,
  values: readonly string[],
  options: { acks?: number; compression?: CompressionType; key?: string } = {},
): Promise<{ errorCode: number; records: StoredValue[] }> {
  const records = encodeRecordBatch(
    values.map((v) => ({
      key: options.key === undefined ? null : Buffer.from(options.key),
      value: Buffer.from(v),
    })),
    options.compression === undefined ? {} : { compression: options.compression },
  );
  const response = await connection.send(ApiKey.PRODUCE, 7, {
    transactionalId: null,
    acks: options.acks ?? -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  const p = response.responses[0]!.partitionResponses[0]!;
  return {
    errorCode: p.errorCode,
    records: values.map((value, i) => ({ offset: p.baseOffset + i, value })),
  };
}

/** Fetches a partition from `from` to its high watermark with Fetch v11, decoding every record. */
export async function fetchAll(
  connection: KafkaConnection,
  topic: string,
  partition: number,
  from = 0,
): Promise<StoredValue[]> {
  const out: StoredValue[] = [];
  let offset = from;
  for (;;) {
    const response = await connection.send(ApiKey.FETCH, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 4 << 20,
      isolationLevel: 0,
      topics: [
        { topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 4 << 20 }] },
      ],
    });
    const data = response.responses[0]!.partitions[0]!;
    if (data.errorCode !== 0)
      throw new Error(`fetch ${topic}-${partition}@${offset}: error ${data.errorCode}`);
    const records = data.records;
    const bytes = Buffer.isBuffer(records)
      ? records
      : Buffer.concat(Array.isArray(records) ? records : []);
    if (bytes.length === 0) return out;
    for (const { pos } of iterateBatches(bytes)) {
      for (const r of decodeRecordBatch(bytes, pos).records) {
        if (r.offset >= offset) out.push({ offset: r.offset, value: r.value?.toString() ?? '' });
      }
    }
    offset = out.at(-1)!.offset + 1;
  }
}
