/**
 * DeleteTopics (API key 20), v1–6. v1–5 name topics; v6 names each topic or gives its id (not
 * both). Per-topic errors: UNKNOWN_TOPIC_OR_PARTITION (3) for an unknown name or id (Kafka answers
 * an unknown id with UNKNOWN_TOPIC_ID (100), which fjord does not send; see kafka-protocol.md §5),
 * INVALID_REQUEST (42) for a topic named twice or a v6 entry with both or neither of name and id.
 *
 * With `delete.topic.enable=false` every topic fails, as in Kafka: TOPIC_DELETION_DISABLED (73)
 * from v3, INVALID_REQUEST (42) for v1–2, which predate code 73.
 */
import type { ApiKey, DeletableTopicResult } from '../../protocol/messages/index.js';
import { ZERO_UUID } from '../../protocol/plan.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext, Handler } from '../broker-context.js';
import { sequentially } from '../config-alter.js';
import { deleteTopic, toErrorResult } from '../topic-admin.js';

interface Target {
  readonly name: string | null;
  readonly topicId: string;
}

/** The DeleteTopics handler. */
export const deleteTopicsHandler: Handler<typeof ApiKey.DELETE_TOPICS> = async (
  broker,
  request,
  ctx,
) => {
  const version = ctx.header.apiVersion;
  const targets: readonly Target[] =
    version >= 6
      ? (request.topics ?? [])
      : (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
  const key = (t: Target): string => t.name ?? `id:${t.topicId}`;
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  const responses = await sequentially(targets, async (target): Promise<DeletableTopicResult> => {
    try {
      if ((counts.get(key(target)) ?? 0) > 1) {
        throw new FjordError('The topic is named more than once.', ErrorCode.INVALID_REQUEST);
      }
      if (!broker.config.deleteTopicEnable) {
        throw new FjordError(
          'Topic deletion is disabled (delete.topic.enable=false).',
          version >= 3 ? ErrorCode.TOPIC_DELETION_DISABLED : ErrorCode.INVALID_REQUEST,
        );
      }
      const topic = await deleteTopic(broker, resolve(broker, target));
      return {
        name: topic.name,
        topicId: topic.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      };
    } catch (err) {
      const { errorCode, errorMessage } = toErrorResult(err);
      return {
        name: version >= 6 ? target.name : (target.name ?? ''),
        topicId: target.topicId,
        errorCode,
        errorMessage,
      };
    }
  });
  return { throttleTimeMs: 0, responses };
};

/** The name of the topic a target means. */
function resolve(broker: BrokerContext, target: Target): string {
  const byId = target.topicId !== ZERO_UUID;
  if (target.name !== null && byId) {
    throw new FjordError(
      'You may not specify both topic name and topic id.',
      ErrorCode.INVALID_REQUEST,
    );
  }
  if (target.name !== null) return target.name;
  if (!byId) {
    throw new FjordError('Neither topic name nor id were specified.', ErrorCode.INVALID_REQUEST);
  }
  const topic = broker.topics.list().find((t) => t.topicId === target.topicId);
  if (topic === undefined) {
    throw new FjordError(
      `No topic has the id ${target.topicId}.`,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  }
  return topic.name;
}
