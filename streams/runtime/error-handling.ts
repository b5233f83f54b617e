/**
 * What a task does with a record it cannot deserialize, process or produce. One decision point,
 * so a running app and the TestDriver behave the same.
 */
import type { ConsumerRecord } from '../../core/index.js';

import type { SourcePosition } from './stream-record.js';

/**
 * The step at which a record failed.
 *
 * @example
 * ```ts
 * const stage: ErrorStage = 'deserialization';
 * ```
 */
export type ErrorStage = 'deserialization' | 'processing' | 'production';

/**
 * Everything known about a failed record.
 *
 * @example
 * ```ts
 * const skipBadJson = (ctx: ErrorContext): ErrorResponse =>
 *   ctx.stage === 'deserialization' ? 'continue' : 'fail';
 * ```
 */
export interface ErrorContext {
  readonly stage: ErrorStage;
  readonly error: Error;
  readonly taskId: string;
  /** The processor or sink node that failed; absent for deserialization. */
  readonly nodeName?: string;
  /** The raw input record (deserialization and processing errors, and failures at a sink). */
  readonly input?: ConsumerRecord;
  /** Where the failed record came from (production errors carry only this). */
  readonly source?: SourcePosition;
  /** The serialized output that could not be produced (production errors). */
  readonly output?: {
    readonly topic: string;
    readonly key: Buffer | null;
    readonly value: Buffer | null;
  };
}

/**
 * `continue` drops the record (after logging and dead-lettering it); `fail` stops the app.
 *
 * @example
 * ```ts
 * const response: ErrorResponse = 'continue';
 * ```
 */
export type ErrorResponse = 'continue' | 'fail';

/**
 * The app's error policy. Implementations log, count, write the dead-letter record through the
 * task's collector (so commits wait for it) and answer how to go on.
 *
 * @example
 * ```ts
 * const failAll: ErrorHandling = { handle: () => 'fail' };
 * ```
 */
export interface ErrorHandling {
  handle(context: ErrorContext): ErrorResponse;
}
