/**
 * Metadata (API key 3), v0–9: the live brokers and the controller as the cluster view has them
 * (this node alone on a single broker), and the topics asked for, each partition with its leader,
 * leader epoch, replicas and in-sync replicas. A partition without a live leader answers
 * LEADER_NOT_AVAILABLE (retriable) with leader -1; replicas whose broker is down are listed as
 * offline.
 *
 * - `topics: null` (v1+) lists every topic except Kafka's internal ones; `[]` lists none, except
 *   in v0, where `[]` means all.
 * - A requested topic that does not exist is created with the broker defaults when auto-creation
 *   is allowed: `auto.create.topics.enable` and, from v4, the request's
 *   `allow_auto_topic_creation` (v0–3 always allow it, as Kafka does). Internal topics are never
 *   auto-created here. Otherwise it is UNKNOWN_TOPIC_OR_PARTITION (3); an illegal name is
 *   INVALID_TOPIC_EXCEPTION (17) either way.
 * - An auto-created topic is answered with its partitions once the store committed it.
 * - `controller_id` is never -1 (kafkajs sends admin requests and InitProducerId to the
 *   controller, and the Java admin client loops on -1, kafka-protocol.md §4): while a cluster
 *   has no elected controller this node is named, and any broker serves admin requests anyway.
 */
import type { ApiKey, MetadataResponseTopic } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler, TopicMetadata } from '../broker-context.js';
import { advertisedEndpoint } from '../node-endpoint.js';
import { createTopic, isInternalTopic, toErrorResult, validateTopicName } from '../topic-admin.js';

/** "Authorized operations not requested / not computed": Kafka's INT32_MIN sentinel. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The Metadata handler. */
export const metadataHandler: Handler<typeof ApiKey.METADATA> = async (broker, request, ctx) => {
  const version = ctx.header.apiVersion;
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
    topics = [];
    for (const name of names) topics.push(await requestedTopic(broker, name, autoCreate));
  }
  const controllerId = broker.cluster.controllerId();
  return {
    throttleTimeMs: 0,
    brokers: liveBrokers(broker),
    clusterId: broker.clusterId,
    controllerId: controllerId < 0 ? broker.config.nodeId : controllerId,
    topics,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
};

/** The live brokers; this node always, with its advertised address, even before it registered. */
function liveBrokers(
  broker: BrokerContext,
): { nodeId: number; host: string; port: number; rack: string | null }[] {
  const self = broker.config.nodeId;
  const { host, port } = advertisedEndpoint(broker.config);
  const others = broker.cluster
    .liveBrokers()
    .filter((b) => b.nodeId !== self)
    .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
  return [{ nodeId: self, host, port, rack: broker.config.rack }, ...others].sort(
    (a, b) => a.nodeId - b.nodeId,
  );
}

async function requestedTopic(
  broker: BrokerContext,
  name: string,
  autoCreate: boolean,
): Promise<MetadataResponseTopic> {
  const existing = broker.topics.get(name);
  if (existing !== undefined) return topicMetadata(broker, existing);
  try {
    validateTopicName(name);
    if (!autoCreate || isInternalTopic(name)) {
      return errorTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return topicMetadata(broker, await createTopic(broker, name, -1, -1, {}));
  } catch (err) {
    // Another broker auto-created it first: answer with theirs.
    const raced = broker.topics.get(name);
    if (
      err instanceof FjordError &&
      err.code === ErrorCode.TOPIC_ALREADY_EXISTS &&
      raced !== undefined
    )
      return topicMetadata(broker, raced);
    const { errorCode, errorMessage } = toErrorResult(err);
    if (errorCode !== ErrorCode.INVALID_TOPIC_EXCEPTION) {
      broker.logger.warn({ topic: name, errorCode, errorMessage }, 'auto-create failed');
    }
    return errorTopic(name, errorCode);
  }
}

function topicMetadata(broker: BrokerContext, topic: TopicMetadata): MetadataResponseTopic {
  const live = new Set(broker.cluster.liveBrokers().map((b) => b.nodeId));
  live.add(broker.config.nodeId);
  const partitions = [];
  for (let p = 0; p < topic.partitionCount; p++) {
    const state = broker.cluster.partitionState(topic.name, p);
    const leader = state?.leader ?? -1;
    const leaderLive = leader >= 0 && live.has(leader);
    partitions.push({
      errorCode: leaderLive ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex: p,
      leaderId: leaderLive ? leader : -1,
      leaderEpoch: state?.leaderEpoch ?? -1,
      replicaNodes: [...(state?.replicas ?? [])],
      isrNodes: [...(state?.isr ?? [])],
      offlineReplicas: (state?.replicas ?? []).filter((id) => !live.has(id)),
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
