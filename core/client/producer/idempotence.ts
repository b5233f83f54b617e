/**
 * The idempotent producer (kafka-protocol.md §3.5): a producer id from InitProducerId (null
 * transactional id), and per partition a sequence number stamped into a batch when it is first
 * drained and kept across its retries, so the broker can drop the duplicates a retry creates.
 *
 * Ordering under retries: while a partition has a batch being retried it is "recovering" and
 * sends one batch at a time, oldest first, until every sequenced batch is acknowledged. A batch
 * answered OUT_OF_ORDER_SEQUENCE_NUMBER is retried when an older batch of its partition is still
 * unacknowledged (it only ran into that batch's gap); when it is the oldest, the broker lost our
 * state: the batch fails and, as Kafka's idempotent producer does, the producer takes a new id and
 * restarts every partition's sequences at 0 once nothing is in flight. UNKNOWN_PRODUCER_ID, and any
 * batch that held a sequence but fails or expires (it leaves a gap), lead to the same reset.
 */
import { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode, errorName, isRetriable } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import { backoffMs } from './options.js';
import type { ProducerConfig } from './options.js';
import type { PartitionQueue, ProducerBatch } from './producer-batch.js';
import type { Scheduler } from './scheduler.js';

const INIT_PRODUCER_ID_MAX_VERSION = 4;
/** Java's transaction timeout for a producer without transactions. */
const NO_TRANSACTION_TIMEOUT_MS = 0x7fffffff;
const MAX_SEQUENCE = 0x7fffffff;

/** `sequence + increment`, wrapping from 2^31-1 to 0 as Kafka's sequences do. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment
    ? increment - (MAX_SEQUENCE - sequence) - 1
    : sequence + increment;
}

function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.setTimeout(resolve, ms));
}

/**
 * Producer id, epoch and per-partition sequences; see the module comment.
 *
 * @example
 * ```ts
 * const idempotence = new Idempotence(cluster, config, systemScheduler, logger);
 * await idempotence.init(Date.now() + 60_000);
 * idempotence.stamp(batch);
 * ```
 */
export class Idempotence {
  producerId = -1;
  producerEpoch = -1;
  /** A new producer id is needed before any further batch is sent. */
  resetPending = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: ProducerConfig,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
  ) {}

  /**
   * Gets a producer id with InitProducerId, retrying retriable errors until `deadlineMs`. Throws
   * {@link FjordError} with the broker's code otherwise.
   */
  async init(deadlineMs: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await this.cluster.anyConnection();
        const version = connection.pickVersion(
          ApiKey.INIT_PRODUCER_ID,
          INIT_PRODUCER_ID_MAX_VERSION,
        );
        const response = await connection.send(ApiKey.INIT_PRODUCER_ID, version, {
          transactionalId: null,
          transactionTimeoutMs: NO_TRANSACTION_TIMEOUT_MS,
          producerId: -1,
          producerEpoch: -1,
        });
        if (response.errorCode !== ErrorCode.NONE) {
          throw new FjordError(
            `InitProducerId failed: ${errorName(response.errorCode)}`,
            response.errorCode as ErrorCode,
          );
        }
        this.producerId = response.producerId;
        this.producerEpoch = response.producerEpoch;
        this.logger.debug({ producerId: this.producerId }, 'producer id assigned');
        return;
      } catch (err) {
        const retriable = err instanceof FjordError && err.retriable;
        if (!retriable || this.scheduler.now() >= deadlineMs) throw err;
        await sleep(this.scheduler, backoffMs(this.config, attempt));
      }
    }
  }

  /** Whether `q` may send another batch now: one at a time while it recovers. */
  canSend(q: PartitionQueue): boolean {
    return !q.recovering || q.inFlight === 0;
  }

  /** Stamps producer id, epoch and the next sequence into a batch on its first drain. */
  stamp(batch: ProducerBatch): void {
    if (batch.baseSequence >= 0) return;
    const q = batch.queue;
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.baseSequence = q.nextSequence;
    q.nextSequence = incrementSequence(q.nextSequence, batch.recordCount);
  }

  /** Records an acknowledged batch; the partition leaves recovery once nothing sequenced is left. */
  onAcknowledged(batch: ProducerBatch): void {
    const q = batch.queue;
    const last = incrementSequence(batch.baseSequence, batch.recordCount - 1);
    // Acknowledgements may arrive out of order after retries; keep the newest (modulo wrap).
    const ahead = last - q.lastAckedSequence;
    if (q.lastAckedSequence < 0 || ahead > 0 || ahead < -(MAX_SEQUENCE >> 1)) {
      q.lastAckedSequence = last;
    }
    if (q.recovering && q.inFlight === 0 && !q.batches.some((b) => b.baseSequence >= 0)) {
      q.recovering = false;
    }
  }

  /** A sequenced batch goes back for a retry: its partition sends one batch at a time until done. */
  onRetry(batch: ProducerBatch): void {
    batch.queue.recovering = true;
  }

  /**
   * How to treat an error the broker answered for `batch`: `retry` (an older batch's gap),
   * `reset` (fail the batch and take a new producer id) or `fail`.
   */
  classify(batch: ProducerBatch, code: number): 'retry' | 'reset' | 'fail' {
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      // The oldest unacknowledged batch carries the sequence right after the last acknowledged.
      const oldest = batch.baseSequence === incrementSequence(batch.queue.lastAckedSequence, 1);
      return oldest ? 'reset' : 'retry';
    }
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID) return 'reset';
    return isRetriable(code) ? 'retry' : 'fail';
  }

  /**
   * Takes a new producer id and restarts sequences: every queue's counters go back to 0 and
   * unacknowledged batches lose their stamp, to be restamped in order when next drained (an
   * encoded batch gets its header patched). Call only with nothing in flight.
   */
  async reset(queues: Iterable<PartitionQueue>, deadlineMs: number): Promise<void> {
    this.logger.warn({ producerId: this.producerId }, 'idempotent producer state reset');
    await this.init(deadlineMs);
    for (const q of queues) {
      q.nextSequence = 0;
      q.lastAckedSequence = -1;
      q.recovering = false;
      for (const b of q.batches) {
        b.baseSequence = -1;
        b.producerId = -1;
        b.producerEpoch = -1;
      }
    }
    this.resetPending = false;
  }
}
