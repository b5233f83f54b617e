/**
 * Turns one partition of a Fetch response into consumer records, as the Java client's
 * CompletedFetch does under read_committed: whole batches are decoded (CRC checked), records
 * below the fetch offset dropped (a response starts with the batch containing it), control
 * batches skipped, and batches of aborted transactions filtered with the response's aborted
 * transaction list.
 */
import type { AbortedTransaction } from '../../protocol/messages/fetch.js';
import { Attributes } from '../../protocol/records/batch-header.js';
import { decodeRecordBatch, iterateBatches } from '../../protocol/records/record-batch.js';
import type { ConsumerRecord } from './types.js';

/** Records decoded from one partition's data. */
export interface PartitionRecords {
  readonly records: ConsumerRecord[];
  /** The offset after the last complete batch: where the next fetch starts. */
  readonly nextOffset: number;
  /** Whether the data held bytes but not one complete batch (a batch larger than the fetch size). */
  readonly truncated: boolean;
}

/** The type of a control record: its key is `version:int16 type:int16`, 0 = abort, 1 = commit. */
function isAbortMarker(key: Buffer | null): boolean {
  return key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * Decodes `bytes` (a partition's record data) from `fetchOffset` on. Throws
 * `CorruptRecordError` for a batch that fails its CRC or does not parse.
 *
 * @example
 * ```ts
 * const { records, nextOffset } = decodePartitionRecords('orders', 0, data.records, 42, null);
 * ```
 */
export function decodePartitionRecords(
  topic: string,
  partition: number,
  bytes: Buffer,
  fetchOffset: number,
  abortedTransactions: readonly AbortedTransaction[] | null,
): PartitionRecords {
  const aborted = [...(abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  const records: ConsumerRecord[] = [];
  let nextOffset = fetchOffset;
  let sawBatch = false;
  for (const { pos, size } of iterateBatches(bytes)) {
    sawBatch = true;
    const batch = decodeRecordBatch(bytes.subarray(pos, pos + size));
    const { header } = batch;
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    if (lastOffset < fetchOffset) continue;
    nextOffset = Math.max(nextOffset, lastOffset + 1);
    while (aborted.length > 0 && (aborted[0]?.firstOffset ?? Infinity) <= lastOffset) {
      const txn = aborted.shift();
      if (txn !== undefined) abortedProducers.add(txn.producerId);
    }
    const transactional = (header.attributes & Attributes.TRANSACTIONAL) !== 0;
    if ((header.attributes & Attributes.CONTROL) !== 0) {
      if (transactional && isAbortMarker(batch.records[0]?.key ?? null))
        abortedProducers.delete(header.producerId);
      continue;
    }
    if (transactional && abortedProducers.has(header.producerId)) continue;
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue;
      records.push({
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key,
        value: r.value,
        headers: r.headers,
      });
    }
  }
  return { records, nextOffset, truncated: !sawBatch && bytes.length > 0 };
}
