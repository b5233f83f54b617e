/**
 * FindCoordinator (API key 10), versions 0-4: a group's coordinator is the leader of its
 * `__consumer_offsets` partition (on a single broker, this broker); the topic is created here on
 * first use, as Kafka does, and COORDINATOR_NOT_AVAILABLE (retriable) answers while it cannot be
 * or while the partition has no live leader. v4 batches keys.
 * fjord has no transaction coordinator, so key type 1 (transaction) is refused with
 * INVALID_REQUEST: a non-retriable code every client knows (kafka-protocol.md §5), which fails a
 * transactional producer at once, as InitProducerId does, instead of leaving it retrying.
 */
import type { ApiKey, Coordinator } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { OFFSETS_TOPIC } from '../group/offsets-topic.js';
import { advertisedEndpoint } from '../node-endpoint.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;
/** The first version that batches keys. */
const MIN_BATCHED_VERSION = 4;

type Answer = Omit<Coordinator, 'key'>;

function refused(errorCode: ErrorCode, errorMessage: string): Answer {
  return { nodeId: -1, host: '', port: -1, errorCode, errorMessage };
}

function coordinatorFor(broker: BrokerContext, keyType: number, key: string): Answer {
  if (keyType === TRANSACTION_KEY_TYPE)
    return refused(ErrorCode.INVALID_REQUEST, 'fjord has no transaction coordinator.');
  if (keyType !== GROUP_KEY_TYPE)
    return refused(ErrorCode.INVALID_REQUEST, `Unknown coordinator type ${keyType}.`);
  const errorCode = broker.groups.findCoordinator();
  if (errorCode !== ErrorCode.NONE) return refused(errorCode, 'The coordinator is not available.');
  const self = broker.config.nodeId;
  const leader = broker.cluster.partitionState(
    OFFSETS_TOPIC,
    broker.groups.partitionFor(key),
  )?.leader;
  if (leader === undefined || leader === self) {
    const { host, port } = advertisedEndpoint(broker.config);
    return { nodeId: self, host, port, errorCode, errorMessage: null };
  }
  const node = broker.cluster.liveBrokers().find((b) => b.nodeId === leader);
  if (node === undefined)
    return refused(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
  return { nodeId: node.nodeId, host: node.host, port: node.port, errorCode, errorMessage: null };
}

/** Serves FindCoordinator v0-4; see the module comment. */
export const findCoordinatorHandler: Handler<typeof ApiKey.FIND_COORDINATOR> = (
  broker,
  request,
  ctx,
) => {
  const keyType = request.keyType ?? GROUP_KEY_TYPE;
  if (ctx.header.apiVersion >= MIN_BATCHED_VERSION) {
    return {
      throttleTimeMs: 0,
      coordinators: (request.coordinatorKeys ?? []).map((key) => ({
        key,
        ...coordinatorFor(broker, keyType, key),
      })),
    };
  }
  return { throttleTimeMs: 0, ...coordinatorFor(broker, keyType, request.key ?? '') };
};
