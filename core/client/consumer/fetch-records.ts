/**
 * Turns one partition of a Fetch response into consumer records, as the Java client's
 * CompletedFetch does under read_committed: whole batches are decoded (CRC checked), records
 * below the fetch offset dropped (a response starts with the batch containing it), control
 * batches skipped, and batches of aborted transactions filtered with the response's aborted
 * transaction list.
 */
import type { AbortedTransaction } from '../../protocol/messages/fetch.js';
import {
  Attributes,
  batchAttributes,
  batchLastOffset,
  batchSize,
  PRODUCER_ID_OFFSET,
} from '../../protocol/records/batch-header.js';
import { decodeRecordBatch, iterateBatches } from '../../protocol/records/record-batch.js';
import { decodeFetchedBatch } from './fetched-record.js';
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
 * Decodes one partition's record data batch by batch, so a consumer decodes records as it hands
 * them out rather than a whole fetch at once (records then die young, which keeps garbage
 * collection cheap). Construction walks the batch headers only: {@link nextOffset} and
 * {@link truncated} are known at once. Throws `CorruptRecordError` (from the constructor for bad
 * framing, from {@link PartitionDecoder.next} for a batch that fails its CRC or does not parse).
 *
 * @example
 * ```ts
 * const decoder = new PartitionDecoder('orders', 0, data.records, 42, null);
 * const out: ConsumerRecord[] = [];
 * while (out.length < 500 && decoder.next(out));
 * ```
 */
export class PartitionDecoder {
  /** The offset after the last complete batch: where the next fetch starts. */
  readonly nextOffset: number;
  /** Whether the data held bytes but not one complete batch (a batch larger than the fetch size). */
  readonly truncated: boolean;
  private pos = 0;
  /** The end of the last complete batch. */
  private readonly end: number;
  private readonly aborted: AbortedTransaction[];
  private readonly abortedProducers = new Set<number>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly bytes: Buffer,
    private readonly fetchOffset: number,
    abortedTransactions: readonly AbortedTransaction[] | null,
  ) {
    this.aborted =
      abortedTransactions === null || abortedTransactions.length === 0
        ? []
        : [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset);
    let nextOffset = fetchOffset;
    let end = 0;
    for (const { pos, size } of iterateBatches(bytes)) {
      nextOffset = Math.max(nextOffset, batchLastOffset(bytes, pos) + 1);
      end = pos + size;
    }
    this.nextOffset = nextOffset;
    this.end = end;
    this.truncated = end === 0 && bytes.length > 0;
  }

  /** Whether every batch has been decoded. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Decodes the next batch, appending its records to `out`; false when there was none left. */
  next(out: ConsumerRecord[]): boolean {
    const { bytes, pos, fetchOffset } = this;
    if (pos >= this.end) return false;
    const end = pos + batchSize(bytes, pos);
    if ((batchAttributes(bytes, pos) & Attributes.CONTROL) !== 0) {
      // Control batches are rare: decode them whole for their marker record.
      const batch = decodeRecordBatch(bytes.subarray(pos, end));
      this.pos = end;
      const { header } = batch;
      const lastOffset = header.baseOffset + header.lastOffsetDelta;
      if (lastOffset < fetchOffset) return true;
      this.collectAborted(lastOffset);
      const transactional = (header.attributes & Attributes.TRANSACTIONAL) !== 0;
      if (transactional && isAbortMarker(batch.records[0]?.key ?? null))
        this.abortedProducers.delete(header.producerId);
      return true;
    }
    // Which records to keep depends on the header alone; skipped batches are still decoded
    // (keeping no records) so corrupt data fails the same way wherever it lies.
    const lastOffset = batchLastOffset(bytes, pos);
    let minOffset = fetchOffset;
    if (lastOffset < fetchOffset) {
      minOffset = Infinity;
    } else {
      this.collectAborted(lastOffset);
      const transactional = (batchAttributes(bytes, pos) & Attributes.TRANSACTIONAL) !== 0;
      if (transactional && this.abortedProducers.has(batchProducerId(bytes, pos)))
        minOffset = Infinity;
    }
    decodeFetchedBatch(this, pos, end, minOffset, out);
    this.pos = end;
    return true;
  }

  /** Moves the aborted transactions starting at or before `lastOffset` into the producer set. */
  private collectAborted(lastOffset: number): void {
    const aborted = this.aborted;
    while (aborted.length > 0 && (aborted[0]?.firstOffset ?? Infinity) <= lastOffset) {
      const txn = aborted.shift();
      if (txn !== undefined) this.abortedProducers.add(txn.producerId);
    }
  }
}

function batchProducerId(buf: Buffer, pos: number): number {
  return (
    buf.readInt32BE(pos + PRODUCER_ID_OFFSET) * 0x1_0000_0000 +
    buf.readUInt32BE(pos + PRODUCER_ID_OFFSET + 4)
  );
}

/**
 * Decodes `bytes` (a partition's record data) from `fetchOffset` on, all at once. Throws
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
  const decoder = new PartitionDecoder(topic, partition, bytes, fetchOffset, abortedTransactions);
  const records: ConsumerRecord[] = [];
  while (decoder.next(records));
  return { records, nextOffset: decoder.nextOffset, truncated: decoder.truncated };
}
