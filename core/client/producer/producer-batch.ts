/**
 * A producer batch (the records bound for one partition in one RecordBatch) and the per-partition
 * queue of them. A batch settles once, with one promise for all its records: `send()` derives a
 * record's result from the batch's by index, so no record needs a promise of its own until the
 * caller asks for one.
 */
import {
  BASE_SEQUENCE_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  updateBatchCrc,
} from '../../protocol/records/batch-header.js';
import type { CompressionType } from '../../protocol/records/compression.js';
import type { RecordInput } from '../../protocol/records/record.js';
import { encodeRecordBatch } from '../../protocol/records/record-batch.js';
import { assert } from '../../util/assert.js';
import type { RecordMetadata } from './producer-record.js';

/** The broker's answer for a batch. */
export interface BatchResult {
  /** The first record's offset; -1 with acks=0. */
  readonly baseOffset: number;
  /** The broker's append time for LogAppendTime topics, else -1. */
  readonly logAppendTimeMs: number;
}

/** A record as a batch holds it: timestamp always set. */
export type BatchRecord = RecordInput & { readonly timestamp: number };

const noop = (): void => undefined;

/** The batches of one partition, oldest first, and the partition's send state. */
export class PartitionQueue {
  /** Unsent batches, oldest (lowest sequence) first; only the last may still take records. */
  readonly batches: ProducerBatch[] = [];
  /** Batches sent and not yet answered. */
  inFlight = 0;
  /**
   * Idempotence: a batch of this partition failed and is being retried; until every batch with
   * a sequence has been acknowledged only one may be in flight, so sequences arrive in order.
   */
  recovering = false;
  /** Idempotence: the sequence the next new batch gets (owned by idempotence.ts). */
  nextSequence = 0;
  /** Idempotence: the last sequence the broker acknowledged, -1 for none (owned by idempotence.ts). */
  lastAckedSequence = -1;
  private batchIds = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The oldest unsent batch. */
  head(): ProducerBatch | undefined {
    return this.batches[0];
  }

  /** The batch still taking records, if any. */
  open(): ProducerBatch | undefined {
    const last = this.batches[this.batches.length - 1];
    return last === undefined || last.closed ? undefined : last;
  }

  /** Starts a new batch at the tail, closing the previous one. */
  newBatch(nowMs: number): ProducerBatch {
    const last = this.batches.at(-1);
    if (last !== undefined) last.closed = true;
    const batch = new ProducerBatch(this, nowMs, this.batchIds++);
    this.batches.push(batch);
    return batch;
  }

  /** Removes the head batch for sending; it takes no more records. */
  takeHead(): ProducerBatch {
    const batch = this.batches.shift();
    assert(batch !== undefined, 'takeHead of an empty partition queue');
    batch.closed = true;
    return batch;
  }

  /** Puts a batch that failed back, before every younger batch (ids follow creation order). */
  requeue(batch: ProducerBatch): void {
    let at = 0;
    while (at < this.batches.length && (this.batches[at]?.id ?? Infinity) < batch.id) at++;
    this.batches.splice(at, 0, batch);
  }
}

/** The records of one partition sent together as one RecordBatch. */
export class ProducerBatch {
  /** The records, until the batch is encoded; then only their timestamps are kept. */
  private records: BatchRecord[] = [];
  private timestamps: Float64Array | undefined;
  /** Estimated encoded size: batch header plus each record's estimate. */
  sizeBytes = RECORD_BATCH_OVERHEAD;
  /** Bytes reserved against buffer.memory; released when the batch settles. */
  reservedBytes = 0;
  /** No more records: full, or drained. */
  closed = false;
  /** Idempotence fields, stamped when the batch is first drained and kept across retries. */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** The encoded RecordBatch, built once on first drain. */
  encoded: Buffer | undefined;
  /** The producer fields written in `encoded`; they differ after a producer id reset. */
  private encodedStamp = '';
  /** Sends so far. */
  attempts = 0;
  /** Not to be sent again before this time (retry backoff). */
  retryAtMs = 0;
  inFlight = false;
  settled = false;
  result: BatchResult | undefined;
  /** Settles once with the batch's result or error; never rejects unobserved. */
  readonly promise: Promise<BatchResult>;
  private resolveFn: (r: BatchResult) => void = noop;
  private rejectFn: (e: Error) => void = noop;

  constructor(
    readonly queue: PartitionQueue,
    readonly createdMs: number,
    /** Creation order within the partition. */
    readonly id: number,
  ) {
    this.promise = new Promise<BatchResult>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    this.promise.catch(noop);
  }

  get topic(): string {
    return this.queue.topic;
  }

  get partition(): number {
    return this.queue.partition;
  }

  /** Records in the batch. */
  get recordCount(): number {
    return this.timestamps?.length ?? this.records.length;
  }

  /**
   * The batch as a RecordBatch: encoded on the first call, after which the records are dropped
   * (their timestamps kept) so they do not outlive the encoding. Later calls return the same
   * bytes; if the producer fields changed since (a producer id reset restamped the batch), they
   * are patched in place and the CRC recomputed.
   */
  encode(compression: CompressionType): Buffer {
    if (this.encoded === undefined) {
      const records = this.records;
      this.encoded = encodeRecordBatch(records, {
        compression,
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        baseSequence: this.baseSequence,
      });
      const timestamps = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) timestamps[i] = records[i]?.timestamp ?? 0;
      this.timestamps = timestamps;
      this.records = [];
    } else if (this.encodedStamp !== this.stamp()) {
      const buf = this.encoded;
      const hi = Math.floor(this.producerId / 0x1_0000_0000);
      buf.writeInt32BE(hi, PRODUCER_ID_OFFSET);
      buf.writeUInt32BE(this.producerId - hi * 0x1_0000_0000, PRODUCER_ID_OFFSET + 4);
      buf.writeInt16BE(this.producerEpoch, PRODUCER_EPOCH_OFFSET);
      buf.writeInt32BE(this.baseSequence, BASE_SEQUENCE_OFFSET);
      updateBatchCrc(buf, 0);
    }
    this.encodedStamp = this.stamp();
    return this.encoded;
  }

  private stamp(): string {
    return `${this.producerId}/${this.producerEpoch}/${this.baseSequence}`;
  }

  /**
   * Appends a record unless the batch is closed or it would pass `limitBytes` (a first record
   * always fits; one that does not fit closes the batch).
   */
  tryAppend(record: BatchRecord, sizeBytes: number, limitBytes: number): boolean {
    if (this.closed || this.encoded !== undefined) return false;
    if (this.records.length > 0 && this.sizeBytes + sizeBytes > limitBytes) {
      this.closed = true;
      return false;
    }
    this.sizeBytes += sizeBytes;
    this.reservedBytes += sizeBytes;
    this.records.push(record);
    return true;
  }

  /** Where record `index` was written; call after the batch succeeded. */
  metadataAt(index: number): RecordMetadata {
    const result = this.result;
    const timestamp = this.timestamps?.[index];
    assert(result !== undefined && timestamp !== undefined, 'metadataAt before success');
    return {
      topic: this.queue.topic,
      partition: this.queue.partition,
      offset: result.baseOffset < 0 ? -1 : result.baseOffset + index,
      timestamp: result.logAppendTimeMs >= 0 ? result.logAppendTimeMs : timestamp,
    };
  }

  complete(result: BatchResult): void {
    assert(!this.settled, 'batch settled twice');
    this.settled = true;
    this.result = result;
    this.resolveFn(result);
  }

  fail(error: Error): void {
    assert(!this.settled, 'batch settled twice');
    this.settled = true;
    this.rejectFn(error);
  }
}
