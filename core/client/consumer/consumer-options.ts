/**
 * The consumer's settings: Kafka's consumer configs in camelCase, with Kafka's defaults, checked
 * once at construction.
 */
import { ConfigError } from '../../util/errors.js';
import type { ClientOptions } from '../cluster.js';
import type { Assignor } from './assignors/assignor.js';
import { BUILTIN_ASSIGNORS, type AssignorName } from './assignors/index.js';
import type { RebalanceListeners } from './types.js';

/** Kafka's `auto.offset.reset`: where to start a partition without a committed offset. */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/**
 * Settings of a {@link Consumer}; each names the Kafka consumer config it stands for.
 *
 * @example
 * ```ts
 * const options: ConsumerOptions = {
 *   bootstrap: 'localhost:9092',
 *   groupId: 'billing',
 *   autoOffsetReset: 'earliest',
 *   listeners: { onAssigned: (ps) => console.log('got', ps) },
 * };
 * ```
 */
export interface ConsumerOptions extends ClientOptions {
  /** `group.id`; without it the consumer can only {@link Consumer.assign} and never commits. */
  readonly groupId?: string;
  /** `auto.offset.reset`, default `latest`. */
  readonly autoOffsetReset?: AutoOffsetReset;
  /** `enable.auto.commit`, default true (needs a group id). */
  readonly enableAutoCommit?: boolean;
  /** `auto.commit.interval.ms`, default 5000. */
  readonly autoCommitIntervalMs?: number;
  /** `session.timeout.ms`, default 45000. */
  readonly sessionTimeoutMs?: number;
  /** `heartbeat.interval.ms`, default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** `max.poll.interval.ms`, also the rebalance timeout sent in JoinGroup; default 300000. */
  readonly maxPollIntervalMs?: number;
  /** `max.poll.records`: the most records in one batch; default 500. */
  readonly maxPollRecords?: number;
  /** `fetch.min.bytes`, default 1. */
  readonly fetchMinBytes?: number;
  /** `fetch.max.wait.ms`, default 500. */
  readonly fetchMaxWaitMs?: number;
  /** `fetch.max.bytes`, default 52428800; also bounds the records buffered ahead. */
  readonly fetchMaxBytes?: number;
  /** `max.partition.fetch.bytes`, default 1048576. */
  readonly maxPartitionFetchBytes?: number;
  /**
   * `partition.assignment.strategy`, in order of preference; default
   * `['range', 'roundrobin', 'cooperative-sticky']`, which mixes with librdkafka's default
   * (`range,roundrobin`), platformatic's (`roundrobin`) and Java's (`range, cooperative-sticky`).
   * Rebalances are cooperative only when every assignor listed is.
   */
  readonly assignors?: readonly (AssignorName | Assignor)[];
  /** `group.instance.id`: static membership (KIP-345); such a member does not leave on close. */
  readonly groupInstanceId?: string;
  readonly listeners?: RebalanceListeners;
  /** `retry.backoff.ms`, default 100. */
  readonly retryBackoffMs?: number;
  /** `default.api.timeout.ms`: how long offset lookups and commits retry; default 60000. */
  readonly defaultApiTimeoutMs?: number;
}

/** {@link ConsumerOptions} with every default filled in. */
export interface ConsumerConfig {
  readonly groupId: string | undefined;
  readonly groupInstanceId: string | null;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly enableAutoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly maxPollRecords: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  readonly assignors: readonly Assignor[];
  readonly listeners: RebalanceListeners;
  readonly retryBackoffMs: number;
  readonly defaultApiTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly metadataMaxAgeMs: number;
}

/** The default `partition.assignment.strategy`. */
export const DEFAULT_ASSIGNORS: readonly AssignorName[] = [
  'range',
  'roundrobin',
  'cooperative-sticky',
];

function positive(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new ConfigError(`${name}=${value}: expected an integer ≥ ${min}`);
  return value;
}

function resolveAssignor(a: AssignorName | Assignor): Assignor {
  if (typeof a !== 'string') return a;
  const found = (BUILTIN_ASSIGNORS as Readonly<Record<string, Assignor | undefined>>)[a];
  if (found === undefined) throw new ConfigError(`unknown assignor ${a}`);
  return found;
}

/** Fills in defaults and checks ranges; throws {@link ConfigError}. */
export function resolveConsumerConfig(o: ConsumerOptions): ConsumerConfig {
  const sessionTimeoutMs = positive('sessionTimeoutMs', o.sessionTimeoutMs ?? 45_000);
  const heartbeatIntervalMs = positive('heartbeatIntervalMs', o.heartbeatIntervalMs ?? 3000);
  if (heartbeatIntervalMs >= sessionTimeoutMs)
    throw new ConfigError('heartbeatIntervalMs must be lower than sessionTimeoutMs');
  const assignors = (o.assignors ?? DEFAULT_ASSIGNORS).map(resolveAssignor);
  if (assignors.length === 0) throw new ConfigError('assignors: at least one is needed');
  if (o.groupId === '') throw new ConfigError('groupId must not be empty');
  if (o.groupInstanceId !== undefined && o.groupId === undefined)
    throw new ConfigError('groupInstanceId needs a groupId');
  const reset = o.autoOffsetReset ?? 'latest';
  if (!['earliest', 'latest', 'none'].includes(reset))
    throw new ConfigError(`autoOffsetReset=${reset}: expected earliest, latest or none`);
  return {
    groupId: o.groupId,
    groupInstanceId: o.groupInstanceId ?? null,
    autoOffsetReset: reset,
    enableAutoCommit: (o.enableAutoCommit ?? true) && o.groupId !== undefined,
    autoCommitIntervalMs: positive('autoCommitIntervalMs', o.autoCommitIntervalMs ?? 5000),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs: positive('maxPollIntervalMs', o.maxPollIntervalMs ?? 300_000),
    maxPollRecords: positive('maxPollRecords', o.maxPollRecords ?? 500),
    fetchMinBytes: positive('fetchMinBytes', o.fetchMinBytes ?? 1, 0),
    fetchMaxWaitMs: positive('fetchMaxWaitMs', o.fetchMaxWaitMs ?? 500, 0),
    fetchMaxBytes: positive('fetchMaxBytes', o.fetchMaxBytes ?? 52_428_800),
    maxPartitionFetchBytes: positive(
      'maxPartitionFetchBytes',
      o.maxPartitionFetchBytes ?? 1_048_576,
    ),
    assignors,
    listeners: o.listeners ?? {},
    retryBackoffMs: positive('retryBackoffMs', o.retryBackoffMs ?? 100, 0),
    defaultApiTimeoutMs: positive('defaultApiTimeoutMs', o.defaultApiTimeoutMs ?? 60_000),
    requestTimeoutMs: positive('requestTimeoutMs', o.requestTimeoutMs ?? 30_000),
    metadataMaxAgeMs: positive('metadataMaxAgeMs', o.metadataMaxAgeMs ?? 300_000),
  };
}
