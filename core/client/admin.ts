import { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import type { MetadataResponse } from '../protocol/messages/metadata.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';

/** A topic as the admin client describes it. */
export interface TopicDescription {
  readonly name: string;
  readonly topicId: string | undefined;
  readonly partitions: readonly {
    readonly partition: number;
    readonly leader: number;
    readonly replicas: readonly number[];
    readonly isr: readonly number[];
    readonly logStartOffset: number;
    readonly logEndOffset: number;
  }[];
  /** Every config with its value; `isDefault` when not overridden on the topic. */
  readonly configs: readonly {
    readonly name: string;
    readonly value: string | null;
    readonly isDefault: boolean;
  }[];
}

const RESOURCE_TOPIC = 2;
const CONFIG_SOURCE_DYNAMIC_TOPIC = 1;

/** Parses `host:port[,host:port]`, defaulting to FJORD_BOOTSTRAP_SERVERS, then 127.0.0.1:9092. */
export function parseBootstrap(value: string | undefined): { host: string; port: number }[] {
  const list = value ?? process.env.FJORD_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
  return list.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    const port = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new FjordError(
        `bad bootstrap server "${entry}": expected host:port`,
        ErrorCode.INVALID_CONFIG,
      );
    }
    return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port };
  });
}

function check(errorCode: number, errorMessage: string | null | undefined, what: string): void {
  if (errorCode !== 0) {
    throw new FjordError(
      `${what}: ${errorName(errorCode)}${errorMessage ? ` (${errorMessage})` : ''}`,
      errorCode as ErrorCode,
    );
  }
}

/**
 * A small admin client over one broker connection: what the `fjord topics` verbs need. It speaks
 * to any Kafka-protocol broker, picking API versions both sides support.
 *
 * @example
 * ```ts
 * const admin = await Admin.connect('127.0.0.1:9092');
 * await admin.createTopic('orders', 6, 1, { 'retention.ms': '86400000' });
 * console.log(await admin.listTopics());
 * await admin.close();
 * ```
 */
export class Admin {
  private constructor(private readonly connection: KafkaConnection) {}

  static async connect(bootstrap?: string, clientId = 'fjord-admin'): Promise<Admin> {
    let lastError: unknown;
    for (const { host, port } of parseBootstrap(bootstrap)) {
      try {
        const connection = await KafkaConnection.connect(host, port, { clientId });
        await connection.apiVersions();
        return new Admin(connection);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('no bootstrap server reachable');
  }

  private version(apiKey: number, clientMax: number): number {
    return this.connection.pickVersion(apiKey, clientMax);
  }

  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return this.connection.send(ApiKey.METADATA, this.version(ApiKey.METADATA, 9), {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
    });
  }

  async createTopic(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const response = await this.connection.send(
      ApiKey.CREATE_TOPICS,
      this.version(ApiKey.CREATE_TOPICS, 7),
      {
        topics: [
          {
            name,
            numPartitions: partitions,
            replicationFactor,
            assignments: [],
            configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })),
          },
        ],
        timeoutMs: 30_000,
        validateOnly: false,
      },
    );
    for (const topic of response.topics)
      check(topic.errorCode, topic.errorMessage, `create topic ${name}`);
  }

  async deleteTopic(name: string): Promise<void> {
    const version = this.version(ApiKey.DELETE_TOPICS, 6);
    const response = await this.connection.send(ApiKey.DELETE_TOPICS, version, {
      ...(version >= 6
        ? { topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }
        : { topicNames: [name] }),
      timeoutMs: 30_000,
    });
    for (const topic of response.responses)
      check(topic.errorCode, topic.errorMessage, `delete topic ${name}`);
  }

  async listTopics(): Promise<string[]> {
    const response = await this.metadata(null);
    return response.topics.map((t) => t.name).sort();
  }

  async alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string | null>>,
  ): Promise<void> {
    const response = await this.connection.send(
      ApiKey.INCREMENTAL_ALTER_CONFIGS,
      this.version(ApiKey.INCREMENTAL_ALTER_CONFIGS, 1),
      {
        resources: [
          {
            resourceType: RESOURCE_TOPIC,
            resourceName: name,
            configs: Object.entries(set).map(([k, v]) => ({
              name: k,
              configOperation: v === null ? 1 : 0,
              value: v,
            })),
          },
        ],
        validateOnly: false,
      },
    );
    for (const r of response.responses) check(r.errorCode, r.errorMessage, `alter topic ${name}`);
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const metadata = await this.metadata([name]);
    const topic = metadata.topics.find((t) => t.name === name);
    if (topic === undefined)
      throw new FjordError(`topic ${name} not found`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    check(topic.errorCode, null, `describe topic ${name}`);
    const offsets = async (timestamp: number): Promise<Map<number, number>> => {
      const response = await this.connection.send(
        ApiKey.LIST_OFFSETS,
        this.version(ApiKey.LIST_OFFSETS, 5),
        {
          replicaId: -1,
          isolationLevel: 0,
          topics: [
            {
              name,
              partitions: topic.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                timestamp,
              })),
            },
          ],
        },
      );
      return new Map(
        response.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.offset])),
      );
    };
    const [starts, ends] = [await offsets(-2), await offsets(-1)];
    const configs = await this.connection.send(
      ApiKey.DESCRIBE_CONFIGS,
      this.version(ApiKey.DESCRIBE_CONFIGS, 4),
      {
        resources: [{ resourceType: RESOURCE_TOPIC, resourceName: name, configurationKeys: null }],
        includeSynonyms: false,
        includeDocumentation: false,
      },
    );
    const result = configs.results[0];
    if (result !== undefined)
      check(result.errorCode, result.errorMessage, `describe configs of ${name}`);
    return {
      name,
      topicId: undefined,
      partitions: [...topic.partitions]
        .sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          logStartOffset: starts.get(p.partitionIndex) ?? -1,
          logEndOffset: ends.get(p.partitionIndex) ?? -1,
        })),
      configs: (result?.configs ?? []).map((c) => ({
        name: c.name,
        value: c.value,
        isDefault: c.configSource !== CONFIG_SOURCE_DYNAMIC_TOPIC,
      })),
    };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
