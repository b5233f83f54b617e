import { KafkaConnection } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import type { BatchHeader } from '../../core/protocol/records/batch-header.js';
import type { Record } from '../../core/protocol/records/record.js';
import { decodeRecordBatch, iterateBatches } from '../../core/protocol/records/record-batch.js';

/** What a partition holds: its records (with keys and headers) and its batch headers. */
export interface PartitionContents {
  readonly records: Record[];
  readonly batches: BatchHeader[];
}

/**
 * Reads a partition straight from a broker with Fetch v11. Without `atLeast` it reads up to the
 * high watermark; with it, it long-polls (the broker answers when data arrives) until that many
 * records are there, so tests wait on the broker's event rather than on a sleep.
 */
export async function readPartition(
  connection: KafkaConnection,
  topic: string,
  partition: number,
  atLeast?: number,
): Promise<PartitionContents> {
  const records: Record[] = [];
  const batches: BatchHeader[] = [];
  let offset = 0;
  for (;;) {
    const waiting = atLeast !== undefined && records.length < atLeast;
    const response = await connection.send(
      ApiKey.FETCH,
      11,
      {
        replicaId: -1,
        maxWaitMs: waiting ? 5000 : 0,
        minBytes: waiting ? 1 : 0,
        maxBytes: 8 << 20,
        isolationLevel: 0,
        topics: [
          { topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 << 20 }] },
        ],
      },
      { timeoutMs: 15_000 },
    );
    const data = response.responses[0]!.partitions[0]!;
    if (data.errorCode !== 0)
      throw new Error(`fetch ${topic}-${partition}: error ${data.errorCode}`);
    const raw = data.records;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.concat(Array.isArray(raw) ? raw : []);
    let got = 0;
    for (const { pos } of iterateBatches(bytes)) {
      const batch = decodeRecordBatch(bytes, pos);
      if (batch.header.baseOffset >= offset) batches.push(batch.header);
      for (const r of batch.records) {
        if (r.offset < offset) continue;
        records.push(r);
        got++;
      }
    }
    if (got > 0) offset = records.at(-1)!.offset + 1;
    if (got === 0 && (atLeast === undefined || records.length >= atLeast)) {
      return { records, batches };
    }
  }
}

/** Connects straight to a broker (not through any proxy) for verification. */
export async function directConnection(port: number): Promise<KafkaConnection> {
  const connection = await KafkaConnection.connect('127.0.0.1', port, { clientId: 'verifier' });
  await connection.apiVersions();
  return connection;
}
