import type { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import type { MetadataResponse } from '../protocol/messages/metadata.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import {
  check,
  EARLIEST_TIMESTAMP,
  fetchMetadata,
  LATEST_TIMESTAMP,
  listOffsets,
  partitionsByLeader,
  type ListedOffset,
} from './admin-requests.js';
import { defaultBootstrap } from './bootstrap.js';
import { Cluster } from './cluster.js';
import { GroupAdmin } from './group-admin.js';
import { PartitionAdmin } from './partition-admin.js';

export { parseBootstrap } from './bootstrap.js';
export type { ListedOffset } from './admin-requests.js';

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

/** Which offset {@link Admin.listOffsets} asks for: the ends of the log, or a time in ms. */
/** What {@link Admin.describeCluster} reports. */
export interface ClusterDescription {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly { nodeId: number; host: string; port: number; rack: string | null }[];
}

/** One config of a topic or broker. */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** True unless the value was set on the topic itself. */
  readonly isDefault: boolean;
}

export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: number };

/**
 * A small admin client: what the `fjord topics` and `fjord groups` verbs need. It speaks to any
 * Kafka-protocol broker, picking API versions both sides support; topic requests go to the
 * bootstrap broker, partition requests to the leader and group requests to the coordinator
 * (see {@link Admin.groups}).
 *
 * @example
 * ```ts
 * const admin = await Admin.connect('127.0.0.1:9092');
 * await admin.createTopic('orders', 6, 1, { 'retention.ms': '86400000' });
 * console.log(await admin.listTopics());
 * console.log(await admin.groups.list());
 * await admin.close();
 * ```
 */
export class Admin {
  /** Consumer-group operations: list, describe, committed offsets, reset, delete. */
  readonly groups: GroupAdmin;
  /** Replica operations at the controller: leader elections and reassignments. */
  readonly partitions: PartitionAdmin;

  private constructor(private readonly cluster: Cluster) {
    this.groups = new GroupAdmin(cluster);
    this.partitions = new PartitionAdmin(cluster);
  }

  /**
   * Connects to the first reachable broker of `bootstrap` (`host:port[,host:port]`, default
   * `$FJORD_BOOTSTRAP_SERVERS`, else `127.0.0.1:9092`).
   */
  static async connect(bootstrap?: string, clientId = 'fjord-admin'): Promise<Admin> {
    return new Admin(
      await Cluster.connect({ bootstrap: bootstrap ?? defaultBootstrap(), clientId }),
    );
  }

  /** A connection for topic and config requests: the bootstrap broker while it is up. */
  private connection(): Promise<KafkaConnection> {
    return this.cluster.anyConnection();
  }

  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return fetchMetadata(this.cluster, topics);
  }

  /**
   * The offset of each partition of `topic` (or of `partitions`) for `spec`, asked of each
   * partition's leader. For a timestamp, the first offset whose record time is at least it, or
   * offset -1 when there is none.
   *
   * @example
   * ```ts
   * const ends = await admin.listOffsets('orders', 'latest');
   * const anHourAgo = await admin.listOffsets('orders', { timestamp: Date.now() - 3_600_000 });
   * ```
   */
  async listOffsets(
    topic: string,
    spec: OffsetSpec,
    partitions?: readonly number[],
  ): Promise<Map<number, ListedOffset>> {
    const timestamp =
      spec === 'earliest'
        ? EARLIEST_TIMESTAMP
        : spec === 'latest'
          ? LATEST_TIMESTAMP
          : spec.timestamp;
    return listOffsets(this.cluster, topic, timestamp, partitions);
  }

  /**
   * Creates a topic. With `assignment` (one replica list per partition, preferred leader first)
   * the replicas are placed by hand and `partitions`/`replicationFactor` are ignored.
   *
   * @example
   * ```ts
   * await admin.createTopic('orders', 6, 3, { 'min.insync.replicas': '2' });
   * await admin.createTopic('pinned', 0, 0, {}, [[1, 2], [2, 3]]);
   * ```
   */
  async createTopic(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Readonly<Record<string, string>> = {},
    assignment?: readonly (readonly number[])[],
  ): Promise<void> {
    const connection = await this.connection();
    const response = await connection.send(
      ApiKey.CREATE_TOPICS,
      connection.pickVersion(ApiKey.CREATE_TOPICS, 7),
      {
        topics: [
          {
            name,
            // A manual assignment sets both; Kafka wants -1 for them then.
            numPartitions: assignment === undefined ? partitions : -1,
            replicationFactor: assignment === undefined ? replicationFactor : -1,
            assignments: (assignment ?? []).map((brokerIds, partitionIndex) => ({
              partitionIndex,
              brokerIds: [...brokerIds],
            })),
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
    const connection = await this.connection();
    const version = connection.pickVersion(ApiKey.DELETE_TOPICS, 6);
    const response = await connection.send(ApiKey.DELETE_TOPICS, version, {
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
    const connection = await this.connection();
    const response = await connection.send(
      ApiKey.INCREMENTAL_ALTER_CONFIGS,
      connection.pickVersion(ApiKey.INCREMENTAL_ALTER_CONFIGS, 1),
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
    const offsets = async (spec: OffsetSpec): Promise<Map<number, number>> =>
      new Map([...(await this.listOffsets(name, spec))].map(([p, o]) => [p, o.offset]));
    const [starts, ends] = [await offsets('earliest'), await offsets('latest')];
    const configs = await this.describeConfigs('topic', name);
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
      configs: configs.map((c) => ({ name: c.name, value: c.value, isDefault: c.isDefault })),
    };
  }

  /**
   * Grows `topic` to `totalCount` partitions (Kafka never shrinks a topic).
   *
   * @example
   * ```ts
   * await admin.createPartitions('orders', 12);
   * ```
   */
  async createPartitions(topic: string, totalCount: number): Promise<void> {
    const connection = await this.connection();
    const response = await connection.send(
      ApiKey.CREATE_PARTITIONS,
      connection.pickVersion(ApiKey.CREATE_PARTITIONS, 3),
      {
        topics: [{ name: topic, count: totalCount, assignments: null }],
        timeoutMs: 30_000,
        validateOnly: false,
      },
    );
    for (const r of response.results)
      check(r.errorCode, r.errorMessage, `create partitions of ${topic}`);
  }

  /**
   * Deletes the records of each given partition below its offset (-1: up to the high watermark),
   * asking each partition's leader; resolves with the new log start offsets.
   *
   * @example
   * ```ts
   * const starts = await admin.deleteRecords('orders', new Map([[0, 1000]]));
   * ```
   */
  async deleteRecords(
    topic: string,
    beforeOffsets: ReadonlyMap<number, number>,
  ): Promise<Map<number, number>> {
    const byLeader = await partitionsByLeader(this.cluster, topic, [...beforeOffsets.keys()]);
    const starts = new Map<number, number>();
    for (const [leader, partitions] of byLeader) {
      const connection = await this.cluster.connection(leader);
      const response = await connection.send(
        ApiKey.DELETE_RECORDS,
        connection.pickVersion(ApiKey.DELETE_RECORDS, 2),
        {
          topics: [
            {
              name: topic,
              partitions: partitions.map((p) => ({
                partitionIndex: p,
                offset: beforeOffsets.get(p) ?? -1,
              })),
            },
          ],
          timeoutMs: 30_000,
        },
      );
      for (const p of response.topics.flatMap((t) => t.partitions)) {
        check(p.errorCode, null, `delete records of ${topic}-${p.partitionIndex}`);
        starts.set(p.partitionIndex, p.lowWatermark);
      }
    }
    return starts;
  }

  /**
   * The cluster id, controller and brokers (DescribeCluster where the broker has it, else
   * Metadata).
   *
   * @example
   * ```ts
   * const { clusterId, brokers } = await admin.describeCluster();
   * ```
   */
  async describeCluster(): Promise<ClusterDescription> {
    const metadata = await this.metadata([]);
    return {
      clusterId: metadata.clusterId ?? null,
      controllerId: metadata.controllerId ?? -1,
      brokers: metadata.brokers.map((b) => ({
        nodeId: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack ?? null,
      })),
    };
  }

  /**
   * The configs of a topic (resource type 2) or a broker (type 4, named by its node id), with
   * their values and whether each is a default.
   *
   * @example
   * ```ts
   * const configs = await admin.describeConfigs('topic', 'orders');
   * ```
   */
  async describeConfigs(type: 'topic' | 'broker', name: string): Promise<ConfigEntry[]> {
    const connection = await this.connection();
    const response = await connection.send(
      ApiKey.DESCRIBE_CONFIGS,
      connection.pickVersion(ApiKey.DESCRIBE_CONFIGS, 4),
      {
        resources: [
          { resourceType: type === 'topic' ? 2 : 4, resourceName: name, configurationKeys: null },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      },
    );
    const result = response.results[0];
    if (result === undefined) return [];
    check(result.errorCode, result.errorMessage, `describe configs of ${type} ${name}`);
    return result.configs.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      isDefault: c.configSource !== CONFIG_SOURCE_DYNAMIC_TOPIC,
    }));
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }
}
