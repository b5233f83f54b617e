import * as fs from 'node:fs';

import { ConfigError } from '../util/errors.js';
import { DEFAULT_LOG_CONFIG, parseLogConfig } from '../log/log-config.js';
import type { LogConfig } from '../log/log-config.js';

/** Broker settings, camelCase inside; Kafka's property names at the edges (see BROKER_PROPERTIES). */
export interface BrokerConfig {
  /** `node.id` (or `broker.id`). */
  readonly nodeId: number;
  /** Listener host and port (`listeners=PLAINTEXT://host:port`); port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** What Metadata tells clients to connect to (`advertised.listeners`); defaults to the listener. */
  readonly advertisedHost: string | undefined;
  readonly advertisedPort: number | undefined;
  /** `log.dirs`: the data folder. */
  readonly logDir: string;
  /** `broker.rack`: replica placement spreads a partition's replicas over racks. */
  readonly rack: string | null;
  /**
   * `metadata.store` (fjord's): `local` (one broker, topics.json; the default) or
   * `etcd://host:port[,host:port][/prefix]` (a cluster whose metadata lives in etcd).
   */
  readonly metadataStore: string;
  /**
   * `broker.session.timeout.ms`: a broker silent this long counts as dead (its etcd lease TTL,
   * rounded up to whole seconds, at least 2: etcd's minimum).
   */
  readonly brokerSessionTimeoutMs: number;
  /**
   * `replica.lag.time.max.ms`: a follower that has not caught up with the leader's log end for
   * this long leaves the ISR.
   */
  readonly replicaLagTimeMaxMs: number;
  /** `replica.fetch.wait.max.ms`: how long a follower's fetch waits at the leader for data. */
  readonly replicaFetchWaitMaxMs: number;
  /** `replica.fetch.max.bytes`: record bytes a follower asks for per partition and fetch. */
  readonly replicaFetchMaxBytes: number;
  /** `auto.leader.rebalance.enable`: the controller moves leadership back to preferred replicas. */
  readonly autoLeaderRebalanceEnable: boolean;
  /** `leader.imbalance.check.interval.seconds`, in ms: how often it looks. */
  readonly leaderImbalanceCheckIntervalMs: number;
  /** `leader.imbalance.per.broker.percentage`: the share of a broker's partitions led elsewhere that triggers it. */
  readonly leaderImbalancePerBrokerPercentage: number;
  /** `num.partitions`: for auto-created topics and CreateTopics with -1. */
  readonly numPartitions: number;
  /** `default.replication.factor`. */
  readonly defaultReplicationFactor: number;
  /** `auto.create.topics.enable`. */
  readonly autoCreateTopicsEnable: boolean;
  /** `delete.topic.enable`. */
  readonly deleteTopicEnable: boolean;
  /** `socket.request.max.bytes`: larger frames are refused before they are buffered. */
  readonly socketRequestMaxBytes: number;
  /** `max.connections`. */
  readonly maxConnections: number;
  /** `max.connections.per.ip`. */
  readonly maxConnectionsPerIp: number;
  /** `connections.max.idle.ms`. */
  readonly connectionsMaxIdleMs: number;
  /** `log.retention.check.interval.ms`: how often retention and compaction run. */
  readonly logRetentionCheckIntervalMs: number;
  /** `log.flush.scheduler.interval.ms`: how often `flush.ms` is checked. */
  readonly logFlushSchedulerIntervalMs: number;
  /** `group.min.session.timeout.ms`: shorter JoinGroup session timeouts get INVALID_SESSION_TIMEOUT. */
  readonly groupMinSessionTimeoutMs: number;
  /** `group.max.session.timeout.ms`: longer ones get INVALID_SESSION_TIMEOUT too. */
  readonly groupMaxSessionTimeoutMs: number;
  /** `group.initial.rebalance.delay.ms`: how long an empty group waits for more members to join. */
  readonly groupInitialRebalanceDelayMs: number;
  /** `group.max.size`: more members get GROUP_MAX_SIZE_REACHED. */
  readonly groupMaxSize: number;
  /** `offsets.topic.num.partitions`: partitions of `__consumer_offsets` when it is created. */
  readonly offsetsTopicNumPartitions: number;
  /** `offsets.topic.segment.bytes`: `segment.bytes` of `__consumer_offsets`. */
  readonly offsetsTopicSegmentBytes: number;
  /** `offsets.retention.minutes`, in ms: how long the offsets of an empty group are kept. */
  readonly offsetsRetentionMs: number;
  /** `offsets.retention.check.interval.ms`: how often expired offsets are removed. */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes`: longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  readonly offsetMetadataMaxBytes: number;
  /** `offsets.load.buffer.size`: bytes read at a time when loading `__consumer_offsets`. */
  readonly offsetsLoadBufferSize: number;
  /**
   * `offsets.commit.timeout.ms`: how long an offset commit or a stored assignment waits for the
   * `__consumer_offsets` ISR before it is answered COORDINATOR_NOT_AVAILABLE.
   */
  readonly offsetsCommitTimeoutMs: number;
  /** Defaults for every topic's log (`log.segment.bytes`, `log.retention.ms`, `message.max.bytes`...). */
  readonly logDefaults: LogConfig;
  /** Every property as given, for DescribeConfigs on the broker resource. */
  readonly properties: Readonly<Record<string, string>>;
}

/** Broker property → topic property it sets the default of. */
const LOG_DEFAULT_PROPERTIES: Readonly<Record<string, string>> = {
  'log.segment.bytes': 'segment.bytes',
  'log.roll.ms': 'segment.ms',
  'log.retention.ms': 'retention.ms',
  'log.retention.bytes': 'retention.bytes',
  'log.cleanup.policy': 'cleanup.policy',
  'log.cleaner.delete.retention.ms': 'delete.retention.ms',
  'log.cleaner.min.compaction.lag.ms': 'min.compaction.lag.ms',
  'message.max.bytes': 'max.message.bytes',
  'log.message.timestamp.type': 'message.timestamp.type',
  'log.flush.interval.messages': 'flush.messages',
  'log.flush.interval.ms': 'flush.ms',
  'log.index.interval.bytes': 'index.interval.bytes',
  'log.index.size.max.bytes': 'segment.index.bytes',
  'min.insync.replicas': 'min.insync.replicas',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
  'compression.type': 'compression.type',
};

const HOURS_TO_MS: Readonly<Record<string, string>> = {
  'log.retention.hours': 'log.retention.ms',
  'log.retention.minutes': 'log.retention.ms',
  'log.roll.hours': 'log.roll.ms',
};

const BROKER_ONLY = new Set([
  'node.id',
  'broker.id',
  'listeners',
  'advertised.listeners',
  'log.dirs',
  'log.dir',
  'broker.rack',
  'metadata.store',
  'broker.session.timeout.ms',
  'replica.lag.time.max.ms',
  'auto.leader.rebalance.enable',
  'leader.imbalance.check.interval.seconds',
  'leader.imbalance.per.broker.percentage',
  'replica.fetch.wait.max.ms',
  'replica.fetch.max.bytes',
  'num.partitions',
  'default.replication.factor',
  'auto.create.topics.enable',
  'delete.topic.enable',
  'socket.request.max.bytes',
  'max.connections',
  'max.connections.per.ip',
  'connections.max.idle.ms',
  'log.retention.check.interval.ms',
  'log.flush.scheduler.interval.ms',
  'group.min.session.timeout.ms',
  'group.max.session.timeout.ms',
  'group.initial.rebalance.delay.ms',
  'group.max.size',
  'offsets.topic.num.partitions',
  'offsets.topic.segment.bytes',
  'offsets.retention.minutes',
  'offsets.retention.check.interval.ms',
  'offset.metadata.max.bytes',
  'offsets.load.buffer.size',
  'offsets.commit.timeout.ms',
]);

/** The broker property names fjord understands. */
export const BROKER_PROPERTIES: readonly string[] = [
  ...BROKER_ONLY,
  ...Object.keys(LOG_DEFAULT_PROPERTIES),
  ...Object.keys(HOURS_TO_MS),
];

function int(
  props: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
  min = 0,
): number {
  const raw = props[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`${name}=${raw}: expected an integer ≥ ${min}`);
  return n;
}

function bool(props: Readonly<Record<string, string>>, name: string, fallback: boolean): boolean {
  const raw = props[name];
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false')
    throw new ConfigError(`${name}=${raw}: expected true or false`);
  return raw === 'true';
}

function listener(value: string, name: string): { host: string; port: number } {
  const first = value.split(',')[0]?.trim() ?? '';
  const match = /^(?:[A-Z_]+:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(first);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new ConfigError(`${name}=${value}: expected PLAINTEXT://host:port`);
  }
  return { host: match[1] === '' ? '0.0.0.0' : match[1], port: Number(match[2]) };
}

/** The group coordinator's settings; defaults are Kafka's. */
function groupSettings(props: Readonly<Record<string, string>>): {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicSegmentBytes: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  offsetsLoadBufferSize: number;
  offsetsCommitTimeoutMs: number;
} {
  const minSession = int(props, 'group.min.session.timeout.ms', 6000);
  const maxSession = int(props, 'group.max.session.timeout.ms', 1_800_000);
  if (maxSession < minSession) {
    throw new ConfigError(
      `group.max.session.timeout.ms=${maxSession} is below group.min.session.timeout.ms=${minSession}`,
    );
  }
  const offsetsPartitions = int(props, 'offsets.topic.num.partitions', 50, 1);
  // fjord's per-topic partition limit (topic-admin.ts MAX_PARTITIONS_PER_TOPIC).
  if (offsetsPartitions > 10_000) {
    throw new ConfigError(`offsets.topic.num.partitions=${offsetsPartitions}: at most 10000`);
  }
  return {
    groupMinSessionTimeoutMs: minSession,
    groupMaxSessionTimeoutMs: maxSession,
    groupInitialRebalanceDelayMs: int(props, 'group.initial.rebalance.delay.ms', 3000),
    groupMaxSize: int(props, 'group.max.size', 2_147_483_647, 1),
    offsetsTopicNumPartitions: offsetsPartitions,
    offsetsTopicSegmentBytes: int(props, 'offsets.topic.segment.bytes', 104_857_600, 1024),
    offsetsRetentionMs: int(props, 'offsets.retention.minutes', 10_080, 1) * 60_000,
    offsetsRetentionCheckIntervalMs: int(props, 'offsets.retention.check.interval.ms', 600_000, 1),
    offsetMetadataMaxBytes: int(props, 'offset.metadata.max.bytes', 4096),
    offsetsLoadBufferSize: int(props, 'offsets.load.buffer.size', 5_242_880, 1024),
    offsetsCommitTimeoutMs: int(props, 'offsets.commit.timeout.ms', 5000, 1),
  };
}

/**
 * Builds a {@link BrokerConfig} from Kafka broker properties. Unknown names throw, so a typo never
 * silently falls back to a default.
 *
 * @example
 * ```ts
 * const config = parseBrokerConfig({ listeners: 'PLAINTEXT://127.0.0.1:9092', 'log.dirs': './data' });
 * ```
 */
export function parseBrokerConfig(input: Readonly<Record<string, string>>): BrokerConfig {
  const props: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!BROKER_PROPERTIES.includes(name)) throw new ConfigError(`unknown broker property ${name}`);
    const msName = HOURS_TO_MS[name];
    if (msName !== undefined && input[msName] === undefined) {
      const unit = name.endsWith('.hours') ? 3_600_000 : 60_000;
      props[msName] = String(int(input, name, 0, -1) * unit);
    } else if (msName === undefined) {
      props[name] = value;
    }
  }
  const topicDefaults: Record<string, string> = {};
  for (const [brokerName, topicName] of Object.entries(LOG_DEFAULT_PROPERTIES)) {
    const value = props[brokerName];
    if (value !== undefined) topicDefaults[topicName] = value;
  }
  const listen = listener(props.listeners ?? 'PLAINTEXT://127.0.0.1:9092', 'listeners');
  const advertised =
    props['advertised.listeners'] === undefined
      ? undefined
      : listener(props['advertised.listeners'], 'advertised.listeners');
  const logDir = props['log.dirs']?.split(',')[0] ?? props['log.dir'] ?? './data';
  return {
    nodeId: int(props, 'node.id', int(props, 'broker.id', 1)),
    host: listen.host,
    port: listen.port,
    advertisedHost: advertised?.host,
    advertisedPort: advertised?.port,
    logDir,
    rack: props['broker.rack'] ?? null,
    metadataStore: props['metadata.store'] ?? 'local',
    brokerSessionTimeoutMs: int(props, 'broker.session.timeout.ms', 9000, 2000),
    replicaLagTimeMaxMs: int(props, 'replica.lag.time.max.ms', 30_000, 1),
    replicaFetchWaitMaxMs: int(props, 'replica.fetch.wait.max.ms', 500, 0),
    replicaFetchMaxBytes: int(props, 'replica.fetch.max.bytes', 1_048_576, 1024),
    autoLeaderRebalanceEnable: bool(props, 'auto.leader.rebalance.enable', true),
    leaderImbalanceCheckIntervalMs:
      int(props, 'leader.imbalance.check.interval.seconds', 300, 1) * 1000,
    leaderImbalancePerBrokerPercentage: int(props, 'leader.imbalance.per.broker.percentage', 10, 0),
    numPartitions: int(props, 'num.partitions', 1, 1),
    defaultReplicationFactor: int(props, 'default.replication.factor', 1, 1),
    autoCreateTopicsEnable: bool(props, 'auto.create.topics.enable', true),
    deleteTopicEnable: bool(props, 'delete.topic.enable', true),
    socketRequestMaxBytes: int(props, 'socket.request.max.bytes', 100 * 1024 * 1024, 1024),
    maxConnections: int(props, 'max.connections', 2_147_483_647, 1),
    maxConnectionsPerIp: int(props, 'max.connections.per.ip', 2_147_483_647, 1),
    connectionsMaxIdleMs: int(props, 'connections.max.idle.ms', 600_000, -1),
    logRetentionCheckIntervalMs: int(props, 'log.retention.check.interval.ms', 300_000, 1),
    logFlushSchedulerIntervalMs: int(props, 'log.flush.scheduler.interval.ms', 1000, 1),
    ...groupSettings(props),
    logDefaults: parseLogConfig(topicDefaults, DEFAULT_LOG_CONFIG),
    properties: props,
  };
}

/** Reads a Java-style `broker.properties` file (`key=value`, `#` comments). */
export function readPropertiesFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of fs.readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at < 0) throw new ConfigError(`${path}: cannot parse line "${line}"`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}
