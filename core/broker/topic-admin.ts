/**
 * Topic operations shared by the admin handlers (CreateTopics, DeleteTopics, CreatePartitions,
 * AlterConfigs, IncrementalAlterConfigs), by Metadata's auto-create and by whatever else creates
 * topics (the group coordinator's `__consumer_offsets`). Each operation validates first, then
 * persists in the topic store, then changes the partition registry; failures throw
 * {@link FjordError} with Kafka's error code, and handlers turn them into per-topic error codes
 * and messages with {@link toErrorResult}.
 */
import { AssertionError } from '../util/assert.js';
import { ErrorCode } from '../util/error-codes.js';
import { ConfigError, FjordError, StorageError } from '../util/errors.js';
import { LOG_CONFIG_NAMES, parseLogConfig } from '../log/log-config.js';
import type { LogConfig } from '../log/log-config.js';
import type {
  BrokerContext,
  MaybePromise,
  ReplicaAssignment,
  TopicMetadata,
} from './broker-context.js';
import { checkReplicaList } from './metadata/replica-changes.js';

/** Kafka's internal topics: hidden from all-topics Metadata and never auto-created by it. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__transaction_state',
]);

/** Names no client may create (Kafka's KRaft metadata log). */
const RESERVED_TOPICS: ReadonlySet<string> = new Set(['__cluster_metadata']);

/** Kafka's limit: `<topic>-<partition>` folder names must stay within 255 bytes. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/**
 * fjord's limit on partitions per topic. Kafka has none, but every partition is a folder and open
 * files, and one request asking for two billion of them must not take the broker down.
 */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

/** Applies `f` to a value now or later: the local store answers at once, etcd later. */
function andThen<T, U>(value: MaybePromise<T>, f: (t: T) => U): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

const TOPIC_CONFIG_NAMES: ReadonlySet<string> = new Set(LOG_CONFIG_NAMES);

/** Whether `name` is one of Kafka's internal topics. */
export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/**
 * Checks a topic name against Kafka's rules: 1 to 249 characters from `[a-zA-Z0-9._-]`, and not
 * `.` or `..`. Throws {@link FjordError} with INVALID_TOPIC_EXCEPTION (17) and Kafka's message.
 */
export function validateTopicName(name: string): void {
  const invalid = (message: string): FjordError =>
    new FjordError(message, ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (name === '') throw invalid("Topic name is illegal, it can't be empty.");
  if (name === '.' || name === '..') throw invalid('Topic name cannot be "." or "..".');
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw invalid(
      `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`,
    );
  }
  if (!LEGAL_NAME.test(name)) {
    throw invalid(
      `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
}

/**
 * The existing topic whose name collides with `name` in metric names, where Kafka turns `.` into
 * `_` (`a.b` and `a_b`), or undefined.
 */
export function collidingTopic(broker: BrokerContext, name: string): string | undefined {
  const key = name.replaceAll('.', '_');
  return broker.topics.list().find((t) => t.name !== name && t.name.replaceAll('.', '_') === key)
    ?.name;
}

/**
 * Validates per-topic overrides (names in LOG_CONFIG_NAMES, well-formed values) over the broker's
 * defaults and returns the resulting log config. Throws INVALID_CONFIG (40).
 */
export function validateTopicConfigs(
  broker: BrokerContext,
  configs: Readonly<Record<string, string>>,
): LogConfig {
  for (const name of Object.keys(configs)) {
    // Checked here, by set membership, so a name like `constructor` never reaches a lookup.
    if (!TOPIC_CONFIG_NAMES.has(name)) throw new ConfigError(`Unknown topic config name: ${name}`);
  }
  return parseLogConfig(configs, broker.config.logDefaults);
}

/**
 * Turns a request's `{name, value}` config list into a map. A repeated name is INVALID_REQUEST
 * (42), a null value INVALID_CONFIG (40).
 */
export function configMap(
  entries: readonly { readonly name: string; readonly value: string | null }[],
): Record<string, string> {
  // A Map, not an object: names come from the wire, and `__proto__` must stay a plain key.
  const out = new Map<string, string>();
  for (const { name, value } of entries) {
    if (out.has(name)) {
      throw new FjordError(`Config ${name} is given more than once.`, ErrorCode.INVALID_REQUEST);
    }
    if (value === null) {
      throw new FjordError(
        `Null value not supported for config ${name}.`,
        ErrorCode.INVALID_CONFIG,
      );
    }
    out.set(name, value);
  }
  return Object.fromEntries(out);
}

/** A topic that passed validation and may be created. */
export interface NewTopic {
  readonly name: string;
  readonly partitionCount: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  /** The effective log config the partitions will open with. */
  readonly logConfig: LogConfig;
}

/**
 * Validates a topic creation without creating anything (CreateTopics validate_only uses it
 * directly). `partitions` and `replicationFactor` of -1 take `num.partitions` and
 * `default.replication.factor`.
 *
 * @throws FjordError INVALID_TOPIC_EXCEPTION (17) for an illegal or colliding name, INVALID_REQUEST
 *   (42) for a reserved name, TOPIC_ALREADY_EXISTS (36), INVALID_PARTITIONS (37),
 *   INVALID_REPLICATION_FACTOR (38) or INVALID_CONFIG (40).
 */
export function planTopic(
  broker: BrokerContext,
  name: string,
  partitions: number,
  replicationFactor: number,
  configs: Readonly<Record<string, string>>,
): NewTopic {
  validateTopicName(name);
  if (RESERVED_TOPICS.has(name)) {
    throw new FjordError(
      `Creation of internal topic ${name} is prohibited.`,
      ErrorCode.INVALID_REQUEST,
    );
  }
  if (broker.topics.get(name) !== undefined) {
    throw new FjordError(`Topic '${name}' already exists.`, ErrorCode.TOPIC_ALREADY_EXISTS);
  }
  const collision = collidingTopic(broker, name);
  if (collision !== undefined) {
    throw new FjordError(
      `Topic '${name}' collides with existing topic: ${collision}`,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
  }
  const partitionCount = partitions === -1 ? broker.config.numPartitions : partitions;
  checkPartitionCount(partitionCount);
  const rf = replicationFactor === -1 ? broker.config.defaultReplicationFactor : replicationFactor;
  if (!Number.isInteger(rf) || rf < 1) {
    throw new FjordError(
      'Replication factor must be larger than 0, or -1 to use the default value.',
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
  }
  const brokerCount = broker.cluster.liveBrokers().length;
  if (rf > brokerCount) {
    throw new FjordError(
      `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokerCount} broker(s) are registered.`,
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
  }
  const logConfig = validateTopicConfigs(broker, configs);
  return { name, partitionCount, replicationFactor: rf, configs: { ...configs }, logConfig };
}

function checkPartitionCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new FjordError(
      'Number of partitions must be larger than 0, or -1 to use the default value.',
      ErrorCode.INVALID_PARTITIONS,
    );
  }
  if (count > MAX_PARTITIONS_PER_TOPIC) {
    throw new FjordError(
      `Number of partitions ${count} is above fjord's limit of ${MAX_PARTITIONS_PER_TOPIC} per topic.`,
      ErrorCode.INVALID_PARTITIONS,
    );
  }
}

/**
 * Opens partitions `from` to `topic.partitionCount - 1` that this broker holds a replica of, with
 * the topic's effective config (a single broker holds them all).
 */
function openPartitions(broker: BrokerContext, topic: TopicMetadata, from: number): void {
  const config = broker.topicLogConfig(topic);
  const self = broker.config.nodeId;
  for (let p = from; p < topic.partitionCount; p++) {
    if (broker.cluster.partitionState(topic.name, p)?.replicas.includes(self) !== true) continue;
    broker.partitions.open(topic.name, p, config);
  }
}

/**
 * Creates a topic: validates it ({@link planTopic}), persists it in the topic store, then opens
 * every partition with the topic's effective config. If a partition cannot be opened the topic is
 * removed again and KAFKA_STORAGE_ERROR (56) is thrown.
 *
 * @example
 * ```ts
 * const topic = createTopic(broker, 'orders', 3, -1, { 'cleanup.policy': 'compact' });
 * ```
 */
export function createTopic(
  broker: BrokerContext,
  name: string,
  partitions: number,
  replicationFactor: number,
  configs: Readonly<Record<string, string>>,
  assignment?: ReplicaAssignment,
): MaybePromise<TopicMetadata> {
  const plan = planTopic(broker, name, partitions, replicationFactor, configs);
  const created = broker.topics.create(
    plan.name,
    plan.partitionCount,
    plan.configs,
    plan.replicationFactor,
    assignment,
  );
  return andThen(created, (topic) => openCreated(broker, topic));
}

function openCreated(broker: BrokerContext, topic: TopicMetadata): TopicMetadata {
  const name = topic.name;
  try {
    openPartitions(broker, topic, 0);
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    try {
      broker.partitions.deleteTopic(name);
      void Promise.resolve(broker.topics.delete(name)).catch((cleanupErr: unknown) => {
        broker.logger.error(
          { topic: name, err: cleanupErr },
          'cannot undo a failed topic creation',
        );
      });
    } catch (cleanupErr) {
      broker.logger.error({ topic: name, err: cleanupErr }, 'cannot undo a failed topic creation');
    }
    throw new StorageError(`cannot open the partitions of ${name}: ${String(err)}`, {
      cause: err,
    });
  }
  broker.logger.info(
    { topic: name, topicId: topic.topicId, partitions: topic.partitionCount },
    'topic created',
  );
  return topic;
}

/**
 * Deletes a topic: closes and deletes its partitions, then removes it from the store (in that
 * order, so a failure leaves the topic listed and the deletion can be retried, and a crash never
 * leaves old partition folders for a later topic of the same name), then drops the groups'
 * committed offsets of the topic. It does not check
 * `delete.topic.enable`; the DeleteTopics handler does.
 *
 * @throws FjordError UNKNOWN_TOPIC_OR_PARTITION (3) for an unknown topic.
 */
export function deleteTopic(broker: BrokerContext, name: string): MaybePromise<TopicMetadata> {
  const topic = requireTopic(broker, name);
  const finish = (): TopicMetadata => {
    // Committed offsets of a deleted topic are dropped, as Kafka does (a later topic of the same
    // name starts without them).
    if (!isInternalTopic(name)) broker.groups.onTopicDeleted(name);
    broker.logger.info({ topic: name, topicId: topic.topicId }, 'topic deleted');
    return topic;
  };
  if (broker.cluster.kind === 'local') {
    broker.partitions.deleteTopic(name);
    return andThen(broker.topics.delete(name), finish);
  }
  // In a cluster the record goes first: every replica, this one included, deletes its
  // partitions when it sees the record gone.
  return andThen(broker.topics.delete(name), () => {
    broker.partitions.deleteTopic(name);
    return finish();
  });
}

/** The topic named `name`, or FjordError UNKNOWN_TOPIC_OR_PARTITION (3). */
export function requireTopic(broker: BrokerContext, name: string): TopicMetadata {
  const topic = broker.topics.get(name);
  if (topic === undefined) {
    throw new FjordError(
      `This server does not host this topic: ${name}`,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  }
  return topic;
}

/** Whether `topic` exists and has partition `partition` (group APIs check commits with it). */
export function isKnownPartition(broker: BrokerContext, topic: string, partition: number): boolean {
  const metadata = broker.topics.get(topic);
  return metadata !== undefined && partition >= 0 && partition < metadata.partitionCount;
}

/**
 * Validates growing `name` to `count` partitions without doing it; returns the topic as it is.
 *
 * @throws FjordError UNKNOWN_TOPIC_OR_PARTITION (3), or INVALID_PARTITIONS (37) unless `count`
 *   is above the current count and within {@link MAX_PARTITIONS_PER_TOPIC}.
 */
export function planPartitionGrowth(
  broker: BrokerContext,
  name: string,
  count: number,
): TopicMetadata {
  const topic = requireTopic(broker, name);
  if (count === topic.partitionCount) {
    throw new FjordError(`Topic already has ${count} partitions.`, ErrorCode.INVALID_PARTITIONS);
  }
  if (count < topic.partitionCount) {
    throw new FjordError(
      `Topic currently has ${topic.partitionCount} partitions, which is higher than the requested ${count}.`,
      ErrorCode.INVALID_PARTITIONS,
    );
  }
  checkPartitionCount(count);
  return topic;
}

/** Grows `name` to `count` partitions and opens the new ones; see {@link planPartitionGrowth}. */
export function addPartitions(
  broker: BrokerContext,
  name: string,
  count: number,
  assignment?: ReplicaAssignment,
): MaybePromise<TopicMetadata> {
  const before = planPartitionGrowth(broker, name, count);
  return andThen(broker.topics.setPartitionCount(name, count, assignment), (topic) => {
    openPartitions(broker, topic, before.partitionCount);
    broker.logger.info({ topic: name, from: before.partitionCount, to: count }, 'partitions added');
    return topic;
  });
}

/**
 * Replaces a topic's overrides after validating them, and applies the new effective config to
 * every open partition.
 *
 * @throws FjordError UNKNOWN_TOPIC_OR_PARTITION (3) or INVALID_CONFIG (40).
 */
export function setTopicConfigs(
  broker: BrokerContext,
  name: string,
  configs: Readonly<Record<string, string>>,
): MaybePromise<TopicMetadata> {
  requireTopic(broker, name);
  validateTopicConfigs(broker, configs);
  return andThen(broker.topics.setConfigs(name, configs), (topic) => {
    broker.partitions.updateConfig(name, broker.topicLogConfig(topic));
    broker.logger.info({ topic: name, configs }, 'topic configs changed');
    return topic;
  });
}

/** A per-resource error as responses carry it. */
export interface ErrorResult {
  readonly errorCode: number;
  readonly errorMessage: string;
}

/**
 * The error code and message a response carries for a failed topic or resource: a
 * {@link FjordError}'s own code, UNKNOWN_SERVER_ERROR (-1) for anything else. Broken invariants
 * ({@link AssertionError}) are rethrown, never answered.
 */
export function toErrorResult(err: unknown): ErrorResult {
  if (err instanceof AssertionError) throw err;
  if (err instanceof FjordError) return { errorCode: err.code, errorMessage: err.message };
  return {
    errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
    errorMessage: err instanceof Error ? err.message : String(err),
  };
}

/**
 * Checks a manual replica assignment against the registered brokers: every list valid
 * (replica-changes.ts) and all of one length, as Kafka requires.
 *
 * @throws FjordError INVALID_REPLICA_ASSIGNMENT (39).
 */
export function checkAssignment(broker: BrokerContext, assignment: ReplicaAssignment): void {
  const registered = new Set(broker.cluster.liveBrokers().map((b) => b.nodeId));
  for (const replicas of assignment) checkReplicaList(replicas, registered);
  if (new Set(assignment.map((r) => r.length)).size > 1) {
    throw new FjordError(
      'All partitions should have the same number of replicas.',
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
  }
}
