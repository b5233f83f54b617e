import { ConfigError } from '../util/errors.js';

/** What happens to old data: deleted by retention, compacted by key, or both. */
export const CleanupPolicy = {
  DELETE: 'delete',
  COMPACT: 'compact',
  COMPACT_DELETE: 'compact,delete',
} as const;
export type CleanupPolicy = (typeof CleanupPolicy)[keyof typeof CleanupPolicy];

/** Per-topic log configuration, in camelCase with units in the names. */
export interface LogConfig {
  /** `segment.bytes`: roll the active segment when appending would pass this size. */
  readonly segmentBytes: number;
  /** `segment.ms`: roll the active segment once it is this old and not empty. */
  readonly segmentMs: number;
  /** `retention.ms`: delete segments whose newest record is older; -1 keeps forever. */
  readonly retentionMs: number;
  /** `retention.bytes`: delete the oldest segments while the log is larger; -1 = unbounded. */
  readonly retentionBytes: number;
  /** `cleanup.policy`. */
  readonly cleanupPolicy: CleanupPolicy;
  /** `delete.retention.ms`: how long tombstones survive compaction. */
  readonly deleteRetentionMs: number;
  /** `min.compaction.lag.ms`: records younger than this are not compacted. */
  readonly minCompactionLagMs: number;
  /** `max.message.bytes`: the largest batch accepted. */
  readonly maxMessageBytes: number;
  /** `message.timestamp.type`: `CreateTime` keeps producer timestamps, `LogAppendTime` stamps. */
  readonly messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** `flush.messages`: fsync after this many records; Kafka's default leaves it to the OS. */
  readonly flushMessages: number;
  /** `flush.ms`: fsync when the oldest unflushed append is this old. */
  readonly flushMs: number;
  /** `index.interval.bytes`: bytes of log between two offset-index entries. */
  readonly indexIntervalBytes: number;
  /** `segment.index.bytes`: the most a segment's offset index may hold; rolls when full. */
  readonly segmentIndexBytes: number;
  /** `min.insync.replicas`: replicas that must hold an acks=all write (used by replication). */
  readonly minInsyncReplicas: number;
  /** `unclean.leader.election.enable`: whether an out-of-sync replica may become leader. */
  readonly uncleanLeaderElectionEnable: boolean;
  /**
   * `compression.type`: only `producer` — fjord stores batches exactly as producers compressed
   * them and never recompresses.
   */
  readonly compressionType: 'producer';
}

/** Kafka's defaults (`flush.*` leave durability to the page cache and replication, as Kafka does). */
export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: CleanupPolicy.DELETE,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCompactionLagMs: 0,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  minInsyncReplicas: 1,
  uncleanLeaderElectionEnable: false,
  compressionType: 'producer',
};

type Parser = (value: string, name: string) => LogConfig[keyof LogConfig];

function integer(min: number): Parser {
  return (value, name) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new ConfigError(`${name}=${value}: expected an integer ≥ ${min}`);
    }
    return n;
  };
}

const bool: Parser = (value, name) => {
  if (value !== 'true' && value !== 'false')
    throw new ConfigError(`${name}=${value}: expected true or false`);
  return value === 'true';
};

function oneOf<T extends string>(values: readonly T[]): (value: string, name: string) => T {
  return (value, name) => {
    const normalized = value
      .split(',')
      .map((v) => v.trim())
      .sort()
      .join(',');
    const found = values.find((v) => v === normalized);
    if (found === undefined)
      throw new ConfigError(`${name}=${value}: expected one of ${values.join(' | ')}`);
    return found;
  };
}

/** Kafka's topic property names mapped to {@link LogConfig} fields and their parsers. */
const PROPERTIES: Readonly<Record<string, readonly [keyof LogConfig, Parser]>> = {
  'segment.bytes': ['segmentBytes', integer(14)],
  'segment.ms': ['segmentMs', integer(1)],
  'retention.ms': ['retentionMs', integer(-1)],
  'retention.bytes': ['retentionBytes', integer(-1)],
  'cleanup.policy': ['cleanupPolicy', oneOf(Object.values(CleanupPolicy))],
  'delete.retention.ms': ['deleteRetentionMs', integer(0)],
  'min.compaction.lag.ms': ['minCompactionLagMs', integer(0)],
  'max.message.bytes': ['maxMessageBytes', integer(0)],
  'message.timestamp.type': [
    'messageTimestampType',
    oneOf(['CreateTime', 'LogAppendTime'] as const),
  ],
  'flush.messages': ['flushMessages', integer(1)],
  'flush.ms': ['flushMs', integer(0)],
  'index.interval.bytes': ['indexIntervalBytes', integer(0)],
  'segment.index.bytes': ['segmentIndexBytes', integer(8)],
  'min.insync.replicas': ['minInsyncReplicas', integer(1)],
  'unclean.leader.election.enable': ['uncleanLeaderElectionEnable', bool],
  'compression.type': ['compressionType', oneOf(['producer'] as const)],
};

/** The Kafka property names a topic config accepts. */
export const LOG_CONFIG_NAMES: readonly string[] = Object.keys(PROPERTIES);

/**
 * Builds a {@link LogConfig} from Kafka-named properties over a base config. Unknown names and
 * malformed values throw {@link ConfigError}.
 *
 * @example
 * ```ts
 * const config = parseLogConfig({ 'cleanup.policy': 'compact', 'segment.bytes': '1048576' });
 * ```
 */
export function parseLogConfig(
  properties: Readonly<Record<string, string>>,
  base: LogConfig = DEFAULT_LOG_CONFIG,
): LogConfig {
  const result: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(properties)) {
    const entry = Object.hasOwn(PROPERTIES, name) ? PROPERTIES[name] : undefined;
    if (entry === undefined) throw new ConfigError(`unknown topic config ${name}`);
    const [field, parse] = entry;
    result[field] = parse(value, name);
  }
  return result as unknown as LogConfig;
}

/** The Kafka-named properties of a config, as strings (what DescribeConfigs reports). */
export function logConfigToProperties(config: LogConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [field]] of Object.entries(PROPERTIES)) out[name] = String(config[field]);
  return out;
}

/** Whether the policy compacts. */
export function compacts(policy: CleanupPolicy): boolean {
  return policy !== CleanupPolicy.DELETE;
}

/** Whether the policy deletes by retention. */
export function deletes(policy: CleanupPolicy): boolean {
  return policy !== CleanupPolicy.COMPACT;
}
