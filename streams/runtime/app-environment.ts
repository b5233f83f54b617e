/**
 * What a {@link StreamsApp} gives each of its tasks: the task's slice of the record collector,
 * the error handling built from the app's configs, its clock, defaults and global tables.
 */
import type { Clock, Logger } from '../../core/index.js';
import type { RecordCache } from '../state/index.js';

import { createErrorHandling, type DefaultErrorHandling } from './default-error-handling.js';
import type { GlobalStores } from './global-tables.js';
import type { ProducerRecordCollector } from './producer-record-collector.js';
import type { ResolvedStreamsConfig } from './streams-config.js';
import { taskName, type TaskEnvironment, type TaskId } from './task.js';

/** The app's parts every task environment shares. */
export interface TaskEnvironmentDeps {
  readonly globals: GlobalStores;
  readonly collector: ProducerRecordCollector;
  readonly errors: DefaultErrorHandling;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Shared by the stores built with caching; none with `statestore.cache.max.bytes=0`. */
  readonly recordCache: RecordCache | undefined;
}

/**
 * The error handling of an app: its three handlers' configs, the dead-letter topic.
 *
 * @example
 * ```ts
 * const errors = appErrorHandling(config, logger, collector, systemClock);
 * ```
 */
export function appErrorHandling(
  c: ResolvedStreamsConfig,
  logger: Logger,
  collector: ProducerRecordCollector,
  clock: Clock,
): DefaultErrorHandling {
  return createErrorHandling({
    deserialization: c.deserializationHandler,
    processing: c.processingHandler,
    production: c.productionHandler,
    ...(c.deadLetterQueueTopic === undefined
      ? {}
      : { deadLetterQueueTopic: c.deadLetterQueueTopic }),
    logger,
    collector,
    wallClockMs: () => clock.now(),
  });
}

/**
 * The environment of task `id`.
 *
 * @example
 * ```ts
 * const env = taskEnvironment(config, { subtopology: 0, partition: 1 }, deps);
 * ```
 */
export function taskEnvironment(
  c: ResolvedStreamsConfig,
  id: TaskId,
  deps: TaskEnvironmentDeps,
): TaskEnvironment {
  return {
    applicationId: c.applicationId,
    globalStores: deps.globals,
    collector: deps.collector.forTask(taskName(id)),
    errors: deps.errors,
    logger: deps.logger,
    wallClockMs: () => deps.clock.now(),
    ...(c.defaultKeySerde === undefined ? {} : { defaultKeySerde: c.defaultKeySerde }),
    ...(c.defaultValueSerde === undefined ? {} : { defaultValueSerde: c.defaultValueSerde }),
    ...(c.timestampExtractor === undefined ? {} : { timestampExtractor: c.timestampExtractor }),
    ...(c.stateDir === undefined ? {} : { stateDir: c.stateDir }),
    defaultDslStore: c.defaultDslStore,
    lockTaskDirectories: true,
    ...(deps.recordCache === undefined ? {} : { recordCache: deps.recordCache }),
  };
}
