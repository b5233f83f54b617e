/**
 * InitProducerId (API key 22), versions 0-4, for idempotent producers only: a null transactional
 * id always gets a fresh, never-reused producer id with epoch 0; the producer id and epoch a
 * client sends (KIP-360, v3+) are ignored, as Apache does without a transactional id
 * (kafka-protocol.md §3.5). fjord has no transaction coordinator, so a transactional id is
 * refused with INVALID_REQUEST (42): a non-retriable code every client knows (§5), which fails a
 * transactional producer at once instead of leaving it retrying forever.
 */
import type { ApiKey } from '../../protocol/messages/index.js';
import type { InitProducerIdResponse } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Handler } from '../broker-context.js';

function refused(errorCode: ErrorCode): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 };
}

/** Serves InitProducerId v0-4; see the module comment. */
export const initProducerIdHandler: Handler<typeof ApiKey.INIT_PRODUCER_ID> = (broker, request) => {
  if (request.transactionalId !== null) return refused(ErrorCode.INVALID_REQUEST);
  let producerId: number;
  try {
    producerId = broker.producerIds.next();
  } catch (err) {
    if (!(err instanceof FjordError)) throw err;
    broker.logger.error({ err }, 'cannot allocate a producer id');
    return refused(err.code);
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
};
