/**
 * The settings and figures of a {@link StreamsApp} that are not Kafka Streams configs: runtime
 * options (logger, clock, signals), the metrics it counts and the options of its `close`.
 */
import type { Clock, Logger } from '../../core/index.js';

import type { ErrorStage } from './error-handling.js';

/**
 * Runtime settings of a `StreamsApp` that are not Kafka Streams configs.
 *
 * @example
 * ```ts
 * const app = new StreamsApp(topology, config, {
 *   logger: createLogger('cleaner'),
 *   handleSignals: false, // the caller handles SIGTERM and calls app.close()
 * });
 * ```
 */
export interface StreamsAppOptions {
  /** Default: silent. */
  readonly logger?: Logger;
  /** Wall-clock time for punctuators and commit intervals; default the system clock. */
  readonly clock?: Clock;
  /** Install SIGTERM/SIGINT handlers that close the app gracefully; default true. */
  readonly handleSignals?: boolean;
  /** How long a signal-triggered close may take; default 30000. */
  readonly shutdownTimeoutMs?: number;
  /** How often wall-clock punctuators and the commit interval are checked; default 100. */
  readonly tickMs?: number;
}

/**
 * What a running app has done, since it started.
 *
 * @example
 * ```ts
 * const { recordsProcessed, recordsCommitted, errors } = app.metrics;
 * ```
 */
export interface StreamsMetrics {
  readonly recordsProcessed: number;
  /** Output records handed to the producer, and how many of them are not acknowledged yet. */
  readonly recordsProduced: number;
  readonly recordsPending: number;
  /** Input records whose offsets are committed. */
  readonly recordsCommitted: number;
  readonly commits: number;
  readonly commitsFailed: number;
  /** Records each error handler was asked about. */
  readonly errors: Readonly<Record<ErrorStage, number>>;
  /** Records written to the dead-letter topic. */
  readonly deadLettered: number;
  readonly rebalances: number;
  readonly activeTasks: number;
  /** Store instances restored, and changelog records read to restore them. */
  readonly storesRestored: number;
  readonly recordsRestored: number;
  /** Standby tasks held now, and changelog records they applied while standing by. */
  readonly standbyTasks: number;
  readonly standbyRecords: number;
}

/**
 * Options of {@link StreamsApp.close}.
 *
 * @example
 * ```ts
 * if (!(await app.close({ timeoutMs: 10_000 }))) console.warn('still shutting down');
 * ```
 */
export interface CloseOptions {
  /** Resolve false after this long if the shutdown is not done (it goes on). */
  readonly timeoutMs?: number;
}
