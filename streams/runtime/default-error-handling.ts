/**
 * The built-in error policy: per stage (deserialization, processing, production) `'fail'`,
 * `'log-and-continue'` or a function deciding per record; all three default to `'fail'`, as in
 * Kafka Streams. With a dead-letter topic every failed record is written there first (KIP-1034):
 * the raw key and value bytes (a production error's output bytes when it has them), the
 * original headers, and `__streams.errors.*` context headers. Every failure is logged with its
 * task, node and position and counted, whatever the answer: nothing is dropped silently.
 */
import type { Logger } from '../../core/index.js';

import type { ErrorContext, ErrorHandling, ErrorResponse, ErrorStage } from './error-handling.js';
import type { OutgoingRecord, RecordCollector } from './record-collector.js';
import { NO_HEADERS, toStreamHeaders } from './record-headers.js';
import type { StreamHeaders } from './stream-record.js';

/**
 * What to do with a record that fails at one stage.
 *
 * @example
 * ```ts
 * const skipPoison: ErrorPolicy = (ctx) => (ctx.error.name === 'SerdeError' ? 'continue' : 'fail');
 * ```
 */
export type ErrorPolicy = 'fail' | 'log-and-continue' | ((context: ErrorContext) => ErrorResponse);

/**
 * The headers a dead-lettered record carries besides its own (Kafka Streams' names).
 *
 * @example
 * ```ts
 * const why = record.headers[DLQ_ERROR_HEADERS.message]?.toString();
 * ```
 */
export const DLQ_ERROR_HEADERS = Object.freeze({
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  stacktrace: '__streams.errors.stacktrace',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
} as const);

/**
 * Settings of {@link createErrorHandling}.
 *
 * @example
 * ```ts
 * const options: ErrorHandlingOptions = { deserialization: 'log-and-continue', deadLetterQueueTopic: 'app-dlq', logger, collector };
 * ```
 */
export interface ErrorHandlingOptions {
  /** Default `'fail'`. */
  readonly deserialization?: ErrorPolicy;
  /** Default `'fail'`. */
  readonly processing?: ErrorPolicy;
  /** Default `'fail'`. */
  readonly production?: ErrorPolicy;
  /** Where failed records are written before the policy answers; default none. */
  readonly deadLetterQueueTopic?: string;
  readonly logger: Logger;
  /** Writes the dead letters (a task's collector, so its commit waits for them). */
  readonly collector: RecordCollector;
  /** The time of dead letters of failures without an input record (punctuators); default `Date.now`. */
  readonly wallClockMs?: () => number;
}

/**
 * How many failures each stage saw, and how many records went to the dead-letter topic.
 *
 * @example
 * ```ts
 * expect(driver.errorCounters.deserialization).toBe(1);
 * ```
 */
export interface ErrorCounters {
  readonly deserialization: number;
  readonly processing: number;
  readonly production: number;
  readonly deadLettered: number;
}

/**
 * The error policy {@link createErrorHandling} returns, with its counters.
 *
 * @example
 * ```ts
 * const handling: DefaultErrorHandling = createErrorHandling({ logger, collector });
 * handling.counters.processing; // 0
 * ```
 */
export interface DefaultErrorHandling extends ErrorHandling {
  readonly counters: ErrorCounters;
}

/**
 * The built-in error policy; see the module comment.
 *
 * @example
 * ```ts
 * const errors = createErrorHandling({
 *   deserialization: 'log-and-continue',
 *   deadLetterQueueTopic: 'orders-dlq',
 *   logger: createLogger('app'),
 *   collector,
 * });
 * ```
 */
export function createErrorHandling(options: ErrorHandlingOptions): DefaultErrorHandling {
  const counts = { deserialization: 0, processing: 0, production: 0, deadLettered: 0 };
  const policies: Record<ErrorStage, ErrorPolicy> = {
    deserialization: options.deserialization ?? 'fail',
    processing: options.processing ?? 'fail',
    production: options.production ?? 'fail',
  };
  const dlq = options.deadLetterQueueTopic;
  const now = options.wallClockMs ?? Date.now;
  return {
    get counters(): ErrorCounters {
      return { ...counts };
    },
    handle(context: ErrorContext): ErrorResponse {
      counts[context.stage]++;
      if (dlq !== undefined) {
        options.collector.send(deadLetter(dlq, context, now), context.source);
        counts.deadLettered++;
      }
      const policy = policies[context.stage];
      const response: ErrorResponse =
        policy === 'fail' ? 'fail' : policy === 'log-and-continue' ? 'continue' : policy(context);
      log(options.logger, context, response, dlq);
      return response;
    },
  };
}

function log(
  logger: Logger,
  context: ErrorContext,
  response: ErrorResponse,
  dlq: string | undefined,
): void {
  const where = context.input ?? context.source;
  const fields = {
    err: context.error,
    stage: context.stage,
    task: context.taskId,
    node: context.nodeName,
    topic: where?.topic,
    partition: where?.partition,
    offset: where?.offset,
    deadLetterTopic: dlq,
  };
  const message = `${context.stage} error: ${context.error.message}`;
  if (response === 'fail') logger.error(fields, `${message}; failing`);
  else logger.warn(fields, `${message}; record skipped`);
}

/** The dead-letter record of a failure: raw bytes, original headers, context headers. */
export function deadLetter(
  topic: string,
  context: ErrorContext,
  nowMs: () => number,
): OutgoingRecord {
  const input = context.input;
  const bytes = context.output ?? input;
  const where = input ?? context.source;
  const original: StreamHeaders = input === undefined ? NO_HEADERS : toStreamHeaders(input.headers);
  const e = context.error;
  const headers: Record<string, string | Buffer | null> = {
    ...original,
    [DLQ_ERROR_HEADERS.exception]: e.name,
    [DLQ_ERROR_HEADERS.message]: e.message,
    [DLQ_ERROR_HEADERS.stacktrace]: e.stack ?? `${e.name}: ${e.message}`,
  };
  if (where !== undefined) {
    headers[DLQ_ERROR_HEADERS.topic] = where.topic;
    headers[DLQ_ERROR_HEADERS.partition] = String(where.partition);
    headers[DLQ_ERROR_HEADERS.offset] = String(where.offset);
  }
  return {
    topic,
    key: bytes?.key ?? null,
    value: bytes?.value ?? null,
    headers,
    timestamp: input?.timestamp ?? nowMs(),
  };
}
