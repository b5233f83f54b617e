/**
 * The producer's settings: Kafka's producer configs in camelCase, their defaults, and the checks
 * Kafka's `ProducerConfig` makes. Everything downstream reads a {@link ProducerConfig}, in which
 * every value is present and valid.
 */
import { CompressionType } from '../../protocol/records/compression.js';
import { ConfigError } from '../../util/errors.js';
import type { ClientOptions } from '../cluster.js';

/** Kafka's `acks`: 0 (no answer), 1 (the leader) or `'all'` / -1 (the in-sync replicas). */
export type Acks = 0 | 1 | -1 | 'all';

/** Kafka's `compression.type` names. */
export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * Settings of a {@link Producer}; Kafka's config name and default are given for each.
 *
 * @example
 * ```ts
 * const options: ProducerOptions = { bootstrap: '127.0.0.1:9092', acks: 1, compression: 'lz4' };
 * ```
 */
export interface ProducerOptions extends ClientOptions {
  /** `acks`; default `'all'`. */
  readonly acks?: Acks;
  /** `compression.type`; default `'none'`. */
  readonly compression?: CompressionCodec;
  /** `linger.ms`: how long a batch waits for more records; default 5 (as Kafka 4.0). */
  readonly lingerMs?: number;
  /** `batch.size`: a partition's batch is sent once it holds about this many bytes; default 16384. */
  readonly batchSize?: number;
  /** `buffer.memory`: bytes of records held before `send()` waits for room; default 32 MiB. */
  readonly bufferMemory?: number;
  /** `max.block.ms`: how long `send()` may wait for metadata or room; default 60000. */
  readonly maxBlockMs?: number;
  /** `max.in.flight.requests.per.connection`; default 5 (at most 5 with idempotence). */
  readonly maxInFlight?: number;
  /**
   * `enable.idempotence`; default true, unless `acks` is 0 or 1 (then off, as in Kafka when the
   * setting is left implicit). Requires acks=all and maxInFlight ≤ 5.
   */
  readonly idempotent?: boolean;
  /** `delivery.timeout.ms`: the time a record has from `send()` to its acknowledgement; default 120000. */
  readonly deliveryTimeoutMs?: number;
  /** `retry.backoff.ms`: the first retry's backoff; default 100. */
  readonly retryBackoffMs?: number;
  /** `retry.backoff.max.ms`: the cap of the exponential backoff; default 1000. */
  readonly retryBackoffMaxMs?: number;
  /** `max.request.size`: the largest record and the largest Produce request; default 1048576. */
  readonly maxRequestSize?: number;
  /** `allow.auto.create.topics`: ask the broker to create unknown topics; default true. */
  readonly allowAutoTopicCreation?: boolean;
  /** Random numbers in [0, 1) for the sticky partitioner and backoff jitter; default Math.random. */
  readonly random?: () => number;
}

/**
 * {@link ProducerOptions} with every default applied and every value checked.
 *
 * @example
 * ```ts
 * const producer = new Producer({ bootstrap: '127.0.0.1:9092' });
 * console.log(producer.config.lingerMs, producer.config.idempotent); // 5 true
 * ```
 */
export interface ProducerConfig {
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionType;
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly bufferMemory: number;
  readonly maxBlockMs: number;
  readonly maxInFlight: number;
  readonly idempotent: boolean;
  readonly deliveryTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly maxRequestSize: number;
  readonly requestTimeoutMs: number;
  readonly allowAutoTopicCreation: boolean;
  readonly random: () => number;
}

/** Kafka's cap on in-flight requests for an idempotent producer: brokers cache 5 batches. */
export const MAX_IDEMPOTENT_IN_FLIGHT = 5;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const CODECS: Readonly<Record<CompressionCodec, CompressionType>> = {
  none: CompressionType.NONE,
  gzip: CompressionType.GZIP,
  snappy: CompressionType.SNAPPY,
  lz4: CompressionType.LZ4,
  zstd: CompressionType.ZSTD,
};

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return v;
}

function parseAcks(acks: unknown): -1 | 0 | 1 {
  if (acks === undefined || acks === 'all' || acks === -1) return -1;
  if (acks === 0 || acks === 1) return acks;
  throw new ConfigError(`acks must be 0, 1, -1 or 'all', got ${JSON.stringify(acks)}`);
}

function parseIdempotence(options: ProducerOptions, acks: number, maxInFlight: number): boolean {
  if (options.idempotent === false) return false;
  const explicit = options.idempotent === true;
  if (acks !== -1) {
    if (explicit) throw new ConfigError('an idempotent producer needs acks=all');
    return false;
  }
  if (maxInFlight > MAX_IDEMPOTENT_IN_FLIGHT) {
    if (explicit) {
      throw new ConfigError(
        `an idempotent producer allows at most ${MAX_IDEMPOTENT_IN_FLIGHT} requests in flight`,
      );
    }
    return false;
  }
  return true;
}

/**
 * Applies defaults and checks `options` as Kafka's ProducerConfig does. Throws
 * {@link ConfigError} for a bad value or a contradiction (idempotence with acks 0/1,
 * delivery.timeout.ms below linger.ms + request.timeout.ms).
 *
 * @example
 * ```ts
 * const config = resolveProducerConfig({ bootstrap: 'localhost:9092', lingerMs: 0 });
 * ```
 */
export function resolveProducerConfig(options: ProducerOptions): ProducerConfig {
  const acks = parseAcks(options.acks);
  const compression = CODECS[options.compression ?? 'none'];
  // A codec name from outside the type system (CLI, JSON) must still be checked.
  if ((compression as CompressionType | undefined) === undefined) {
    throw new ConfigError(`unknown compression ${String(options.compression)}`);
  }
  const maxInFlight = count('maxInFlight', options.maxInFlight, 5, 1);
  const lingerMs = count('lingerMs', options.lingerMs, 5, 0);
  const requestTimeoutMs = count(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    DEFAULT_REQUEST_TIMEOUT_MS,
    1,
  );
  const deliveryTimeoutMs = count('deliveryTimeoutMs', options.deliveryTimeoutMs, 120_000, 1);
  if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
    throw new ConfigError(
      `deliveryTimeoutMs (${deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs ` +
        `(${lingerMs + requestTimeoutMs})`,
    );
  }
  const retryBackoffMs = count('retryBackoffMs', options.retryBackoffMs, 100, 0);
  const retryBackoffMaxMs = Math.max(
    retryBackoffMs,
    count('retryBackoffMaxMs', options.retryBackoffMaxMs, 1000, 0),
  );
  return {
    acks,
    compression,
    lingerMs,
    batchSize: count('batchSize', options.batchSize, 16_384, 1),
    bufferMemory: count('bufferMemory', options.bufferMemory, 32 * 1024 * 1024, 1),
    maxBlockMs: count('maxBlockMs', options.maxBlockMs, 60_000, 0),
    maxInFlight,
    idempotent: parseIdempotence(options, acks, maxInFlight),
    deliveryTimeoutMs,
    retryBackoffMs,
    retryBackoffMaxMs,
    maxRequestSize: count('maxRequestSize', options.maxRequestSize, 1_048_576, 1),
    requestTimeoutMs,
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? true,
    random: options.random ?? Math.random,
  };
}

/** Kafka's exponential backoff with ±20 % jitter: `base · 2^(attempt-1)`, capped at `max`. */
export function backoffMs(config: ProducerConfig, attempt: number): number {
  const exp = config.retryBackoffMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(config.retryBackoffMaxMs, exp);
  const jitter = 1 + 0.2 * (2 * config.random() - 1);
  return Math.max(0, Math.round(capped * jitter));
}
