/**
 * A streams app's settings, spelled as Kafka Streams spells them (`application.id`,
 * `commit.interval.ms`, `consumer.max.poll.records`, ...) and checked once: an unknown key is a
 * {@link ConfigError}, so a typo never silently falls back to a default. Inside the runtime they
 * become the camelCase {@link ResolvedStreamsConfig}.
 */
import { ConfigError } from '../../core/index.js';
import type { Serde } from '../serde/index.js';
import {
  DEFAULT_CACHE_MAX_BYTES,
  DSL_STORE_VALUES,
  dslStoreTypeOf,
  type DslStoreConfig,
  type DslStoreType,
} from '../state/index.js';

import {
  intValue,
  isClientKey,
  oneOf,
  parseClientOverrides,
  stringValue,
  type ClientOverrides,
} from './client-passthrough.js';
import type { ErrorPolicy } from './default-error-handling.js';
import { DEFAULT_ACCEPTABLE_RECOVERY_LAG } from './task-offset-sums.js';
import type { TimestampExtractor } from './task.js';

/**
 * Kafka's `processing.guarantee` values; fjord runs `at_least_once` only, so far.
 *
 * @example
 * ```ts
 * const guarantee: ProcessingGuarantee = 'at_least_once';
 * ```
 */
export type ProcessingGuarantee =
  'at_least_once' | 'exactly_once' | 'exactly_once_beta' | 'exactly_once_v2';

/**
 * The settings of a {@link StreamsApp}, with Kafka Streams' names. Client settings pass through
 * with a `consumer.`, `producer.` or `admin.` prefix and Kafka's client config names.
 *
 * @example
 * ```ts
 * const config: StreamsConfig = {
 *   'application.id': 'order-cleaner',
 *   'bootstrap.servers': '127.0.0.1:9092',
 *   'commit.interval.ms': 1000,
 *   'default.value.serde': Serdes.json(),
 *   'deserialization.exception.handler': 'log-and-continue',
 *   'errors.dead.letter.queue.topic.name': 'order-cleaner-dlq',
 *   'consumer.max.poll.records': 1000,
 *   'producer.linger.ms': 20,
 * };
 * ```
 */
export interface StreamsConfig {
  /** The consumer group id and the prefix of internal topics. Required. */
  readonly 'application.id': string;
  /** `host:port[,host:port]`. Required. */
  readonly 'bootstrap.servers': string;
  /** Prefix of the clients' ids; default `application.id`. */
  readonly 'client.id'?: string;
  /** How often processed input offsets are committed (after the output is acknowledged); default 30000. */
  readonly 'commit.interval.ms'?: number | string;
  /** Must be 1: tasks share the event loop (worker threads only if a benchmark shows they pay). */
  readonly 'num.stream.threads'?: number | string;
  /** The key serde of sources and sinks that name none. */
  readonly 'default.key.serde'?: Serde<unknown>;
  /** The value serde of sources and sinks that name none. */
  readonly 'default.value.serde'?: Serde<unknown>;
  /** Picks each record's event time; default the record's timestamp. */
  readonly 'default.timestamp.extractor'?: TimestampExtractor;
  /** Records whose key or value cannot be deserialized; default `'fail'`. */
  readonly 'deserialization.exception.handler'?: ErrorPolicy;
  /** Exceptions thrown by operators; default `'fail'`. */
  readonly 'processing.exception.handler'?: ErrorPolicy;
  /** Output records the producer could not deliver; default `'fail'`. */
  readonly 'production.exception.handler'?: ErrorPolicy;
  /** Where handled failures are dead-lettered, with `__streams.errors.*` headers; default none. */
  readonly 'errors.dead.letter.queue.topic.name'?: string;
  /** Replication factor of internal topics; default -1 (the broker's default). */
  readonly 'replication.factor'?: number | string;
  /**
   * Backpressure: output records handed to the producer and not yet acknowledged above which the
   * app stops fetching input until they drain; default 20000.
   */
  readonly 'max.pending.records'?: number | string;
  /** How often consumed records of repartition topics are deleted; default 30000, -1 never. */
  readonly 'repartition.purge.interval.ms'?: number | string;
  /** Only `at_least_once` (the default); exactly-once comes with Kafka transactions, later. */
  readonly 'processing.guarantee'?: ProcessingGuarantee;
  /**
   * `host:port` where this instance answers interactive queries over HTTP (port 0: any free
   * port), advertised to the other instances; default none (no HTTP endpoint).
   */
  readonly 'application.server'?: string;
  /**
   * Where persistent state stores keep their files (`<state.dir>/<application.id>/<task>/<store>`);
   * default `<os.tmpdir()>/fjord-streams`.
   */
  readonly 'state.dir'?: string;
  /**
   * Where the DSL's stores keep their bytes when neither their operator (`storeType`,
   * `supplier`) nor the topology's `StreamsBuilder` option chose: `in-memory` (default; Kafka's
   * `in_memory` is accepted) or `persistent` (LMDB under `state.dir`; Kafka's `rocksDB` is
   * accepted).
   */
  readonly 'default.dsl.store'?: DslStoreConfig;
  /**
   * How long the directory of a task no longer assigned here stays under `state.dir` (unused
   * for this long, by its modification time) before a background cleaner deletes it; the
   * cleaner runs this often. Default 600000 (10 minutes), as Kafka's.
   */
  readonly 'state.cleanup.delay.ms'?: number | string;
  /**
   * Bytes of the record cache shared by the app's stores built with caching enabled: their
   * updates reach the changelog once per key per commit; default 10485760 (10 MiB), 0 disables
   * it (every update is written through).
   */
  readonly 'statestore.cache.max.bytes'?: number | string;
  /**
   * Standby replicas per task: other instances keep warm copies of the task's stores by
   * reading their changelogs, so a failover restores only the tail; default 0.
   */
  readonly 'num.standby.replicas'?: number | string;
  /**
   * How far (in changelog offsets) an instance holding a task's state may be behind for the
   * assignor to hand it the task; default 10000 (Kafka's).
   */
  readonly 'acceptable.recovery.lag'?: number | string;
  /** Kafka consumer configs, e.g. `consumer.max.poll.records`, `consumer.session.timeout.ms`. */
  readonly [consumerKey: `consumer.${string}`]: unknown;
  /** Kafka producer configs, e.g. `producer.linger.ms`, `producer.compression.type`. */
  readonly [producerKey: `producer.${string}`]: unknown;
  /** Admin client configs: `admin.client.id`. */
  readonly [adminKey: `admin.${string}`]: unknown;
}

/** {@link StreamsConfig} checked, with defaults, in camelCase. */
export interface ResolvedStreamsConfig extends ClientOverrides {
  readonly applicationId: string;
  readonly bootstrap: string;
  readonly clientId: string;
  readonly commitIntervalMs: number;
  readonly defaultKeySerde: Serde<unknown> | undefined;
  readonly defaultValueSerde: Serde<unknown> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly deserializationHandler: ErrorPolicy;
  readonly processingHandler: ErrorPolicy;
  readonly productionHandler: ErrorPolicy;
  readonly deadLetterQueueTopic: string | undefined;
  readonly replicationFactor: number;
  readonly maxPendingRecords: number;
  /** -1: never purge. */
  readonly repartitionPurgeIntervalMs: number;
  readonly applicationServer: { readonly host: string; readonly port: number } | undefined;
  readonly stateDir: string | undefined;
  readonly defaultDslStore: DslStoreType;
  readonly stateCleanupDelayMs: number;
  /** 0: no record cache. */
  readonly cacheMaxBytes: number;
  readonly numStandbyReplicas: number;
  readonly acceptableRecoveryLag: number;
}

/** Kafka Streams' at-least-once default. */
export const DEFAULT_COMMIT_INTERVAL_MS = 30_000;
export const DEFAULT_MAX_PENDING_RECORDS = 20_000;
export const DEFAULT_REPARTITION_PURGE_INTERVAL_MS = 30_000;
/** Kafka's `state.cleanup.delay.ms` default: 10 minutes. */
export const DEFAULT_STATE_CLEANUP_DELAY_MS = 600_000;

const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'application.id',
  'bootstrap.servers',
  'client.id',
  'commit.interval.ms',
  'num.stream.threads',
  'num.standby.replicas',
  'acceptable.recovery.lag',
  'default.key.serde',
  'default.value.serde',
  'default.timestamp.extractor',
  'deserialization.exception.handler',
  'processing.exception.handler',
  'production.exception.handler',
  'errors.dead.letter.queue.topic.name',
  'replication.factor',
  'max.pending.records',
  'repartition.purge.interval.ms',
  'processing.guarantee',
  'application.server',
  'state.dir',
  'default.dsl.store',
  'state.cleanup.delay.ms',
  'statestore.cache.max.bytes',
]);

/** Kafka's rule for group ids and topic-name prefixes: legal topic characters. */
const LEGAL_ID = /^[a-zA-Z0-9._-]+$/;

function handler(value: unknown, name: string): ErrorPolicy {
  if (value === undefined) return 'fail';
  if (typeof value === 'function') return value as Exclude<ErrorPolicy, string>;
  return oneOf(value, name, ['fail', 'log-and-continue']);
}

function isSerde(value: unknown): value is Serde<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'serialize' in value &&
    typeof value.serialize === 'function' &&
    'deserialize' in value &&
    typeof value.deserialize === 'function'
  );
}

function serde(value: unknown, name: string): Serde<unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isSerde(value))
    throw new ConfigError(`${name}: expected a Serde (an object with serialize and deserialize)`);
  return value;
}

function checkKeys(config: Readonly<Record<string, unknown>>): void {
  const unknown = Object.keys(config).filter((k) => !TOP_LEVEL_KEYS.has(k) && !isClientKey(k));
  if (unknown.length > 0)
    throw new ConfigError(
      `unknown streams config ${unknown.join(', ')}; known: ${[...TOP_LEVEL_KEYS].join(', ')} ` +
        `and consumer./producer./admin. prefixed client configs`,
    );
}

function checkGuarantee(value: unknown): void {
  const g = oneOf(value ?? 'at_least_once', 'processing.guarantee', [
    'at_least_once',
    'exactly_once',
    'exactly_once_beta',
    'exactly_once_v2',
  ]);
  if (g !== 'at_least_once')
    throw new ConfigError(
      `processing.guarantee=${g} is not supported yet: fjord streams run at_least_once; ` +
        'exactly-once needs Kafka transactions, which a later issue brings',
    );
}

function checkThreads(value: unknown): void {
  const threads = intValue(value ?? 1, 'num.stream.threads', 1);
  if (threads !== 1)
    throw new ConfigError(
      `num.stream.threads=${threads}: fjord runs a streams app's tasks on one event loop; ` +
        'worker threads come only once a benchmark shows they pay (run more app instances to scale)',
    );
}

function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : stringValue(value, name);
}

/**
 * Checks `config` and applies the defaults; throws {@link ConfigError} for a missing, unknown
 * or malformed setting.
 *
 * @example
 * ```ts
 * const resolved = parseStreamsConfig({ 'application.id': 'app', 'bootstrap.servers': 'h:9092' });
 * resolved.commitIntervalMs; // 30000
 * ```
 */
export function parseStreamsConfig(config: StreamsConfig): ResolvedStreamsConfig {
  const c = config as unknown as Readonly<Record<string, unknown>>;
  checkKeys(c);
  checkGuarantee(c['processing.guarantee']);
  checkThreads(c['num.stream.threads']);
  const applicationId = stringValue(c['application.id'], 'application.id');
  if (!LEGAL_ID.test(applicationId) || applicationId.length > 200)
    throw new ConfigError(
      `application.id=${applicationId}: use at most 200 of a-z, A-Z, 0-9, '.', '_', '-' ` +
        '(it prefixes internal topic names)',
    );
  const purge = c['repartition.purge.interval.ms'];
  return {
    applicationId,
    bootstrap: stringValue(c['bootstrap.servers'], 'bootstrap.servers'),
    clientId: optionalString(c['client.id'], 'client.id') ?? applicationId,
    commitIntervalMs: intValue(
      c['commit.interval.ms'] ?? DEFAULT_COMMIT_INTERVAL_MS,
      'commit.interval.ms',
      1,
    ),
    defaultKeySerde: serde(c['default.key.serde'], 'default.key.serde'),
    defaultValueSerde: serde(c['default.value.serde'], 'default.value.serde'),
    timestampExtractor: extractor(c['default.timestamp.extractor']),
    deserializationHandler: handler(
      c['deserialization.exception.handler'],
      'deserialization.exception.handler',
    ),
    processingHandler: handler(c['processing.exception.handler'], 'processing.exception.handler'),
    productionHandler: handler(c['production.exception.handler'], 'production.exception.handler'),
    deadLetterQueueTopic: optionalString(
      c['errors.dead.letter.queue.topic.name'],
      'errors.dead.letter.queue.topic.name',
    ),
    replicationFactor: replication(c['replication.factor']),
    maxPendingRecords: intValue(
      c['max.pending.records'] ?? DEFAULT_MAX_PENDING_RECORDS,
      'max.pending.records',
      1,
    ),
    repartitionPurgeIntervalMs:
      purge === -1 || purge === '-1'
        ? -1
        : intValue(
            purge ?? DEFAULT_REPARTITION_PURGE_INTERVAL_MS,
            'repartition.purge.interval.ms',
            0,
          ),
    applicationServer: hostPort(c['application.server']),
    stateDir: optionalString(c['state.dir'], 'state.dir'),
    defaultDslStore: dslStore(c['default.dsl.store']),
    stateCleanupDelayMs: intValue(
      c['state.cleanup.delay.ms'] ?? DEFAULT_STATE_CLEANUP_DELAY_MS,
      'state.cleanup.delay.ms',
      0,
    ),
    cacheMaxBytes: intValue(
      c['statestore.cache.max.bytes'] ?? DEFAULT_CACHE_MAX_BYTES,
      'statestore.cache.max.bytes',
      0,
    ),
    numStandbyReplicas: intValue(c['num.standby.replicas'] ?? 0, 'num.standby.replicas', 0),
    acceptableRecoveryLag: intValue(
      c['acceptable.recovery.lag'] ?? DEFAULT_ACCEPTABLE_RECOVERY_LAG,
      'acceptable.recovery.lag',
      0,
    ),
    ...parseClientOverrides(c),
  };
}

function hostPort(value: unknown): { host: string; port: number } | undefined {
  const s = optionalString(value, 'application.server');
  if (s === undefined) return undefined;
  const at = s.lastIndexOf(':');
  const port = Number(s.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`application.server=${s}: expected host:port`);
  return { host: s.slice(0, at), port };
}

function extractor(value: unknown): TimestampExtractor | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new ConfigError(
      'default.timestamp.extractor: expected a function (record, partitionTimeMs) => epoch ms',
    );
  return value as TimestampExtractor;
}

function dslStore(value: unknown): DslStoreType {
  if (value === undefined) return 'in-memory';
  const type = dslStoreTypeOf(value);
  if (type === undefined)
    throw new ConfigError(
      `default.dsl.store=${JSON.stringify(value)}: expected one of ${DSL_STORE_VALUES.join(', ')}`,
    );
  return type;
}

function replication(value: unknown): number {
  if (value === undefined || value === -1 || value === '-1') return -1;
  return intValue(value, 'replication.factor', 1);
}
