/**
 * FindCoordinator (API key 10), versions 0-4: every group's coordinator is this broker, which
 * leads every partition of `__consumer_offsets`; the topic is created here on first use, as Kafka
 * does, and COORDINATOR_NOT_AVAILABLE (retriable) answers while it cannot be. v4 batches keys.
 * fjord has no transaction coordinator, so key type 1 (transaction) is refused with
 * INVALID_REQUEST: a non-retriable code every client knows (kafka-protocol.md §5), which fails a
 * transactional producer at once, as InitProducerId does, instead of leaving it retrying.
 */
import type { ApiKey, Coordinator } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { advertisedEndpoint } from '../node-endpoint.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;
/** The first version that batches keys. */
const MIN_BATCHED_VERSION = 4;

type Answer = Omit<Coordinator, 'key'>;

function refused(errorCode: ErrorCode, errorMessage: string): Answer {
  return { nodeId: -1, host: '', port: -1, errorCode, errorMessage };
}

function coordinatorFor(broker: BrokerContext, keyType: number): Answer {
  if (keyType === TRANSACTION_KEY_TYPE)
    return refused(ErrorCode.INVALID_REQUEST, 'fjord has no transaction coordinator.');
  if (keyType !== GROUP_KEY_TYPE)
    return refused(ErrorCode.INVALID_REQUEST, `Unknown coordinator type ${keyType}.`);
  const errorCode = broker.groups.findCoordinator();
  if (errorCode !== ErrorCode.NONE) return refused(errorCode, 'The coordinator is not available.');
  const { host, port } = advertisedEndpoint(broker.config);
  return { nodeId: broker.config.nodeId, host, port, errorCode, errorMessage: null };
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
        ...coordinatorFor(broker, keyType),
      })),
    };
  }
  return { throttleTimeMs: 0, ...coordinatorFor(broker, keyType) };
};
