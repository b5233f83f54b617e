/**
 * A producer batch (the records bound for one partition in one RecordBatch, encoded as they are
 * appended) and the per-partition queue of them. A batch settles once, with one promise for all
 * its records, which `sendBatch()` waits on; a record's result is derived from the batch's by its
 * index. Only `send()` gives a record a promise of its own.
 */
import { RECORD_BATCH_OVERHEAD, updateBatchCrc } from '../../protocol/records/batch-header.js';
import type { CompressionType } from '../../protocol/records/compression.js';
import { assert } from '../../util/assert.js';
import type { PreparedRecord, RecordMetadata } from './producer-record.js';
import { RecordBatchBuilder, restamp } from './record-batch-builder.js';

/** The broker's answer for a batch. */
export interface BatchResult {
  /** The first record's offset; -1 with acks=0. */
  readonly baseOffset: number;
  /** The broker's append time for LogAppendTime topics, else -1. */
  readonly logAppendTimeMs: number;
}

/** The buffer a partition's first batch starts with; later ones start at their predecessor's size. */
const INITIAL_BATCH_BYTES = 1024;

const noop = (): void => undefined;

type RecordResolver = (metadata: RecordMetadata | PromiseLike<RecordMetadata>) => void;

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
  /** Bytes a new batch's buffer starts with: about what the previous batch needed. */
  capacityHintBytes = INITIAL_BATCH_BYTES;
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

  /** Starts a new batch at the tail, closing the previous one; it is built into `buf`. */
  newBatch(nowMs: number, buf: Buffer = Buffer.allocUnsafe(this.capacityHintBytes)): ProducerBatch {
    const last = this.batches.at(-1);
    if (last !== undefined) last.closed = true;
    const batch = new ProducerBatch(this, nowMs, this.batchIds++, buf);
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
  /** The records, encoded as they are appended. */
  private readonly builder: RecordBatchBuilder;
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
  /** The resolve functions of `send()`'s per-record promises, by record index. */
  private recordResolvers: (RecordResolver | undefined)[] | undefined;

  constructor(
    readonly queue: PartitionQueue,
    readonly createdMs: number,
    /** Creation order within the partition. */
    readonly id: number,
    buf: Buffer,
  ) {
    this.builder = new RecordBatchBuilder(buf);
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
    return this.builder.count;
  }

  /**
   * The batch as a RecordBatch: built on the first call, which closes it to further records.
   * Later calls return the same bytes; if the producer fields changed since (a producer id reset
   * restamped the batch), they are patched in place and the CRC recomputed.
   */
  encode(compression: CompressionType): Buffer {
    if (this.encoded === undefined) {
      this.closed = true;
      this.encoded = this.builder.build(compression, this);
      const used = this.builder.sizeBytes;
      this.queue.capacityHintBytes = used + (used >>> 3);
    } else if (this.encodedStamp !== this.stamp()) {
      restamp(this.encoded, this);
      updateBatchCrc(this.encoded, 0);
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
  tryAppend(record: PreparedRecord, limitBytes: number): boolean {
    if (this.closed || this.encoded !== undefined) return false;
    const size = record.sizeBytes;
    if (this.builder.count > 0 && this.sizeBytes + size > limitBytes) {
      this.closed = true;
      return false;
    }
    this.sizeBytes += size;
    this.reservedBytes += size;
    this.builder.append(record);
    return true;
  }

  /** Where record `index` was written; call after the batch succeeded. */
  metadataAt(index: number): RecordMetadata {
    const result = this.result;
    assert(result !== undefined && index < this.builder.count, 'metadataAt before success');
    return {
      topic: this.queue.topic,
      partition: this.queue.partition,
      offset: result.baseOffset < 0 ? -1 : result.baseOffset + index,
      timestamp:
        result.logAppendTimeMs >= 0 ? result.logAppendTimeMs : this.builder.timestampAt(index),
    };
  }

  /**
   * A promise of where record `index` was written, settled with the batch. Its resolve function
   * is kept and called when the batch settles: cheaper than a reaction on the batch's promise
   * per record, which costs a closure and a microtask more.
   */
  recordResult(index: number): Promise<RecordMetadata> {
    if (this.settled) return this.promise.then(() => this.metadataAt(index));
    return new Promise<RecordMetadata>((resolve) => {
      const resolvers = (this.recordResolvers ??= []);
      while (resolvers.length < index) resolvers.push(undefined);
      resolvers[index] = resolve;
    });
  }

  complete(result: BatchResult): void {
    assert(!this.settled, 'batch settled twice');
    this.settled = true;
    this.result = result;
    this.resolveFn(result);
    const resolvers = this.recordResolvers;
    if (resolvers === undefined) return;
    this.recordResolvers = undefined;
    for (let i = 0; i < resolvers.length; i++) resolvers[i]?.(this.metadataAt(i));
  }

  /** The batch's buffer, for reuse once the batch has settled; the batch is done with it. */
  releaseBuffer(): Buffer {
    assert(this.settled, 'buffer of an unsettled batch');
    this.encoded = undefined;
    return this.builder.releaseBuffer();
  }

  fail(error: Error): void {
    assert(!this.settled, 'batch settled twice');
    this.settled = true;
    this.rejectFn(error);
    const resolvers = this.recordResolvers;
    if (resolvers === undefined) return;
    this.recordResolvers = undefined;
    // Only resolve functions are kept (half the functions to hold): resolving with the batch's
    // rejected promise rejects each record's promise with the same error.
    for (const resolve of resolvers) resolve?.(this.promise as Promise<never>);
  }
}
