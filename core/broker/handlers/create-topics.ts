/**
 * CreateTopics (API key 19), v2–7.
 *
 * Each topic is validated and created on its own; failures are per-topic error codes with
 * messages: INVALID_TOPIC_EXCEPTION (17), TOPIC_ALREADY_EXISTS (36), INVALID_PARTITIONS (37),
 * INVALID_REPLICATION_FACTOR (38), INVALID_REPLICA_ASSIGNMENT (39), INVALID_CONFIG (40), and
 * INVALID_REQUEST (42) for a topic named twice in one request. `validate_only` runs every check
 * and reports what would be created (with the zero topic id), creating nothing. v5+ answers carry the partition count,
 * replication factor and every topic config; v7 the topic id.
 *
 * A manual replica assignment places partitions 0..n-1 on registered brokers, all with the same
 * number of replicas (numPartitions and replicationFactor must then be -1, as in Kafka).
 */
import type {
  ApiKey,
  CreatableTopic,
  CreatableTopicConfigs,
  CreatableTopicResult,
} from '../../protocol/messages/index.js';
import { ZERO_UUID } from '../../protocol/plan.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type {
  BrokerContext,
  Handler,
  ReplicaAssignment,
  TopicMetadata,
} from '../broker-context.js';
import { topicConfigEntries } from '../config-entries.js';
import { sequentially } from '../config-alter.js';
import {
  checkAssignment,
  configMap,
  createTopic,
  planTopic,
  toErrorResult,
} from '../topic-admin.js';

/** The CreateTopics handler. */
export const createTopicsHandler: Handler<typeof ApiKey.CREATE_TOPICS> = async (
  broker,
  request,
) => {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const topics = await sequentially(request.topics, async (t): Promise<CreatableTopicResult> => {
    if ((counts.get(t.name) ?? 0) > 1) {
      return failed(t.name, {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Create topics request contains multiple entries for the topic ${t.name}.`,
      });
    }
    try {
      return await created(broker, t, request.validateOnly);
    } catch (err) {
      return failed(t.name, toErrorResult(err));
    }
  });
  return { throttleTimeMs: 0, topics };
};

async function created(
  broker: BrokerContext,
  t: CreatableTopic,
  validateOnly: boolean,
): Promise<CreatableTopicResult> {
  const [partitions, replicationFactor, assignment] = sizeOf(broker, t);
  const configs = configMap(t.configs);
  const plan = planTopic(broker, t.name, partitions, replicationFactor, configs);
  const topic: TopicMetadata = validateOnly
    ? { name: plan.name, topicId: ZERO_UUID, partitionCount: plan.partitionCount, configs }
    : await createTopic(broker, t.name, partitions, replicationFactor, configs, assignment);
  return {
    name: t.name,
    topicId: topic.topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: topic.partitionCount,
    replicationFactor: plan.replicationFactor,
    configs: topicConfigEntries(broker, topic).map((e): CreatableTopicConfigs => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      configSource: e.configSource,
      isSensitive: e.isSensitive,
    })),
  };
}

/**
 * Partition count, replication factor and the manual assignment if there is one (partitions
 * numbered 0..n-1, each on registered brokers, all of one replication factor).
 */
function sizeOf(
  broker: BrokerContext,
  t: CreatableTopic,
): [number, number, ReplicaAssignment | undefined] {
  if (t.assignments.length === 0) return [t.numPartitions, t.replicationFactor, undefined];
  if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
    throw new FjordError(
      'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      ErrorCode.INVALID_REQUEST,
    );
  }
  const byIndex = new Map(t.assignments.map((a) => [a.partitionIndex, a.brokerIds]));
  const assignment: (readonly number[])[] = [];
  for (let p = 0; p < t.assignments.length; p++) {
    const replicas = byIndex.get(p);
    if (replicas === undefined) {
      throw new FjordError(
        `Partitions must be numbered 0 to ${t.assignments.length - 1} in the assignment.`,
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      );
    }
    assignment.push(replicas);
  }
  checkAssignment(broker, assignment);
  return [assignment.length, assignment[0]?.length ?? 1, assignment];
}

function failed(
  name: string,
  error: { readonly errorCode: number; readonly errorMessage: string },
): CreatableTopicResult {
  return {
    name,
    errorCode: error.errorCode,
    errorMessage: error.errorMessage,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}
