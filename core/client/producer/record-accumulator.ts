/**
 * The record accumulator: per-partition queues of batches (`batch.size`) and the
 * `buffer.memory` budget they draw from. Records are appended synchronously; when the budget is
 * spent the producer waits here for room ({@link RecordAccumulator.waitForRoom}) rather than
 * letting the buffer grow, and room comes back as batches settle. The sender takes batches out
 * of the queues and hands back the ones to retry.
 */
import { assert } from '../../util/assert.js';
import { TimeoutError } from '../../util/errors.js';
import { BatchBufferPool } from './batch-buffer-pool.js';
import { PartitionQueue } from './producer-batch.js';
import type { ProducerBatch } from './producer-batch.js';
import type { PreparedRecord } from './producer-record.js';
import type { Scheduler } from './scheduler.js';

/** What the accumulator tells the sender. */
export interface AccumulatorEvents {
  /** A batch is full (or closed by a younger one): it is ready to send now. */
  readonly onBatchFull: () => void;
  /** A batch was started; it becomes ready after linger.ms. */
  readonly onNewBatch: (batch: ProducerBatch) => void;
  /** A caller waits for buffer room: batches should go out without lingering. */
  readonly onMemoryWait: () => void;
}

interface RoomWaiter {
  readonly bytes: number;
  readonly resolve: () => void;
}

/**
 * Per-partition batches plus the buffer budget; see the module comment.
 *
 * @example
 * ```ts
 * const acc = new RecordAccumulator({ batchSize: 16384, bufferMemory: 1 << 25 }, scheduler, events);
 * if (acc.hasRoom(record.sizeBytes)) acc.append(0, record, now);
 * ```
 */
export class RecordAccumulator {
  private readonly topics = new Map<string, (PartitionQueue | undefined)[]>();
  /** Queues holding unsent batches. */
  readonly pending = new Set<PartitionQueue>();
  /** Batches not yet settled, queued or in flight. */
  readonly incomplete = new Set<ProducerBatch>();
  /** The last topic's queues: records mostly come in runs of one topic. */
  private lastTopic = '';
  private lastQueues: (PartitionQueue | undefined)[] = [];
  private buffered = 0;
  private readonly pool: BatchBufferPool;
  private waiter: RoomWaiter | undefined;

  constructor(
    private readonly limits: { readonly batchSize: number; readonly bufferMemory: number },
    private readonly scheduler: Scheduler,
    private readonly events: AccumulatorEvents,
  ) {
    this.pool = new BatchBufferPool(limits.batchSize, limits.bufferMemory);
  }

  /** Bytes of records held (queued or in flight); never above buffer.memory. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Whether a caller waits for room (Kafka's "exhausted": batches then go out at once). */
  get memoryWaiting(): boolean {
    return this.waiter !== undefined;
  }

  hasRoom(bytes: number): boolean {
    return this.buffered + bytes <= this.limits.bufferMemory;
  }

  /** The queue of a partition, created on first use. */
  queue(topic: string, partition: number): PartitionQueue {
    let queues = this.lastQueues;
    if (topic !== this.lastTopic) {
      const known = this.topics.get(topic);
      queues = known ?? [];
      if (known === undefined) this.topics.set(topic, queues);
      this.lastTopic = topic;
      this.lastQueues = queues;
    }
    let q = queues[partition];
    if (q === undefined) queues[partition] = q = new PartitionQueue(topic, partition);
    return q;
  }

  /** Every partition queue ever used. */
  *queues(): Generator<PartitionQueue, void, undefined> {
    for (const queues of this.topics.values()) for (const q of queues) if (q !== undefined) yield q;
  }

  /**
   * Encodes a record into its partition's open batch (or a new one) and returns the batch; the
   * record is the batch's last (`batch.recordCount - 1`). The caller has checked
   * {@link RecordAccumulator.hasRoom}.
   */
  append(partition: number, record: PreparedRecord, nowMs: number): ProducerBatch {
    const sizeBytes = record.sizeBytes;
    assert(this.hasRoom(sizeBytes), 'append without buffer room');
    const q = this.queue(record.topic, partition);
    const open = q.open();
    const limit = this.limits.batchSize;
    let batch: ProducerBatch;
    if (open?.tryAppend(record, limit) === true) {
      batch = open;
    } else {
      if (open !== undefined) this.events.onBatchFull();
      batch = q.newBatch(nowMs, this.pool.take(q.capacityHintBytes));
      this.incomplete.add(batch);
      this.pending.add(q);
      batch.tryAppend(record, limit);
      this.events.onNewBatch(batch);
    }
    this.buffered += sizeBytes;
    if (batch.sizeBytes >= limit) {
      batch.closed = true;
      this.events.onBatchFull();
    }
    return batch;
  }

  /** Takes a queue's head batch for sending. */
  take(q: PartitionQueue): ProducerBatch {
    const batch = q.takeHead();
    if (q.batches.length === 0) this.pending.delete(q);
    return batch;
  }

  /** Puts a batch back for a retry, in creation order. */
  requeue(batch: ProducerBatch): void {
    batch.queue.requeue(batch);
    this.pending.add(batch.queue);
  }

  /** Drops a queued batch that will never be sent (it is settled by the caller). */
  remove(batch: ProducerBatch): void {
    const q = batch.queue;
    const at = q.batches.indexOf(batch);
    if (at >= 0) q.batches.splice(at, 1);
    if (q.batches.length === 0) this.pending.delete(q);
  }

  /** Releases a settled batch's memory and wakes a caller waiting for room. */
  release(batch: ProducerBatch): void {
    assert(batch.settled, 'release of an unsettled batch');
    if (!this.incomplete.delete(batch)) return;
    this.pool.give(batch.releaseBuffer());
    this.buffered -= batch.reservedBytes;
    assert(this.buffered >= 0, 'buffered bytes went negative');
    const waiter = this.waiter;
    if (waiter !== undefined && this.hasRoom(waiter.bytes)) {
      this.waiter = undefined;
      waiter.resolve();
    }
  }

  /**
   * Resolves once `bytes` fit in the budget; rejects with {@link TimeoutError} after
   * `timeoutMs` (Kafka's max.block.ms). One waiter at a time: the producer appends in order.
   */
  waitForRoom(bytes: number, timeoutMs: number): Promise<void> {
    assert(this.waiter === undefined, 'two callers waiting for buffer room');
    if (this.hasRoom(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cancel = this.scheduler.setTimeout(() => {
        this.waiter = undefined;
        reject(
          new TimeoutError(
            `no room for ${bytes} bytes in buffer.memory (${this.limits.bufferMemory}) ` +
              `after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiter = {
        bytes,
        resolve: () => {
          cancel();
          resolve();
        },
      };
      this.events.onMemoryWait();
    });
  }
}
