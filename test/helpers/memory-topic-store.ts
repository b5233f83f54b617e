import type { TopicMetadata, TopicStore } from '../../core/broker/broker-context.js';
import { ErrorCode } from '../../core/util/error-codes.js';
import { FjordError } from '../../core/util/errors.js';

/** A {@link TopicStore} in memory, for data-plane tests; topic ids are counters. */
export class MemoryTopicStore implements TopicStore {
  private readonly topics = new Map<string, TopicMetadata>();
  private nextId = 0;

  list(): readonly TopicMetadata[] {
    return [...this.topics.values()];
  }

  get(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  create(
    name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>>,
  ): TopicMetadata {
    if (this.topics.has(name))
      throw new FjordError(`topic ${name} exists`, ErrorCode.TOPIC_ALREADY_EXISTS);
    const topicId = Buffer.alloc(16, this.nextId++).toString('base64url');
    const topic: TopicMetadata = { name, topicId, partitionCount, configs: { ...configs } };
    this.topics.set(name, topic);
    return topic;
  }

  delete(name: string): void {
    if (!this.topics.delete(name))
      throw new FjordError(`unknown topic ${name}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }

  setConfigs(name: string, configs: Readonly<Record<string, string>>): TopicMetadata {
    return this.replace(name, { configs: { ...configs } });
  }

  setPartitionCount(name: string, partitionCount: number): TopicMetadata {
    return this.replace(name, { partitionCount });
  }

  private replace(name: string, change: Partial<TopicMetadata>): TopicMetadata {
    const topic = this.topics.get(name);
    if (topic === undefined)
      throw new FjordError(`unknown topic ${name}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const updated = { ...topic, ...change };
    this.topics.set(name, updated);
    return updated;
  }
}
