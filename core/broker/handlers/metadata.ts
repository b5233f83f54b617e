/**
 * Metadata (API key 3), v0–9: this node as the only broker and the controller, and the topics
 * asked for.
 *
 * - `topics: null` (v1+) lists every topic except Kafka's internal ones; `[]` lists none, except
 *   in v0, where `[]` means all.
 * - A requested topic that does not exist is created with the broker defaults when auto-creation
 *   is allowed: `auto.create.topics.enable` and, from v4, the request's
 *   `allow_auto_topic_creation` (v0–3 always allow it, as Kafka does). Internal topics are never
 *   auto-created here. Otherwise it is UNKNOWN_TOPIC_OR_PARTITION (3); an illegal name is
 *   INVALID_TOPIC_EXCEPTION (17) either way.
 * - An auto-created topic is answered with its partitions right away (creation is synchronous
 *   here, so there is no LEADER_NOT_AVAILABLE phase).
 * - `controller_id` is this node, never -1: kafkajs sends admin requests and InitProducerId to the
 *   controller, and the Java admin client loops on -1 (kafka-protocol.md §4).
 */
import type { ApiKey, MetadataResponseTopic } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler, TopicMetadata } from '../broker-context.js';
import { advertisedEndpoint } from '../node-endpoint.js';
import { createTopic, isInternalTopic, toErrorResult, validateTopicName } from '../topic-admin.js';

/** "Authorized operations not requested / not computed": Kafka's INT32_MIN sentinel. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The Metadata handler. */
export const metadataHandler: Handler<typeof ApiKey.METADATA> = (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
  const { host, port } = advertisedEndpoint(broker.config);
  const requested = request.topics;
  let topics: MetadataResponseTopic[];
  if (requested === null || (version === 0 && requested.length === 0)) {
    topics = broker.topics
      .list()
      .filter((t) => !isInternalTopic(t.name))
      .map((t) => topicMetadata(broker, t));
  } else {
    const autoCreate =
      broker.config.autoCreateTopicsEnable &&
      (version < 4 || (request.allowAutoTopicCreation ?? true));
    const names = [...new Set(requested.map((t) => t.name))];
    topics = names.map((name) => requestedTopic(broker, name, autoCreate));
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.config.nodeId, host, port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.config.nodeId,
    topics,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
};

function requestedTopic(
  broker: BrokerContext,
  name: string,
  autoCreate: boolean,
): MetadataResponseTopic {
  const existing = broker.topics.get(name);
  if (existing !== undefined) return topicMetadata(broker, existing);
  try {
    validateTopicName(name);
    if (!autoCreate || isInternalTopic(name)) {
      return errorTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return topicMetadata(broker, createTopic(broker, name, -1, -1, {}));
  } catch (err) {
    const { errorCode, errorMessage } = toErrorResult(err);
    if (errorCode !== ErrorCode.INVALID_TOPIC_EXCEPTION) {
      broker.logger.warn({ topic: name, errorCode, errorMessage }, 'auto-create failed');
    }
    return errorTopic(name, errorCode);
  }
}

function topicMetadata(broker: BrokerContext, topic: TopicMetadata): MetadataResponseTopic {
  const nodeId = broker.config.nodeId;
  const partitions = [];
  for (let p = 0; p < topic.partitionCount; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string, errorCode: number): MetadataResponseTopic {
  return {
    errorCode,
    name,
    isInternal: isInternalTopic(name),
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
