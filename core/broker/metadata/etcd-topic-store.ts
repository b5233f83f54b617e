/**
 * The {@link TopicStore} face of {@link EtcdMetadataStore}: reads from its cache, changes through
 * its compare-and-swap transactions, and etcd being unreachable answered as a retriable Kafka
 * error.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { ReplicaAssignment, TopicMetadata, TopicStore } from '../broker-context.js';
import type { EtcdMetadataStore } from './etcd-metadata-store.js';

/**
 * A failure to reach etcd as Kafka's REQUEST_TIMED_OUT (retriable): the client retries, and a
 * change whose answer was lost is found committed (or not) by the retry.
 */
function asKafkaError(err: unknown): never {
  if (err instanceof FjordError) throw err;
  throw new FjordError(
    `the metadata store is unavailable: ${String(err)}`,
    ErrorCode.REQUEST_TIMED_OUT,
    {
      cause: err,
    },
  );
}

/** See the module comment. */
export class EtcdTopicStore implements TopicStore {
  constructor(private readonly store: EtcdMetadataStore) {}

  list(): readonly TopicMetadata[] {
    return [...this.store.current.topics.values()].map((t) => t.value);
  }

  get(name: string): TopicMetadata | undefined {
    return this.store.current.topics.get(name)?.value;
  }

  create(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
    replicationFactor = 1,
    assignment?: ReplicaAssignment,
  ): Promise<TopicMetadata> {
    return this.store
      .createTopic(name, partitionCount, configs, replicationFactor, assignment)
      .catch(asKafkaError);
  }

  delete(name: string): Promise<void> {
    return this.store.deleteTopic(name).catch(asKafkaError);
  }

  setConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<TopicMetadata> {
    return this.store.updateTopic(name, (t) => ({ ...t, configs })).catch(asKafkaError);
  }

  setPartitionCount(
    name: string,
    partitionCount: number,
    assignment?: ReplicaAssignment,
  ): Promise<TopicMetadata> {
    return this.store
      .updateTopic(name, (t) => ({ ...t, partitionCount }), undefined, assignment)
      .catch(asKafkaError);
  }
}
