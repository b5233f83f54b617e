/**
 * The producer's public face. `send()` appends a record to its partition's batch synchronously
 * whenever it can: the topic's metadata is cached and the buffer has room. Otherwise the record
 * joins a FIFO that waits for metadata (or a connection, or room) up to `max.block.ms`, and every
 * later record queues behind it, so records keep the order they were sent in. The sender
 * (sender.ts) ships batches in the background.
 */
import { RECORD_BATCH_OVERHEAD } from '../../protocol/records/batch-header.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { silentLogger } from '../../util/logger.js';
import type { Logger } from '../../util/logger.js';
import { Cluster } from '../cluster.js';
import { Idempotence } from './idempotence.js';
import { resolveProducerConfig } from './options.js';
import type { ProducerConfig, ProducerOptions } from './options.js';
import { Partitioner } from './partitioner.js';
import { ProduceError } from './produce-error.js';
import type { ProducerBatch } from './producer-batch.js';
import { checkRecord, PreparedRecord } from './producer-record.js';
import type { ProducerRecord, RecordMetadata } from './producer-record.js';
import { RecordAccumulator } from './record-accumulator.js';
import { systemScheduler } from './scheduler.js';
import type { Scheduler } from './scheduler.js';
import { Sender } from './sender.js';
import { awaitTopic, usable } from './topic-metadata.js';
import { SendQueue } from './send-queue.js';

/** Calls that may reuse one clock reading within a synchronous burst (see Producer.clock). */
const CLOCK_REUSES = 63;

/** Where a record was appended: its batch and its index there. */
interface Placement {
  readonly batch: ProducerBatch;
  readonly index: number;
}

/** `count` records appended one after the other to the same batch. */
interface Run extends Placement {
  count: number;
}

/**
 * A Kafka producer for fjord and any Kafka-protocol cluster: batching per partition, compression,
 * the Java-compatible partitioner, idempotence and retries, backpressure on `buffer.memory`.
 *
 * @example
 * ```ts
 * const producer = new Producer({ bootstrap: '127.0.0.1:9092', compression: 'lz4' });
 * await producer.connect();
 * const { partition, offset } = await producer.send({ topic: 'orders', key: 'u1', value: 'hi' });
 * await producer.close();
 * ```
 */
export class Producer {
  /** The resolved settings. */
  readonly config: ProducerConfig;
  private readonly logger: Logger;
  private readonly accumulator: RecordAccumulator;
  private readonly partitioner: Partitioner;
  private readonly waiting = new SendQueue();
  /** The record being converted and appended on the synchronous path, reused. */
  private readonly draft = PreparedRecord.reusable();
  private clockMs = 0;
  private clockUses = 0;
  private cluster: Cluster | undefined;
  private sender: Sender | undefined;
  private idempotence: Idempotence | undefined;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private ready = false;

  constructor(
    private readonly options: ProducerOptions,
    private readonly scheduler: Scheduler = systemScheduler,
  ) {
    this.config = resolveProducerConfig(options);
    this.logger = options.logger ?? silentLogger;
    this.partitioner = new Partitioner(this.config.batchSize, this.config.random);
    this.accumulator = new RecordAccumulator(this.config, scheduler, {
      onBatchFull: () => this.sender?.wakeup(),
      onNewBatch: (batch) => this.sender?.onNewBatch(batch),
      onMemoryWait: () => this.sender?.wakeup(),
    });
  }

  /** Bytes of records buffered (queued or in flight); never above `bufferMemory`. */
  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes;
  }

  /** Sends waiting for metadata, a connection or buffer room. */
  get blockedSends(): number {
    return this.waiting.length;
  }

  /** The idempotent producer id, -1 before connect() or without idempotence. */
  get producerId(): number {
    return this.idempotence?.producerId ?? -1;
  }

  /**
   * Connects to the cluster, loads metadata and (with idempotence) gets a producer id. `send()`
   * connects on first use too; concurrent calls share one attempt.
   */
  connect(): Promise<void> {
    if (this.closing !== undefined && this.connecting === undefined) {
      return Promise.reject(closedError());
    }
    return this.startConnecting();
  }

  private startConnecting(): Promise<void> {
    this.connecting ??= this.open().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const cluster = await Cluster.connect(this.options);
    try {
      let idempotence: Idempotence | undefined;
      if (this.config.idempotent) {
        idempotence = new Idempotence(cluster, this.config, this.scheduler, this.logger);
        await idempotence.init(this.scheduler.now() + this.config.maxBlockMs);
      }
      this.cluster = cluster;
      this.idempotence = idempotence;
      this.sender = new Sender(
        cluster,
        this.accumulator,
        idempotence,
        this.config,
        this.scheduler,
        this.logger,
        this.options.metadataMaxAgeMs,
      );
      this.ready = true;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  /**
   * Sends one record; resolves once the broker acknowledged it (per `acks`), with where it was
   * written. Rejects with {@link ProduceError} (a Kafka error code, topic and partition), a
   * `TimeoutError` (max.block.ms waiting for metadata or room, or delivery.timeout.ms), or a
   * {@link FjordError} for a bad record or a closed producer.
   */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    let prepared: PreparedRecord;
    try {
      prepared = this.prepare(record, this.clock());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const batch = this.waiting.length === 0 ? this.appendNow(prepared) : undefined;
    if (batch !== undefined) return batch.recordResult(batch.recordCount - 1);
    return this.enqueue(prepared.detach()).then((a) => a.batch.recordResult(a.index));
  }

  /**
   * Sends records in order; resolves with their metadata, in the same order, once all are
   * acknowledged. Records are checked before any is appended; after that it is not atomic:
   * if one fails, the others may still have been written.
   */
  async sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const nowMs = this.clock();
    for (const r of records) this.check(r, nowMs);
    // Runs of records appended to the same batch, so results need no object per record.
    const runs: Run[] = [];
    const waiting: Promise<Placement>[] = [];
    for (const r of records) {
      const p = this.draft.fill(r, nowMs);
      const batch = this.waiting.length === 0 ? this.appendNow(p) : undefined;
      if (batch === undefined) {
        waiting.push(this.enqueue(p.detach()));
        continue;
      }
      const run = runs.at(-1);
      if (run?.batch === batch) run.count++;
      else runs.push({ batch, index: batch.recordCount - 1, count: 1 });
    }
    const out: RecordMetadata[] = [];
    for (const { batch, index, count } of runs) {
      await batch.promise;
      for (let i = 0; i < count; i++) out.push(batch.metadataAt(index + i));
    }
    for (const w of waiting) {
      const { batch, index } = await w;
      await batch.promise;
      out.push(batch.metadataAt(index));
    }
    return out;
  }

  /** Sends everything buffered now and resolves once each of those records has settled. */
  async flush(): Promise<void> {
    const sender = this.sender;
    if (sender !== undefined) {
      sender.flushing++;
      sender.wakeup();
    }
    try {
      await this.waiting.idle();
      const batches = [...this.accumulator.incomplete];
      (this.sender ?? sender)?.wakeup();
      for (const b of batches) await b.promise.catch(() => undefined);
    } finally {
      if (sender !== undefined) sender.flushing--;
    }
  }

  /** Stops taking records, delivers everything buffered (flush), then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Sends accepted before close() are delivered, even if they were waiting to connect.
      if (this.waiting.length > 0) await this.startConnecting().catch(() => undefined);
      else if (this.connecting !== undefined) await this.connecting.catch(() => undefined);
      if (this.sender !== undefined) this.sender.closing = true;
      await this.flush();
      this.sender?.stop();
      this.ready = false;
      await this.cluster?.close();
    })();
    return this.closing;
  }

  /** Converts `record` into the reused draft, checking it against the size limits. */
  private prepare(record: ProducerRecord, nowMs: number): PreparedRecord {
    if (this.closing !== undefined) throw closedError();
    const prepared = this.draft.fill(record, nowMs);
    this.checkSize(record, prepared.sizeBytes);
    return prepared;
  }

  /** Throws what {@link Producer.prepare} would for `record`, converting it only when large. */
  private check(record: ProducerRecord, nowMs: number): void {
    if (this.closing !== undefined) throw closedError();
    const bound = checkRecord(record);
    if (this.tooLarge(bound)) this.checkSize(record, this.draft.fill(record, nowMs).sizeBytes);
  }

  private tooLarge(sizeBytes: number): boolean {
    return (
      sizeBytes + RECORD_BATCH_OVERHEAD > this.config.maxRequestSize ||
      sizeBytes > this.config.bufferMemory
    );
  }

  private checkSize(record: ProducerRecord, sizeBytes: number): void {
    if (!this.tooLarge(sizeBytes)) return;
    throw new ProduceError(
      `a record of ${sizeBytes + RECORD_BATCH_OVERHEAD} bytes exceeds max.request.size ` +
        `(${this.config.maxRequestSize}) or buffer.memory (${this.config.bufferMemory})`,
      ErrorCode.MESSAGE_TOO_LARGE,
      record.topic,
      record.partition ?? -1,
    );
  }

  /**
   * The time for record timestamps and batch creation. Reading the clock costs as much as a
   * tenth of a send, so a synchronous burst reuses one reading for up to 64 calls; a new turn of
   * the event loop reads it afresh.
   */
  private clock(): number {
    if (this.clockUses > 0) {
      this.clockUses--;
      return this.clockMs;
    }
    this.clockMs = this.scheduler.now();
    this.clockUses = CLOCK_REUSES;
    queueMicrotask(() => {
      this.clockUses = 0;
    });
    return this.clockMs;
  }

  /** The synchronous path: appends when metadata is cached and the buffer has room. */
  private appendNow(p: PreparedRecord): ProducerBatch | undefined {
    if (!this.ready || this.cluster === undefined) return undefined;
    const info = this.cluster.cachedTopic(p.topic);
    if (!usable(info)) return undefined;
    const partitions = info.partitions;
    const requested = p.requestedPartition;
    if (requested !== undefined && requested >= partitions.length) return undefined;
    if (!this.accumulator.hasRoom(p.sizeBytes)) return undefined;
    const partition =
      requested ?? this.partitioner.partition(p.topic, partitions, p.keyView(), p.sizeBytes);
    return this.accumulator.append(partition, p, this.clock());
  }

  /** {@link Producer.appendNow}, saying where the record went. */
  private placeNow(p: PreparedRecord): Placement | undefined {
    const batch = this.appendNow(p);
    return batch === undefined ? undefined : { batch, index: batch.recordCount - 1 };
  }

  private enqueue(p: PreparedRecord): Promise<Placement> {
    const deadlineMs = this.scheduler.now() + this.config.maxBlockMs;
    return this.waiting.push(
      () => this.placeNow(p),
      () => this.appendBlocking(p, deadlineMs),
    );
  }

  /** The waiting path: connection, then metadata, then room, each within max.block.ms. */
  private async appendBlocking(p: PreparedRecord, deadlineMs: number): Promise<Placement> {
    for (;;) {
      const placed = this.placeNow(p);
      if (placed !== undefined) return placed;
      if (!this.ready || this.cluster === undefined) {
        await this.connect();
        continue;
      }
      const info = this.cluster.cachedTopic(p.topic);
      const requested = p.requestedPartition;
      if (!usable(info) || (requested ?? 0) >= info.partitions.length) {
        const fresh = await awaitTopic(this.cluster, p.topic, requested, this.config, {
          scheduler: this.scheduler,
          deadlineMs,
        });
        if (requested !== undefined && requested >= fresh.partitions.length) {
          throw new ProduceError(
            `partition ${requested} of ${p.topic} does not exist ` +
              `(${fresh.partitions.length} partitions)`,
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            p.topic,
            requested,
          );
        }
        continue;
      }
      await this.accumulator.waitForRoom(
        p.sizeBytes,
        Math.max(0, deadlineMs - this.scheduler.now()),
      );
    }
  }
}

function closedError(): FjordError {
  return new FjordError('the producer is closed', ErrorCode.UNKNOWN_SERVER_ERROR);
}

/**
 * Creates a producer (not yet connected: call `connect()`, or let the first `send()` do it).
 *
 * @example
 * ```ts
 * const producer = createProducer({ bootstrap: '127.0.0.1:9092', acks: 1, lingerMs: 10 });
 * await producer.send({ topic: 'logs', value: 'started' });
 * await producer.close();
 * ```
 */
export function createProducer(options: ProducerOptions): Producer {
  return new Producer(options);
}
