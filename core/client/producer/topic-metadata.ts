/**
 * Waiting for a topic's metadata on the producer's slow path: the topic is asked for by name (so
 * a broker that allows it creates it) and the cache refreshed until the topic is usable.
 */
import { ApiKey } from '../../protocol/messages/index.js';
import { ErrorCode, errorName, isRetriable } from '../../util/error-codes.js';
import { FjordError, TimeoutError } from '../../util/errors.js';
import type { Cluster, TopicInfo } from '../cluster.js';
import { backoffMs } from './options.js';
import type { ProducerConfig } from './options.js';
import { ProduceError } from './produce-error.js';
import type { Scheduler } from './scheduler.js';

const METADATA_MAX_VERSION = 9;
/** Metadata answers UNKNOWN_TOPIC_OR_PARTITION this often before a send fails. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;

/** Whether cached topic metadata can place records: no error and at least one partition. */
export function usable(info: TopicInfo | undefined): info is TopicInfo {
  return info?.errorCode === ErrorCode.NONE && info.partitions.length > 0;
}

/** Metadata for one topic by name, creating it where allowed; returns the topic's error code. */
async function requestTopic(
  cluster: Cluster,
  topic: string,
  allowAutoTopicCreation: boolean,
): Promise<number> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(
    ApiKey.METADATA,
    connection.pickVersion(ApiKey.METADATA, METADATA_MAX_VERSION),
    { topics: [{ name: topic }], allowAutoTopicCreation },
  );
  return response.topics.find((t) => t.name === topic)?.errorCode ?? ErrorCode.NONE;
}

/**
 * Resolves with `topic`'s metadata once it is usable, refreshing at least once.
 * UNKNOWN_TOPIC_OR_PARTITION fails with {@link ProduceError} after a few answers instead of
 * blocking for max.block.ms as Java does: a missing topic is almost always a mistake, and kafkajs
 * fails fast too. Other retriable answers are retried with backoff until `deadlineMs`, then
 * fail with a `TimeoutError`.
 *
 * @example
 * ```ts
 * const info = await awaitTopic(cluster, 'orders', undefined, config, { scheduler, deadlineMs });
 * ```
 */
export async function awaitTopic(
  cluster: Cluster,
  topic: string,
  requestedPartition: number | undefined,
  config: ProducerConfig,
  wait: { readonly scheduler: Scheduler; readonly deadlineMs: number },
): Promise<TopicInfo> {
  const partition = requestedPartition ?? -1;
  let unknown = 0;
  for (let attempt = 1; ; attempt++) {
    let code: number;
    try {
      code = await requestTopic(cluster, topic, config.allowAutoTopicCreation);
      await cluster.refreshMetadata();
    } catch (err) {
      if (!(err instanceof FjordError) || !err.retriable) throw err;
      code = err.code;
    }
    const info = cluster.cachedTopic(topic);
    if (usable(info)) return info;
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && ++unknown >= UNKNOWN_TOPIC_ATTEMPTS) {
      throw new ProduceError(`topic ${topic} does not exist`, code, topic, partition);
    }
    if (code !== ErrorCode.NONE && !isRetriable(code)) {
      throw new ProduceError(
        `metadata for ${topic}: ${errorName(code)}`,
        code as ErrorCode,
        topic,
        partition,
      );
    }
    const now = wait.scheduler.now();
    if (now >= wait.deadlineMs) {
      throw new TimeoutError(
        `topic ${topic} not present in metadata after ${config.maxBlockMs} ms`,
      );
    }
    const delayMs = Math.min(backoffMs(config, attempt), wait.deadlineMs - now);
    await new Promise<void>((resolve) => wait.scheduler.setTimeout(resolve, delayMs));
  }
}
