/**
 * The sender: drains ready batches into Produce requests, one request per leader carrying one
 * batch of each of its partitions, at most `max.in.flight.requests.per.connection` per broker,
 * and settles every batch from the answer: success, a retry after backoff (retriable errors,
 * lost connections, within `delivery.timeout.ms`), or failure.
 *
 * It is event-driven, with no polling loop: a full batch, an answer or a new connection schedules
 * a drain for the next turn of the event loop (so a burst of `send()`s fills batches first), and
 * one timer covers the earliest linger, backoff or expiry deadline. A batch is ready when it is
 * full, has lingered `linger.ms`, is a retry, or when a flush, a close or a caller waiting for
 * buffer room wants everything out; once one partition of a broker is ready, every sendable
 * partition of that broker rides along (as Kafka's drain does).
 */
import type { KafkaConnection } from '../../network/client-connection.js';
import { ApiKey } from '../../protocol/messages/index.js';
import type { ProduceResponse } from '../../protocol/messages/produce.js';
import { ErrorCode, errorName, isRetriable } from '../../util/error-codes.js';
import { FjordError, TimeoutError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import { BrokerLinks } from './broker-links.js';
import type { NodeState } from './broker-links.js';
import type { Idempotence } from './idempotence.js';
import { backoffMs } from './options.js';
import type { ProducerConfig } from './options.js';
import { ProduceError } from './produce-error.js';
import { matchProduceResponse, produceRequest } from './produce-request.js';
import type { BatchResult, PartitionQueue, ProducerBatch } from './producer-batch.js';
import type { RecordAccumulator } from './record-accumulator.js';
import type { Scheduler } from './scheduler.js';

/** Errors after which the partition's leader may have moved: refresh metadata. */
const METADATA_ERRORS: ReadonlySet<number> = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.NETWORK_EXCEPTION,
]);

/**
 * Drains the accumulator into Produce requests; see the module comment.
 *
 * @example
 * ```ts
 * const sender = new Sender(cluster, accumulator, idempotence, config, systemScheduler, logger);
 * sender.wakeup();
 * ```
 */
export class Sender {
  /** Flushes in progress: every batch is ready. */
  flushing = 0;
  /** Closing: every batch is ready. */
  closing = false;
  private readonly links: BrokerLinks;
  private drainQueued = false;
  private timerAtMs = Infinity;
  private cancelTimer: (() => void) | undefined;
  private inFlightTotal = 0;
  private resetting = false;
  private stopped = false;

  constructor(
    cluster: Cluster,
    private readonly accumulator: RecordAccumulator,
    private readonly idempotence: Idempotence | undefined,
    private readonly config: ProducerConfig,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    metadataMaxAgeMs?: number,
  ) {
    this.links = new BrokerLinks(
      cluster,
      config,
      scheduler,
      logger,
      {
        onChange: () => {
          this.wakeup();
        },
        wakeAt: (atMs) => {
          this.wakeAt(atMs);
        },
      },
      metadataMaxAgeMs,
    );
  }

  /** Drains on the next turn of the event loop (coalesced). */
  wakeup(): void {
    if (this.drainQueued || this.stopped) return;
    this.drainQueued = true;
    this.scheduler.setImmediate(() => {
      this.drainQueued = false;
      this.drain();
    });
  }

  /** A new batch becomes ready after linger.ms. */
  onNewBatch(batch: ProducerBatch): void {
    if (this.config.lingerMs === 0) this.wakeup();
    else this.wakeAt(batch.createdMs + this.config.lingerMs);
  }

  /** Stops timers; batches still queued stay unsettled (close flushes first). */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private wakeAt(atMs: number): void {
    if (atMs >= this.timerAtMs || this.stopped) return;
    this.cancelTimer?.();
    this.timerAtMs = atMs;
    this.cancelTimer = this.scheduler.setTimeout(
      () => {
        this.timerAtMs = Infinity;
        this.cancelTimer = undefined;
        this.drain();
      },
      Math.max(0, atMs - this.scheduler.now()),
    );
  }

  private drain(): void {
    if (this.stopped) return;
    const now = this.scheduler.now();
    this.links.maybeRefresh(now);
    if (this.idempotence?.resetPending === true) {
      this.maybeReset(now);
      return;
    }
    let wakeAtMs = Infinity;
    const byNode = new Map<number, PartitionQueue[]>();
    const readyNodes = new Set<number>();
    for (const q of this.accumulator.pending) {
      const head = this.expireHeads(q, now);
      if (head === undefined) continue;
      wakeAtMs = Math.min(wakeAtMs, head.createdMs + this.config.deliveryTimeoutMs);
      if (head.retryAtMs > now) {
        wakeAtMs = Math.min(wakeAtMs, head.retryAtMs);
        continue;
      }
      if (this.idempotence !== undefined && !this.idempotence.canSend(q)) continue;
      const leader = this.links.leaderOf(q.topic, q.partition, now);
      if (leader < 0) continue;
      let queues = byNode.get(leader);
      if (queues === undefined) byNode.set(leader, (queues = []));
      queues.push(q);
      if (this.isReady(q, now)) readyNodes.add(leader);
      else wakeAtMs = Math.min(wakeAtMs, head.createdMs + this.config.lingerMs);
    }
    for (const nodeId of readyNodes) {
      const queues = byNode.get(nodeId);
      if (queues !== undefined) this.drainNode(this.links.node(nodeId), queues, now);
    }
    if (wakeAtMs < Infinity) this.wakeAt(wakeAtMs);
  }

  private isReady(q: PartitionQueue, now: number): boolean {
    const head = q.head();
    if (head === undefined || head.retryAtMs > now) return false;
    if (this.idempotence !== undefined && !this.idempotence.canSend(q)) return false;
    return (
      head.closed ||
      head.attempts > 0 ||
      now - head.createdMs >= this.config.lingerMs ||
      this.flushing > 0 ||
      this.closing ||
      this.accumulator.memoryWaiting
    );
  }

  /** Fails queued head batches past delivery.timeout.ms; returns the first live head. */
  private expireHeads(q: PartitionQueue, now: number): ProducerBatch | undefined {
    let head = q.head();
    while (head !== undefined && now - head.createdMs >= this.config.deliveryTimeoutMs) {
      this.accumulator.remove(head);
      this.expire(head, undefined);
      head = q.head();
    }
    return head;
  }

  /** Sends requests to one broker while it has room in flight and a ready partition. */
  private drainNode(node: NodeState, queues: readonly PartitionQueue[], now: number): void {
    const connection = this.links.connection(node, now);
    if (connection === undefined) return;
    while (node.inFlight < this.config.maxInFlight) {
      const batches: ProducerBatch[] = [];
      let bytes = 0;
      for (const q of queues) {
        const head = q.head();
        if (head === undefined || head.retryAtMs > now) continue;
        if (this.idempotence !== undefined && !this.idempotence.canSend(q)) continue;
        const size = this.encode(head).length;
        if (batches.length > 0 && bytes + size > this.config.maxRequestSize) continue;
        bytes += size;
        // One batch per partition per request; the next round sees this one in flight.
        batches.push(this.accumulator.take(q));
      }
      if (batches.length === 0) return;
      this.send(node, connection, batches);
      if (!queues.some((q) => this.isReady(q, now))) return;
    }
  }

  /** The batch's RecordBatch bytes, sequenced on its first drain (or first after a reset). */
  private encode(batch: ProducerBatch): Buffer {
    if (this.idempotence !== undefined && batch.baseSequence < 0) this.idempotence.stamp(batch);
    return batch.encode(this.config.compression);
  }

  private send(node: NodeState, connection: KafkaConnection, batches: ProducerBatch[]): void {
    for (const b of batches) {
      this.encode(b);
      b.inFlight = true;
      b.attempts++;
      b.queue.inFlight++;
    }
    node.inFlight++;
    this.inFlightTotal++;
    const request = produceRequest(batches, this.config.acks, this.config.requestTimeoutMs);
    const failed = (err: unknown): void => {
      this.onRequestError(node, batches, err);
    };
    if (this.config.acks === 0) {
      connection.sendNoResponse(ApiKey.PRODUCE, node.produceVersion, request).then(() => {
        this.finish(node, batches);
        for (const b of batches) this.succeed(b, { baseOffset: -1, logAppendTimeMs: -1 });
        this.wakeup();
      }, failed);
    } else {
      connection.send(ApiKey.PRODUCE, node.produceVersion, request).then((response) => {
        this.onResponse(node, batches, response);
      }, failed);
    }
  }

  private finish(node: NodeState, batches: readonly ProducerBatch[]): void {
    node.inFlight--;
    this.inFlightTotal--;
    for (const b of batches) {
      b.inFlight = false;
      b.queue.inFlight--;
    }
  }

  private onResponse(
    node: NodeState,
    batches: readonly ProducerBatch[],
    response: ProduceResponse,
  ): void {
    this.finish(node, batches);
    const now = this.scheduler.now();
    const unanswered = matchProduceResponse(batches, response, (batch, p) => {
      if (p.errorCode === ErrorCode.NONE) {
        this.succeed(batch, { baseOffset: p.baseOffset, logAppendTimeMs: p.logAppendTimeMs ?? -1 });
      } else {
        this.onPartitionError(batch, p.errorCode, now);
      }
    });
    for (const b of unanswered) {
      this.fail(b, this.error(b, ErrorCode.UNKNOWN_SERVER_ERROR, 'the broker did not answer it'));
    }
    this.wakeup();
  }

  private error(batch: ProducerBatch, code: ErrorCode, why?: string): ProduceError {
    const where = `${batch.topic}-${batch.partition}`;
    return new ProduceError(
      `produce to ${where} failed: ${why ?? errorName(code)}`,
      code,
      batch.topic,
      batch.partition,
    );
  }

  private onPartitionError(batch: ProducerBatch, code: number, now: number): void {
    const error = this.error(batch, code as ErrorCode);
    if (METADATA_ERRORS.has(code)) this.links.markStale();
    const action =
      this.idempotence === undefined
        ? isRetriable(code)
          ? 'retry'
          : 'fail'
        : this.idempotence.classify(batch, code);
    if (action === 'retry') {
      this.retry(batch, error, now);
      return;
    }
    // 'reset' and 'fail' end alike: fail() resets the producer id for a sequenced batch.
    this.fail(batch, error);
  }

  private onRequestError(node: NodeState, batches: readonly ProducerBatch[], err: unknown): void {
    this.finish(node, batches);
    const now = this.scheduler.now();
    const retriable = err instanceof FjordError && err.retriable;
    this.logger.debug({ nodeId: node.nodeId, err: String(err) }, 'produce request failed');
    if (retriable) this.links.markStale();
    for (const b of batches) {
      const error = this.error(
        b,
        err instanceof FjordError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR,
        err instanceof Error ? err.message : String(err),
      );
      if (retriable) this.retry(b, error, now);
      else this.fail(b, error);
    }
    this.wakeup();
  }

  private retry(batch: ProducerBatch, error: Error, now: number): void {
    if (now - batch.createdMs >= this.config.deliveryTimeoutMs || this.stopped) {
      this.expire(batch, error);
      return;
    }
    batch.retryAtMs = now + backoffMs(this.config, batch.attempts);
    this.accumulator.requeue(batch);
    if (this.idempotence !== undefined && batch.baseSequence >= 0) this.idempotence.onRetry(batch);
    this.logger.debug(
      {
        topic: batch.topic,
        partition: batch.partition,
        attempts: batch.attempts,
        err: error.message,
      },
      'retrying batch',
    );
    this.wakeAt(batch.retryAtMs);
  }

  /** Fails a batch past delivery.timeout.ms. */
  private expire(batch: ProducerBatch, cause: Error | undefined): void {
    const error = new TimeoutError(
      `expiring ${batch.recordCount} record(s) for ${batch.topic}-${batch.partition}: ` +
        `${this.config.deliveryTimeoutMs} ms (delivery.timeout.ms) passed since batch creation` +
        (cause === undefined ? '' : `; last error: ${cause.message}`),
      cause === undefined ? undefined : { cause },
    );
    this.fail(batch, error);
  }

  private succeed(batch: ProducerBatch, result: BatchResult): void {
    if (this.idempotence !== undefined && batch.baseSequence >= 0) {
      this.idempotence.onAcknowledged(batch);
    }
    batch.complete(result);
    this.accumulator.release(batch);
  }

  /**
   * Fails a batch. A sequenced batch that was never acknowledged leaves a gap in its partition's
   * sequences, which the broker would answer with OUT_OF_ORDER_SEQUENCE_NUMBER for every later
   * batch: take a new producer id instead (Kafka bumps the epoch for the same reason).
   */
  private fail(batch: ProducerBatch, error: Error): void {
    if (this.idempotence !== undefined && batch.baseSequence >= 0) {
      this.idempotence.resetPending = true;
    }
    batch.fail(error);
    this.accumulator.release(batch);
  }

  /** Takes a new producer id once nothing is in flight (see idempotence.ts). */
  private maybeReset(now: number): void {
    const idempotence = this.idempotence;
    if (idempotence === undefined || this.resetting || this.inFlightTotal > 0) return;
    if (this.accumulator.pending.size === 0) return;
    this.resetting = true;
    idempotence
      .reset(this.accumulator.queues(), now + this.config.maxBlockMs)
      .catch((err: unknown) => {
        for (const q of [...this.accumulator.pending]) {
          while (q.head() !== undefined) {
            const b = this.accumulator.take(q);
            this.fail(b, err instanceof Error ? err : new Error(String(err)));
          }
        }
      })
      .finally(() => {
        this.resetting = false;
        this.wakeup();
      });
  }
}
