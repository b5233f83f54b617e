/**
 * How a task fails: every error goes to the runner's error handling with what is known of it
 * (stage, node, raw input, output bytes); an answer of `fail`, a broken RxJS chain or a misuse
 * kills the task, and the first such error is the one every later call rethrows.
 */
import type { ConsumerRecord, Logger } from '../../core/index.js';

import type { ErrorContext, ErrorHandling, ErrorResponse } from './error-handling.js';
import type { AnyRecord } from './node-context.js';
import type { OutgoingRecord } from './record-collector.js';
import { asError, StreamsError } from './streams-error.js';

/**
 * The failure state of one task.
 *
 * @example
 * ```ts
 * const failures = new TaskFailures('0_1', env.errors, env.logger);
 * const fatal = failures.processing('KSTREAM-MAP-0000000001', err, input);
 * if (fatal) subscriber.error(fatal);
 * ```
 */
export class TaskFailures {
  private fatalError: StreamsError | undefined;

  constructor(
    private readonly taskId: string,
    private readonly errors: ErrorHandling,
    private readonly logger: Logger,
  ) {}

  /** The error that killed the task, if it is dead. */
  get fatal(): StreamsError | undefined {
    return this.fatalError;
  }

  /** A record that could not be deserialized or timestamped. */
  deserialization(error: unknown, input: ConsumerRecord): StreamsError | undefined {
    return this.handle({
      stage: 'deserialization',
      error: asError(error),
      taskId: this.taskId,
      input,
    });
  }

  /** A user function of `nodeName` threw; `input` is the raw record being processed, if any. */
  processing(
    nodeName: string,
    error: unknown,
    input: ConsumerRecord | undefined,
  ): StreamsError | undefined {
    return this.handle({
      stage: 'processing',
      error: asError(error),
      taskId: this.taskId,
      nodeName,
      ...(input === undefined
        ? {}
        : {
            input,
            source: { topic: input.topic, partition: input.partition, offset: input.offset },
          }),
    });
  }

  /** Sink `nodeName` could not write `record`. */
  production(
    nodeName: string,
    error: unknown,
    record: AnyRecord,
    input: ConsumerRecord | undefined,
    output: OutgoingRecord | undefined,
  ): StreamsError | undefined {
    return this.handle({
      stage: 'production',
      error: asError(error),
      taskId: this.taskId,
      nodeName,
      ...(input === undefined ? {} : { input }),
      ...(record.source === undefined ? {} : { source: record.source }),
      ...(output === undefined
        ? {}
        : { output: { topic: output.topic, key: output.key, value: output.value } }),
    });
  }

  /** An RxJS chain errored: a user operator in `.pipe()` threw (or a fatal error travelled it). */
  pipeline(error: unknown): void {
    if (error === this.fatalError) return;
    this.die(
      error instanceof StreamsError
        ? error
        : new StreamsError(
            `task ${this.taskId}: an operator in .pipe() threw: ${asError(error).message}`,
            {
              cause: error,
              taskId: this.taskId,
            },
          ),
    );
  }

  /** Kills the task with `error` unless it is dead already; returns the killing error. */
  die(error: StreamsError): StreamsError {
    if (this.fatalError === undefined) {
      this.fatalError = error;
      this.logger.error({ err: error, node: error.nodeName, stage: error.stage }, 'task failed');
    }
    return this.fatalError;
  }

  /** Consults the handler; returns the task-killing error when it answers `fail`. */
  private handle(context: ErrorContext): StreamsError | undefined {
    if (this.fatalError !== undefined) return this.fatalError;
    let response: ErrorResponse;
    let cause: unknown = context.error;
    try {
      response = this.errors.handle(context);
    } catch (handlerError) {
      response = 'fail';
      cause = handlerError;
    }
    if (response === 'continue') return undefined;
    const where = context.nodeName === undefined ? '' : ` at ${context.nodeName}`;
    return this.die(
      new StreamsError(
        `task ${this.taskId}: ${context.stage} error${where}: ${asError(cause).message}`,
        {
          cause,
          stage: context.stage,
          taskId: this.taskId,
          ...(context.nodeName === undefined ? {} : { nodeName: context.nodeName }),
        },
      ),
    );
  }
}
