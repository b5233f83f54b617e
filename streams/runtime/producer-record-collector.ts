/**
 * The {@link RecordCollector} of a running app: it hands records to core's Producer and tracks
 * each until the broker acknowledged it or the production error handler dealt with its failure.
 *
 * Accounting is by epochs: every `flush()` closes the current epoch and waits for the epochs
 * open at that moment, so a flush waits only for records sent before it began, never for
 * records sent while it waits. A dead-letter record written while a failure of epoch E is
 * handled counts in E, so the commit that waits for E waits for the dead letter too.
 */
import { FjordError, type Producer, type ProducerRecord } from '../../core/index.js';

import type { ErrorHandling } from './error-handling.js';
import type { OutgoingRecord, RecordCollector } from './record-collector.js';
import type { SourcePosition, StreamHeaders } from './stream-record.js';
import { asError } from './streams-error.js';

/** What the collector needs of a producer. */
export type RecordSender = Pick<Producer, 'send'>;

/** Counters of a collector, since it was created. */
export interface CollectorStats {
  readonly sent: number;
  readonly acknowledged: number;
  readonly failed: number;
}

/** Settings of a {@link ProducerRecordCollector}. */
export interface ProducerRecordCollectorOptions {
  readonly producer: RecordSender;
  /** The production error handler (read lazily: it is created with the collector). */
  readonly errors: () => ErrorHandling;
  /** A failed record the handler answered `fail` for, or a failed dead letter: stops the app. */
  readonly onFatal: (error: Error) => void;
  /** Records sent here are dead letters; their failure is fatal, never handled again. */
  readonly deadLetterTopic?: string | undefined;
  /**
   * A topic's partition count, for records whose sink has a custom partitioner (looked up once
   * per topic). Without it such records fail with a production error rather than silently
   * going to the default partitioner's choice.
   */
  readonly partitionCount?: (topic: string) => Promise<number>;
}

class Epoch {
  pending = 0;
  private waiters: (() => void)[] = [];

  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function hasOffset(metadata: unknown): metadata is { readonly offset: number } {
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as { offset?: unknown }).offset === 'number'
  );
}

function hasKeys(headers: StreamHeaders): boolean {
  for (const _ in headers) return true;
  return false;
}

/** `r` with the partition its sink's partitioner picks among `count` (none: the default). */
function partitioned(r: OutgoingRecord, count: number): OutgoingRecord {
  const partition = r.partitioner?.(count);
  return partition === undefined ? r : { ...r, partition };
}

function toProducerRecord(r: OutgoingRecord): ProducerRecord {
  const base = { topic: r.topic, key: r.key, value: r.value, timestamp: r.timestamp };
  const withHeaders = hasKeys(r.headers) ? { ...base, headers: r.headers } : base;
  return r.partition === undefined ? withHeaders : { ...withHeaders, partition: r.partition };
}

/**
 * Sends a running app's output through core's Producer.
 *
 * @example
 * ```ts
 * const collector = new ProducerRecordCollector({ producer, errors: () => handling, onFatal });
 * const forTask = collector.forTask('0_1');
 * forTask.send({ topic: 'out', key: null, value: Buffer.from('v'), headers: {}, timestamp: 0 }, undefined);
 * await collector.flush(); // acknowledged (or handled) now
 * ```
 */
export class ProducerRecordCollector implements RecordCollector {
  private current = new Epoch();
  private readonly open: Epoch[] = [];
  /** The epoch a failure is being handled in: sends made meanwhile count there. */
  private attribution: Epoch | undefined;
  private pendingCount = 0;
  private room: { readonly limit: number; readonly resolve: () => void } | undefined;
  private counts = { sent: 0, acknowledged: 0, failed: 0 };
  private readonly partitionCounts = new Map<string, number>();
  private readonly countLookups = new Map<string, Promise<number>>();

  constructor(private readonly options: ProducerRecordCollectorOptions) {}

  /** Records sent and not yet acknowledged or handled. */
  get pending(): number {
    return this.pendingCount;
  }

  get stats(): CollectorStats {
    return { ...this.counts };
  }

  /** The collector as one task sees it: its failures name the task. */
  forTask(taskId: string): RecordCollector {
    return new TaskCollector(this, taskId);
  }

  send(record: OutgoingRecord, origin: SourcePosition | undefined): void {
    this.sendFor('', record, origin);
  }

  /** Sends `record` for `taskId` (named in the error context if it fails). */
  sendFor(taskId: string, record: OutgoingRecord, origin: SourcePosition | undefined): void {
    const epoch = this.attribution ?? this.current;
    if (epoch.pending === 0) this.open.push(epoch);
    epoch.pending++;
    this.pendingCount++;
    this.counts.sent++;
    this.deliver(record).then(
      (metadata) => {
        this.counts.acknowledged++;
        if (record.onDelivered !== undefined && hasOffset(metadata))
          record.onDelivered(metadata.offset);
        this.settle(epoch);
      },
      (err: unknown) => {
        this.counts.failed++;
        this.failed(epoch, taskId, record, origin, err);
      },
    );
  }

  /** The producer's promise for `record`; a synchronous throw becomes a rejection. */
  private deliver(record: OutgoingRecord): Promise<unknown> {
    try {
      if (record.partitioner !== undefined && record.partition === undefined)
        return this.deliverPartitioned(record);
      return this.options.producer.send(toProducerRecord(record));
    } catch (err) {
      return Promise.reject(asError(err));
    }
  }

  /**
   * Sends a record whose sink picks its partition. The first record of a topic waits for the
   * partition count; later ones of that topic wait on the same lookup, so they keep their order.
   */
  private deliverPartitioned(record: OutgoingRecord): Promise<unknown> {
    const count = this.partitionCounts.get(record.topic);
    if (count !== undefined)
      return this.options.producer.send(toProducerRecord(partitioned(record, count)));
    let lookup = this.countLookups.get(record.topic);
    if (lookup === undefined) {
      const partitionCount = this.options.partitionCount;
      if (partitionCount === undefined)
        throw new FjordError(`no partition count lookup for ${record.topic}'s partitioner`);
      lookup = partitionCount(record.topic).then(
        (n) => {
          this.partitionCounts.set(record.topic, n);
          return n;
        },
        (err: unknown) => {
          this.countLookups.delete(record.topic);
          throw asError(err);
        },
      );
      this.countLookups.set(record.topic, lookup);
    }
    return lookup.then((n) => this.options.producer.send(toProducerRecord(partitioned(record, n))));
  }

  /** Resolves when every record sent before the call is acknowledged or handled. */
  flush(): Promise<void> {
    if (this.open.length === 0) return Promise.resolve();
    if (this.current.pending > 0) this.current = new Epoch();
    return Promise.all(this.open.map((e) => e.drained())).then(() => undefined);
  }

  /** Resolves once at most `limit` records are pending (backpressure). */
  waitForRoom(limit: number): Promise<void> {
    if (this.pendingCount <= limit) return Promise.resolve();
    const previous = this.room;
    return new Promise((resolve) => {
      this.room = {
        limit: Math.min(limit, previous?.limit ?? limit),
        resolve: () => {
          previous?.resolve();
          resolve();
        },
      };
    });
  }

  private settle(epoch: Epoch): void {
    this.pendingCount--;
    if (--epoch.pending === 0) {
      this.open.splice(this.open.indexOf(epoch), 1);
      epoch.release();
    }
    const room = this.room;
    if (room !== undefined && this.pendingCount <= room.limit) {
      this.room = undefined;
      room.resolve();
    }
  }

  private failed(
    epoch: Epoch,
    taskId: string,
    record: OutgoingRecord,
    origin: SourcePosition | undefined,
    err: unknown,
  ): void {
    const error = asError(err);
    try {
      if (record.topic === this.options.deadLetterTopic) {
        this.options.onFatal(
          new FjordError(
            `writing a dead letter to ${record.topic} failed: ${error.message}`,
            undefined,
            {
              cause: error,
            },
          ),
        );
        return;
      }
      this.attribution = epoch;
      const response = this.options.errors().handle({
        stage: 'production',
        error,
        taskId,
        ...(origin === undefined ? {} : { source: origin }),
        output: { topic: record.topic, key: record.key, value: record.value },
      });
      if (response === 'fail')
        this.options.onFatal(
          new FjordError(`producing to ${record.topic} failed: ${error.message}`, undefined, {
            cause: error,
          }),
        );
    } catch (handlerError) {
      this.options.onFatal(asError(handlerError));
    } finally {
      this.attribution = undefined;
      this.settle(epoch);
    }
  }
}

/** A task's view of the app's collector. */
class TaskCollector implements RecordCollector {
  constructor(
    private readonly owner: ProducerRecordCollector,
    private readonly taskId: string,
  ) {}

  get pending(): number {
    return this.owner.pending;
  }

  send(record: OutgoingRecord, origin: SourcePosition | undefined): void {
    this.owner.sendFor(this.taskId, record, origin);
  }

  flush(): Promise<void> {
    return this.owner.flush();
  }
}
