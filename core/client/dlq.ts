/**
 * Consuming with retries and a dead-letter queue, the way Kafka Connect's sink error handling
 * works (`errors.tolerance=all` with `errors.deadletterqueue.topic.name` and context headers on):
 * a record whose handler keeps failing is retried with exponential backoff, then written to the
 * dead-letter topic, and consumption goes on.
 *
 * Guarantees:
 * - At least once: a batch's offsets are committed only after each of its records was handled
 *   or acknowledged by the dead-letter topic (acks=all). A crash re-delivers at most the
 *   uncommitted batch; nothing is lost.
 * - A poison record holds its partition up for at most the retry budget (the sum of the
 *   backoffs plus the handler's own time); keep that below `maxPollIntervalMs`.
 *
 * Headers added to each dead-lettered record (UTF-8 strings; existing headers with these keys
 * are replaced, the record's own headers kept):
 *
 * | header | value |
 * |---|---|
 * | `__connect.errors.topic` | the record's topic (Kafka Connect's name) |
 * | `__connect.errors.partition` | its partition, decimal |
 * | `__connect.errors.offset` | its offset, decimal |
 * | `__connect.errors.exception.class.name` | the error's name, e.g. `TypeError` |
 * | `__connect.errors.exception.message` | the error's message |
 * | `__connect.errors.exception.stacktrace` | the error's stack |
 * | `__fjord.errors.timestamp` | when it was dead-lettered, epoch ms (fjord's own) |
 * | `__fjord.errors.attempts` | how many times the handler ran (fjord's own) |
 *
 * The dead-letter record keeps the original key, value and timestamp; the producer's
 * partitioner places it (by key), as Connect's does.
 */
import type { RecordHeader } from '../protocol/records/record.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { Admin } from './admin.js';
import type { Consumer } from './consumer/consumer.js';
import type { ConsumerRecord } from './consumer/types.js';
import { sleep } from './consumer/wakeup.js';
import { Producer } from './producer/producer.js';

/** The context headers of a dead-lettered record; see the module comment. */
export const DLQ_HEADERS = {
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  exceptionClassName: '__connect.errors.exception.class.name',
  exceptionMessage: '__connect.errors.exception.message',
  exceptionStacktrace: '__connect.errors.exception.stacktrace',
  timestamp: '__fjord.errors.timestamp',
  attempts: '__fjord.errors.attempts',
} as const;

/** Exponential backoff between attempts: initialMs, × multiplier each time, at most maxMs. */
export interface RetryBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

/** A record headed for the dead-letter topic. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestamp: number;
}

/** Anything that can write a record and resolve once it is acknowledged (fjord's `Producer` can). */
export interface DeadLetterProducer {
  send(record: DeadLetterRecord): Promise<unknown>;
}

/** Settings of {@link consumeWithRetry}. */
export interface ConsumeWithRetryOptions {
  /** Handler runs per record before it is dead-lettered; default 3. */
  readonly maxAttempts?: number;
  /** Default `{ initialMs: 100, maxMs: 10000, multiplier: 2 }`. */
  readonly backoff?: Partial<RetryBackoff>;
  /** The dead-letter topic, or a function of the record; default `<topic>.dlq`. */
  readonly dlqTopic?: string | ((record: ConsumerRecord) => string);
  /**
   * Writes dead letters; default a fjord `Producer` (acks=all, idempotent) on the consumer's
   * cluster, closed when consumption ends.
   */
  readonly producer?: DeadLetterProducer;
  /** Create a missing dead-letter topic (1 partition, the broker's replication factor); default true. */
  readonly createDlqTopic?: boolean;
  /** Stops consuming: the current record's retries end and what was finished is committed. */
  readonly signal?: AbortSignal;
  /** Called after a record was dead-lettered. */
  readonly onDeadLetter?: (record: ConsumerRecord, error: unknown) => void;
}

/** What {@link consumeWithRetry} did. */
export interface ConsumeWithRetryResult {
  readonly handled: number;
  readonly deadLettered: number;
}

/** Commit failures that mean the partition went to another member of the group. */
const MOVED_ON: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.FENCED_INSTANCE_ID,
]);

const DEFAULT_BACKOFF: RetryBackoff = { initialMs: 100, maxMs: 10_000, multiplier: 2 };

function describeError(err: unknown): { name: string; message: string; stack: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack ?? '' };
  return { name: typeof err, message: String(err), stack: '' };
}

/** The dead-letter record for `record`, which failed `attempts` times with `err`. */
export function deadLetterOf(
  record: ConsumerRecord,
  topic: string,
  err: unknown,
  attempts: number,
  nowMs: number,
): DeadLetterRecord {
  const e = describeError(err);
  const context: [string, string][] = [
    [DLQ_HEADERS.topic, record.topic],
    [DLQ_HEADERS.partition, String(record.partition)],
    [DLQ_HEADERS.offset, String(record.offset)],
    [DLQ_HEADERS.exceptionClassName, e.name],
    [DLQ_HEADERS.exceptionMessage, e.message],
    [DLQ_HEADERS.exceptionStacktrace, e.stack],
    [DLQ_HEADERS.timestamp, String(nowMs)],
    [DLQ_HEADERS.attempts, String(attempts)],
  ];
  const ours = new Set<string>(Object.values(DLQ_HEADERS));
  return {
    topic,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: [
      ...record.headers.filter((h) => !ours.has(h.key)),
      ...context.map(([key, value]) => ({ key, value: Buffer.from(value, 'utf8') })),
    ],
  };
}

/** A DLQ writer that creates missing topics first. */
class DeadLetterWriter {
  private readonly created = new Set<string>();
  private ownProducer: Producer | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumeWithRetryOptions,
  ) {}

  private bootstrap(): string {
    const b = this.consumer.options.bootstrap;
    return typeof b === 'string' ? b : b.join(',');
  }

  async write(record: DeadLetterRecord): Promise<void> {
    if (this.options.createDlqTopic !== false && !this.created.has(record.topic)) {
      const admin = await Admin.connect(
        this.bootstrap(),
        this.consumer.options.clientId ?? 'fjord',
      );
      try {
        await admin.createTopic(record.topic, 1, -1);
      } catch (err) {
        if (!(err instanceof FjordError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
      } finally {
        await admin.close();
      }
      this.created.add(record.topic);
    }
    const producer =
      this.options.producer ??
      (this.ownProducer ??= new Producer({
        bootstrap: this.consumer.options.bootstrap,
        clientId: this.consumer.options.clientId ?? 'fjord',
        acks: 'all',
        lingerMs: 0,
      }));
    await producer.send(record);
  }

  async close(): Promise<void> {
    await this.ownProducer?.close();
  }
}

function delayMs(backoff: RetryBackoff, failures: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** (failures - 1));
}

/**
 * Consumes `consumer` until it closes or `options.signal` aborts, calling `handler` for every
 * record in order. A record whose handler throws is retried with backoff up to `maxAttempts`
 * times in all, then written to the dead-letter topic with the context headers of
 * {@link DLQ_HEADERS}. Offsets (with a `groupId`) are committed after each batch, and up to the
 * last finished record when stopped. Rejects when a dead letter cannot be written (nothing past
 * it is committed then).
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ bootstrap, groupId: 'billing', autoOffsetReset: 'earliest' });
 * consumer.subscribe(['payments']);
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * await consumeWithRetry(consumer, async (record) => charge(JSON.parse(String(record.value))), {
 *   maxAttempts: 5,
 *   backoff: { initialMs: 200, maxMs: 5000, multiplier: 2 },
 *   signal: stop.signal,
 * });
 * await consumer.close();
 * ```
 */
export async function consumeWithRetry(
  consumer: Consumer,
  handler: (record: ConsumerRecord) => void | Promise<void>,
  options: ConsumeWithRetryOptions = {},
): Promise<ConsumeWithRetryResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new FjordError(`maxAttempts=${maxAttempts}: expected ≥ 1`, ErrorCode.INVALID_CONFIG);
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const { signal } = options;
  const stopped = (): boolean => signal?.aborted === true;
  const writer = new DeadLetterWriter(consumer, options);
  const canCommit = consumer.options.groupId !== undefined;
  let handled = 0;
  let deadLettered = 0;

  /** Runs the handler until it succeeds; false when stopped first. */
  const handle = async (record: ConsumerRecord): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(record);
        handled++;
        return true;
      } catch (err) {
        if (stopped()) return false;
        if (attempt >= maxAttempts) {
          const topic =
            typeof options.dlqTopic === 'function'
              ? options.dlqTopic(record)
              : (options.dlqTopic ?? `${record.topic}.dlq`);
          await writer.write(deadLetterOf(record, topic, err, attempt, Date.now()));
          deadLettered++;
          options.onDeadLetter?.(record, err);
          return true;
        }
        await sleep(delayMs(backoff, attempt), signal);
        if (stopped()) return false;
      }
    }
  };

  try {
    for (;;) {
      const batch = await consumer.poll(signal);
      if (batch === undefined) break;
      let done = batch.records[0]?.offset;
      for (const record of batch.records) {
        if (!(await handle(record))) break;
        done = record.offset + 1;
      }
      if (canCommit && done !== undefined && done > (batch.records[0]?.offset ?? done)) {
        await consumer
          .commit([{ topic: batch.topic, partition: batch.partition, offset: done }])
          .catch((err: unknown) => {
            // The partition moved to another member, which re-delivers: still at least once.
            if (!(err instanceof FjordError) || !MOVED_ON.has(err.code)) throw err;
          });
      }
      if (stopped()) {
        // The unfinished rest of the batch is handed out again after a restart or a seek.
        if (done !== undefined && consumer.position(batch) !== undefined)
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: done });
        break;
      }
    }
  } finally {
    await writer.close();
  }
  return { handled, deadLettered };
}
