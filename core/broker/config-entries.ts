/**
 * Config entries as DescribeConfigs (and CreateTopics v5+) report them: every topic config with
 * its effective value, where that value comes from, its broker-level synonyms, its type and a line
 * of documentation; and the broker's own properties. The numbering of sources, types and resource
 * types is Kafka's (`DescribeConfigsResponse.ConfigSource`, `ConfigDef.Type`,
 * `ConfigResource.Type`).
 */
import { DEFAULT_LOG_CONFIG, LOG_CONFIG_NAMES, logConfigToProperties } from '../log/log-config.js';
import { BROKER_PROPERTIES } from './broker-config.js';
import type { BrokerConfig } from './broker-config.js';
import type { BrokerContext, TopicMetadata } from './broker-context.js';

/** Where a config value comes from, numbered as Kafka's `ConfigSource`. */
export const ConfigSource = {
  UNKNOWN: 0,
  /** A per-topic override (CreateTopics configs, AlterConfigs). */
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  /** Set in the broker's properties at start-up. */
  STATIC_BROKER_CONFIG: 4,
  /** The built-in default. */
  DEFAULT_CONFIG: 5,
} as const;
/** A config source number. */
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

/** A config's value type, numbered as Kafka's `DescribeConfigsResponse.ConfigType`. */
export const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
/** A config type number. */
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

/** The resource types of the config APIs, numbered as Kafka's `ConfigResource.Type`. */
export const ConfigResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;
/** A config resource type number. */
export type ConfigResourceType = (typeof ConfigResourceType)[keyof typeof ConfigResourceType];

/** What fjord knows about one topic config beyond its value. */
export interface TopicConfigInfo {
  /** The broker property that sets its default (Kafka's "server default property"). */
  readonly brokerName: string;
  readonly type: ConfigType;
  readonly documentation: string;
}

/** Every topic config fjord accepts (LOG_CONFIG_NAMES), described. */
export const TOPIC_CONFIG_INFO: Readonly<Record<string, TopicConfigInfo>> = {
  'segment.bytes': {
    brokerName: 'log.segment.bytes',
    type: ConfigType.INT,
    documentation: 'The size of a log segment file; the active segment rolls at this size.',
  },
  'segment.ms': {
    brokerName: 'log.roll.ms',
    type: ConfigType.LONG,
    documentation: 'The time after which a non-empty active segment rolls even if not full.',
  },
  'retention.ms': {
    brokerName: 'log.retention.ms',
    type: ConfigType.LONG,
    documentation: 'How long a segment is kept before it is deleted; -1 keeps it forever.',
  },
  'retention.bytes': {
    brokerName: 'log.retention.bytes',
    type: ConfigType.LONG,
    documentation: 'The size a partition may grow to before old segments are deleted; -1 = none.',
  },
  'cleanup.policy': {
    brokerName: 'log.cleanup.policy',
    type: ConfigType.LIST,
    documentation: 'delete (retention), compact (keep the newest record per key) or both.',
  },
  'delete.retention.ms': {
    brokerName: 'log.cleaner.delete.retention.ms',
    type: ConfigType.LONG,
    documentation: 'How long tombstones are kept in a compacted topic.',
  },
  'min.compaction.lag.ms': {
    brokerName: 'log.cleaner.min.compaction.lag.ms',
    type: ConfigType.LONG,
    documentation: 'The minimum time a record stays uncompacted.',
  },
  'max.message.bytes': {
    brokerName: 'message.max.bytes',
    type: ConfigType.INT,
    documentation: 'The largest record batch the topic accepts.',
  },
  'message.timestamp.type': {
    brokerName: 'log.message.timestamp.type',
    type: ConfigType.STRING,
    documentation: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
  },
  'flush.messages': {
    brokerName: 'log.flush.interval.messages',
    type: ConfigType.LONG,
    documentation: 'Force an fsync after this many records.',
  },
  'flush.ms': {
    brokerName: 'log.flush.interval.ms',
    type: ConfigType.LONG,
    documentation: 'Force an fsync when the oldest unflushed record is this old.',
  },
  'index.interval.bytes': {
    brokerName: 'log.index.interval.bytes',
    type: ConfigType.INT,
    documentation: 'How many bytes of log lie between two offset-index entries.',
  },
  'segment.index.bytes': {
    brokerName: 'log.index.size.max.bytes',
    type: ConfigType.INT,
    documentation: 'The largest offset index a segment may have; the segment rolls when full.',
  },
  'min.insync.replicas': {
    brokerName: 'min.insync.replicas',
    type: ConfigType.INT,
    documentation: 'Replicas that must hold a write before an acks=all produce succeeds.',
  },
  'unclean.leader.election.enable': {
    brokerName: 'unclean.leader.election.enable',
    type: ConfigType.BOOLEAN,
    documentation: 'Whether a replica outside the ISR may become leader, at the cost of data loss.',
  },
  'compression.type': {
    brokerName: 'compression.type',
    type: ConfigType.STRING,
    documentation: 'Only "producer": batches are stored exactly as producers compressed them.',
  },
};

/** Whether a topic config holds a comma-separated list (IncrementalAlterConfigs APPEND/SUBTRACT). */
export function isListConfig(name: string): boolean {
  return TOPIC_CONFIG_INFO[name]?.type === ConfigType.LIST;
}

/** One synonym: the same setting at another level, in precedence order. */
export interface ConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

/** One config entry, shaped as DescribeConfigs reports it. */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly configSource: number;
  readonly isSensitive: boolean;
  readonly synonyms: readonly ConfigSynonym[];
  readonly configType: number;
  readonly documentation: string | null;
}

/** What to include in entries. */
export interface ConfigEntryOptions {
  /** Only these names; null or empty means all (as Kafka treats an empty key list). */
  readonly names?: readonly string[] | null;
  readonly includeSynonyms?: boolean;
  readonly includeDocumentation?: boolean;
}

function wanted(options: ConfigEntryOptions): (name: string) => boolean {
  const names = options.names;
  if (names === undefined || names === null || names.length === 0) return () => true;
  const set = new Set(names);
  return (name) => set.has(name);
}

/**
 * Every topic config of `topic` with its effective value: an override is DYNAMIC_TOPIC_CONFIG, a
 * default set in the broker's properties STATIC_BROKER_CONFIG, anything else DEFAULT_CONFIG.
 * Values are normalized as the log parses them (`cleanup.policy=delete, compact` reads back as
 * `compact,delete`). Synonyms list, in precedence order, the override, the broker property when
 * set, and the built-in default under the broker property's name.
 */
export function topicConfigEntries(
  broker: BrokerContext,
  topic: TopicMetadata,
  options: ConfigEntryOptions = {},
): ConfigEntry[] {
  const include = wanted(options);
  const effective = logConfigToProperties(broker.topicLogConfig(topic));
  const builtIn = logConfigToProperties(DEFAULT_LOG_CONFIG);
  const props = broker.config.properties;
  const out: ConfigEntry[] = [];
  for (const name of LOG_CONFIG_NAMES) {
    if (!include(name)) continue;
    const info = TOPIC_CONFIG_INFO[name];
    const value = effective[name] ?? null;
    const synonyms: ConfigSynonym[] = [];
    if (topic.configs[name] !== undefined) {
      synonyms.push({ name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    }
    if (info !== undefined) {
      const staticValue = props[info.brokerName];
      if (staticValue !== undefined) {
        synonyms.push({
          name: info.brokerName,
          value: staticValue,
          source: ConfigSource.STATIC_BROKER_CONFIG,
        });
      }
      synonyms.push({
        name: info.brokerName,
        value: builtIn[name] ?? null,
        source: ConfigSource.DEFAULT_CONFIG,
      });
    }
    out.push({
      name,
      value,
      readOnly: false,
      configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms: options.includeSynonyms === true ? synonyms : [],
      configType: info?.type ?? ConfigType.UNKNOWN,
      documentation: options.includeDocumentation === true ? (info?.documentation ?? null) : null,
    });
  }
  return out;
}

const BROKER_TYPES: Readonly<Record<string, ConfigType>> = {
  'node.id': ConfigType.INT,
  'broker.id': ConfigType.INT,
  'num.partitions': ConfigType.INT,
  'default.replication.factor': ConfigType.INT,
  'auto.create.topics.enable': ConfigType.BOOLEAN,
  'delete.topic.enable': ConfigType.BOOLEAN,
  'socket.request.max.bytes': ConfigType.INT,
  'max.connections': ConfigType.INT,
  'max.connections.per.ip': ConfigType.INT,
  'connections.max.idle.ms': ConfigType.LONG,
  'log.retention.check.interval.ms': ConfigType.LONG,
  'log.flush.scheduler.interval.ms': ConfigType.LONG,
  'group.min.session.timeout.ms': ConfigType.INT,
  'group.max.session.timeout.ms': ConfigType.INT,
  'group.initial.rebalance.delay.ms': ConfigType.INT,
  'group.max.size': ConfigType.INT,
  'offsets.topic.num.partitions': ConfigType.INT,
  'offsets.topic.segment.bytes': ConfigType.INT,
  'offsets.retention.minutes': ConfigType.INT,
  'offsets.retention.check.interval.ms': ConfigType.LONG,
  'offset.metadata.max.bytes': ConfigType.INT,
  'offsets.load.buffer.size': ConfigType.INT,
  'offsets.commit.timeout.ms': ConfigType.INT,
};

/** The value a broker property has when it was not set. */
function brokerDefault(config: BrokerConfig, name: string): string | null {
  const defaults: Readonly<Record<string, string | null>> = {
    'node.id': String(config.nodeId),
    'broker.id': String(config.nodeId),
    listeners: `PLAINTEXT://${config.host}:${config.port}`,
    'advertised.listeners':
      config.advertisedHost === undefined
        ? null
        : `PLAINTEXT://${config.advertisedHost}:${config.advertisedPort ?? config.port}`,
    'log.dirs': config.logDir,
    'log.dir': config.logDir,
    'num.partitions': String(config.numPartitions),
    'default.replication.factor': String(config.defaultReplicationFactor),
    'auto.create.topics.enable': String(config.autoCreateTopicsEnable),
    'delete.topic.enable': String(config.deleteTopicEnable),
    'socket.request.max.bytes': String(config.socketRequestMaxBytes),
    'max.connections': String(config.maxConnections),
    'max.connections.per.ip': String(config.maxConnectionsPerIp),
    'connections.max.idle.ms': String(config.connectionsMaxIdleMs),
    'log.retention.check.interval.ms': String(config.logRetentionCheckIntervalMs),
    'log.flush.scheduler.interval.ms': String(config.logFlushSchedulerIntervalMs),
    'group.min.session.timeout.ms': String(config.groupMinSessionTimeoutMs),
    'group.max.session.timeout.ms': String(config.groupMaxSessionTimeoutMs),
    'group.initial.rebalance.delay.ms': String(config.groupInitialRebalanceDelayMs),
    'group.max.size': String(config.groupMaxSize),
    'offsets.topic.num.partitions': String(config.offsetsTopicNumPartitions),
    'offsets.topic.segment.bytes': String(config.offsetsTopicSegmentBytes),
    'offsets.retention.minutes': String(config.offsetsRetentionMs / 60_000),
    'offsets.retention.check.interval.ms': String(config.offsetsRetentionCheckIntervalMs),
    'offset.metadata.max.bytes': String(config.offsetMetadataMaxBytes),
    'offsets.load.buffer.size': String(config.offsetsLoadBufferSize),
    'offsets.commit.timeout.ms': String(config.offsetsCommitTimeoutMs),
  };
  if (name in defaults) return defaults[name] ?? null;
  const logDefaults = logConfigToProperties(config.logDefaults);
  for (const [topicName, info] of Object.entries(TOPIC_CONFIG_INFO)) {
    if (info.brokerName === name) return logDefaults[topicName] ?? null;
  }
  return null;
}

function brokerType(name: string): ConfigType {
  const direct = BROKER_TYPES[name];
  if (direct !== undefined) return direct;
  for (const info of Object.values(TOPIC_CONFIG_INFO))
    if (info.brokerName === name) return info.type;
  return ConfigType.STRING;
}

/**
 * The broker's properties: every name fjord understands except the `log.*.hours` / `log.*.minutes`
 * spellings, which are folded into their `*.ms` property when the config is parsed. A property
 * set at start-up is STATIC_BROKER_CONFIG, the rest DEFAULT_CONFIG with their built-in value.
 * All are read-only: fjord has no dynamic broker configs.
 */
export function brokerConfigEntries(
  config: BrokerConfig,
  options: ConfigEntryOptions = {},
): ConfigEntry[] {
  const include = wanted(options);
  const out: ConfigEntry[] = [];
  for (const name of BROKER_PROPERTIES) {
    // `log.*.hours` / `log.*.minutes` are folded into their `.ms` property; other names stay.
    const folded =
      name.startsWith('log.') && (name.endsWith('.hours') || name.endsWith('.minutes'));
    if (folded || !include(name)) continue;
    const set = config.properties[name];
    const source =
      set === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
    const value = set ?? brokerDefault(config, name);
    out.push({
      name,
      value,
      readOnly: true,
      configSource: source,
      isSensitive: false,
      synonyms: options.includeSynonyms === true ? [{ name, value, source }] : [],
      configType: brokerType(name),
      documentation: null,
    });
  }
  return out;
}
