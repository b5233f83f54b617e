/**
 * `consumer.`, `producer.` and `admin.` prefixed settings of a streams config: Kafka's client
 * config names, checked and turned into the options of core's clients. Settings the runtime owns
 * (the group id, auto commit, the assignor) are refused with the reason.
 */
import { ConfigError, type ConsumerOptions, type ProducerOptions } from '../../core/index.js';

type Parse<T> = (value: unknown, name: string) => Partial<T>;

/** An integer ≥ `min`, given as a number or a decimal string (as in a properties file). */
export function intValue(value: unknown, name: string, min: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`${name}=${String(value)}: expected an integer ≥ ${min}`);
  return n;
}

/** A non-empty string. */
export function stringValue(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(`${name}=${String(value)}: expected a non-empty string`);
  return value;
}

/** One of `allowed`. */
export function oneOf<const T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined)
    throw new ConfigError(`${name}=${String(value)}: expected one of ${allowed.join(', ')}`);
  return found;
}

function boolValue(value: unknown, name: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`${name}=${String(value)}: expected true or false`);
}

/** Settings every client takes (ClientOptions, which core does not export by name). */
type CommonSettings = Pick<
  ConsumerOptions,
  'clientId' | 'requestTimeoutMs' | 'connectTimeoutMs' | 'metadataMaxAgeMs'
>;

const CLIENT_FIELDS: Readonly<Record<string, Parse<CommonSettings>>> = {
  'client.id': (v, n) => ({ clientId: stringValue(v, n) }),
  'request.timeout.ms': (v, n) => ({ requestTimeoutMs: intValue(v, n, 1) }),
  'socket.connection.setup.timeout.ms': (v, n) => ({ connectTimeoutMs: intValue(v, n, 1) }),
  'metadata.max.age.ms': (v, n) => ({ metadataMaxAgeMs: intValue(v, n, 0) }),
};

function parseAcks(value: unknown, name: string): 'all' | 0 | 1 {
  const s = String(value);
  if (s === 'all' || s === '-1') return 'all';
  if (s === '0' || s === '1') return Number(s) as 0 | 1;
  throw new ConfigError(`${name}=${s}: expected all, -1, 0 or 1`);
}

const CONSUMER_FIELDS: Readonly<Record<string, Parse<ConsumerOptions>>> = {
  ...CLIENT_FIELDS,
  'session.timeout.ms': (v, n) => ({ sessionTimeoutMs: intValue(v, n, 1) }),
  'heartbeat.interval.ms': (v, n) => ({ heartbeatIntervalMs: intValue(v, n, 1) }),
  'max.poll.interval.ms': (v, n) => ({ maxPollIntervalMs: intValue(v, n, 1) }),
  'max.poll.records': (v, n) => ({ maxPollRecords: intValue(v, n, 1) }),
  'fetch.min.bytes': (v, n) => ({ fetchMinBytes: intValue(v, n, 0) }),
  'fetch.max.wait.ms': (v, n) => ({ fetchMaxWaitMs: intValue(v, n, 0) }),
  'fetch.max.bytes': (v, n) => ({ fetchMaxBytes: intValue(v, n, 1) }),
  'max.partition.fetch.bytes': (v, n) => ({ maxPartitionFetchBytes: intValue(v, n, 1) }),
  'auto.offset.reset': (v, n) => ({
    autoOffsetReset: oneOf(v, n, ['earliest', 'latest', 'none']),
  }),
  'group.instance.id': (v, n) => ({ groupInstanceId: stringValue(v, n) }),
  'retry.backoff.ms': (v, n) => ({ retryBackoffMs: intValue(v, n, 0) }),
  'default.api.timeout.ms': (v, n) => ({ defaultApiTimeoutMs: intValue(v, n, 1) }),
};

const PRODUCER_FIELDS: Readonly<Record<string, Parse<ProducerOptions>>> = {
  ...CLIENT_FIELDS,
  acks: (v, n) => ({ acks: parseAcks(v, n) }),
  'compression.type': (v, n) => ({
    compression: oneOf(v, n, ['none', 'gzip', 'snappy', 'lz4', 'zstd']),
  }),
  'linger.ms': (v, n) => ({ lingerMs: intValue(v, n, 0) }),
  'batch.size': (v, n) => ({ batchSize: intValue(v, n, 1) }),
  'buffer.memory': (v, n) => ({ bufferMemory: intValue(v, n, 1) }),
  'max.block.ms': (v, n) => ({ maxBlockMs: intValue(v, n, 0) }),
  'max.in.flight.requests.per.connection': (v, n) => ({ maxInFlight: intValue(v, n, 1) }),
  'enable.idempotence': (v, n) => ({ idempotent: boolValue(v, n) }),
  'delivery.timeout.ms': (v, n) => ({ deliveryTimeoutMs: intValue(v, n, 1) }),
  'retry.backoff.ms': (v, n) => ({ retryBackoffMs: intValue(v, n, 0) }),
  'retry.backoff.max.ms': (v, n) => ({ retryBackoffMaxMs: intValue(v, n, 0) }),
  'max.request.size': (v, n) => ({ maxRequestSize: intValue(v, n, 1) }),
};

/** What fjord's Admin takes: only a client id. */
interface AdminSettings {
  clientId?: string;
}

const ADMIN_FIELDS: Readonly<Record<string, Parse<AdminSettings>>> = {
  'client.id': (v, n) => ({ clientId: stringValue(v, n) }),
};

/** Settings the runtime sets itself, with the reason a user may not. */
const RESERVED: Readonly<Record<string, string>> = {
  'consumer.group.id': 'the group id is application.id',
  'consumer.enable.auto.commit': 'the app commits after its output is acknowledged',
  'consumer.partition.assignment.strategy': 'tasks are assigned by the streams assignor',
  'consumer.bootstrap.servers': 'set bootstrap.servers',
  'producer.bootstrap.servers': 'set bootstrap.servers',
  'admin.bootstrap.servers': 'set bootstrap.servers',
  'producer.transactional.id': 'exactly-once is not supported yet',
};

/** The client settings of a streams config, by client. */
export interface ClientOverrides {
  readonly consumer: Partial<ConsumerOptions>;
  readonly producer: Partial<ProducerOptions>;
  readonly admin: AdminSettings;
}

const PREFIXES = ['consumer.', 'producer.', 'admin.'] as const;

/** Whether `key` is a client passthrough key. */
export function isClientKey(key: string): boolean {
  return PREFIXES.some((p) => key.startsWith(p));
}

function parseOne<T>(
  fields: Readonly<Record<string, Parse<T>>>,
  key: string,
  prefix: string,
  value: unknown,
): Partial<T> {
  const reason = RESERVED[key];
  if (reason !== undefined) throw new ConfigError(`${key} cannot be set: ${reason}`);
  const parse = fields[key.slice(prefix.length)];
  if (parse === undefined)
    throw new ConfigError(
      `${key}: unknown ${prefix.slice(0, -1)} setting (known: ${Object.keys(fields).join(', ')})`,
    );
  return parse(value, key);
}

/** Parses the prefixed keys of `config`; throws {@link ConfigError} for unknown or reserved ones. */
export function parseClientOverrides(config: Readonly<Record<string, unknown>>): ClientOverrides {
  let consumer: Partial<ConsumerOptions> = {};
  let producer: Partial<ProducerOptions> = {};
  let admin: AdminSettings = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (key.startsWith('consumer.'))
      consumer = { ...consumer, ...parseOne(CONSUMER_FIELDS, key, 'consumer.', value) };
    else if (key.startsWith('producer.'))
      producer = { ...producer, ...parseOne(PRODUCER_FIELDS, key, 'producer.', value) };
    else if (key.startsWith('admin.'))
      admin = { ...admin, ...parseOne(ADMIN_FIELDS, key, 'admin.', value) };
  }
  return { consumer, producer, admin };
}
