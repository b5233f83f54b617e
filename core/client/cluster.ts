import { KafkaConnection } from '../network/client-connection.js';
import type { KafkaConnectionOptions } from '../network/client-connection.js';
import { NetworkError } from '../network/errors.js';
import { ApiKey } from '../protocol/messages/index.js';
import type { MetadataResponse } from '../protocol/messages/metadata.js';
import { ErrorCode, errorName } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { silentLogger } from '../util/logger.js';
import type { Logger } from '../util/logger.js';
import { parseBootstrap } from './bootstrap.js';

/** What every fjord client takes to reach a cluster. */
export interface ClientOptions {
  /** `host:port[,host:port]`, or a list of them. */
  readonly bootstrap: string | readonly string[];
  /** Sent in every request header; default `fjord`. */
  readonly clientId?: string;
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Kafka's `metadata.max.age.ms`: cached metadata is refreshed after this; default 5 minutes. */
  readonly metadataMaxAgeMs?: number;
  readonly logger?: Logger;
}

/** One partition as metadata describes it. */
export interface PartitionInfo {
  readonly partition: number;
  /** Leader node id; -1 while there is none. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly errorCode: number;
}

/** One topic as metadata describes it. */
export interface TopicInfo {
  readonly name: string;
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Sorted by partition number. */
  readonly partitions: readonly PartitionInfo[];
}

/** A broker's address. */
export interface BrokerInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/**
 * Why a connection is wanted. Kafka answers requests on a connection in order, so a fetch that
 * long-polls would hold up a heartbeat queued behind it: fetches and group coordination get
 * connections of their own, as the Java client does.
 */
export type ConnectionPurpose = 'default' | 'fetch' | 'coordinator';

const METADATA_MAX_VERSION = 9;
const FIND_COORDINATOR_MAX_VERSION = 4;

/**
 * The client's view of a cluster: cached metadata (brokers, topics, leaders), one connection per
 * broker and purpose, and group coordinators. Every fjord client (producer, consumer, admin)
 * sits on one; it speaks to any Kafka-protocol cluster.
 *
 * @example
 * ```ts
 * const cluster = await Cluster.connect({ bootstrap: '127.0.0.1:9092', clientId: 'app' });
 * const leader = await cluster.leaderConnection('orders', 0);
 * await cluster.close();
 * ```
 */
export class Cluster {
  private readonly brokers = new Map<number, BrokerInfo>();
  private readonly topics = new Map<string, TopicInfo>();
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private readonly coordinators = new Map<string, BrokerInfo>();
  private bootstrapConnection: KafkaConnection | undefined;
  private fetchedAtMs = -Infinity;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  /** The cluster id Metadata reported (null from brokers before Kafka 0.10.1). */
  clusterId: string | null = null;
  /** The controller's node id, or -1. */
  controllerId = -1;
  readonly logger: Logger;

  private constructor(readonly options: ClientOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Connects to the first reachable bootstrap server and loads metadata for every topic. */
  static async connect(options: ClientOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    const list =
      typeof options.bootstrap === 'string' ? options.bootstrap : options.bootstrap.join(',');
    let lastError: unknown;
    for (const { host, port } of parseBootstrap(list)) {
      try {
        const connection = await KafkaConnection.connect(host, port, cluster.connectionOptions());
        await connection.apiVersions();
        cluster.bootstrapConnection = connection;
        await cluster.refreshMetadata();
        return cluster;
      } catch (err) {
        lastError = err;
      }
    }
    throw new NetworkError(`no bootstrap server of ${list} reachable`, { cause: lastError });
  }

  private connectionOptions(): KafkaConnectionOptions {
    const o = this.options;
    return {
      clientId: o.clientId ?? 'fjord',
      logger: this.logger,
      ...(o.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: o.requestTimeoutMs }),
      ...(o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs }),
    };
  }

  private ensureOpen(): void {
    if (this.closed) throw new FjordError('client is closed', ErrorCode.UNKNOWN_SERVER_ERROR);
  }

  /** Any live connection: a broker's, else the bootstrap one. */
  async anyConnection(): Promise<KafkaConnection> {
    this.ensureOpen();
    if (this.bootstrapConnection !== undefined && !this.bootstrapConnection.closed)
      return this.bootstrapConnection;
    for (const nodeId of this.brokers.keys()) {
      try {
        return await this.connection(nodeId);
      } catch (err) {
        this.logger.debug({ nodeId, err }, 'broker unreachable');
      }
    }
    throw new NetworkError('no broker reachable');
  }

  /** Reloads metadata for all topics (Metadata with a null topic list); concurrent calls share one. */
  refreshMetadata(): Promise<void> {
    this.refreshing ??= this.loadMetadata().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async loadMetadata(): Promise<void> {
    const connection = await this.anyConnection();
    const response = await connection.send(
      ApiKey.METADATA,
      connection.pickVersion(ApiKey.METADATA, METADATA_MAX_VERSION),
      { topics: null, allowAutoTopicCreation: false },
    );
    this.apply(response);
  }

  private apply(response: MetadataResponse): void {
    this.brokers.clear();
    for (const b of response.brokers)
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port });
    this.topics.clear();
    for (const t of response.topics) {
      this.topics.set(t.name, {
        name: t.name,
        errorCode: t.errorCode,
        isInternal: t.isInternal ?? false,
        partitions: [...t.partitions]
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch ?? -1,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            errorCode: p.errorCode,
          }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    this.clusterId = response.clusterId ?? null;
    this.controllerId = response.controllerId ?? -1;
    this.fetchedAtMs = Date.now();
  }

  /** Refreshes metadata when it is older than `metadata.max.age.ms`. */
  async maybeRefresh(): Promise<void> {
    if (Date.now() - this.fetchedAtMs > (this.options.metadataMaxAgeMs ?? 300_000))
      await this.refreshMetadata();
  }

  /** A topic from the cache, refreshing once if it is not there. */
  async topic(name: string): Promise<TopicInfo | undefined> {
    await this.maybeRefresh();
    if (!this.topics.has(name)) await this.refreshMetadata();
    return this.topics.get(name);
  }

  /** Every topic in the cache. */
  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  /** Cached topic info without any request. */
  cachedTopic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  /** Known brokers. */
  brokerList(): BrokerInfo[] {
    return [...this.brokers.values()];
  }

  /** The partition count of `topic`; throws UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
  async partitionCount(topic: string): Promise<number> {
    const info = await this.topic(topic);
    if (info?.errorCode !== 0) {
      const code = info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      throw new FjordError(`topic ${topic}: ${errorName(code)}`, code as ErrorCode);
    }
    return info.partitions.length;
  }

  /** The leader node of a partition, from the cache (refreshed once when unknown). */
  async leaderOf(topic: string, partition: number): Promise<number> {
    let p = (await this.topic(topic))?.partitions[partition];
    if (p === undefined || p.leader < 0) {
      await this.refreshMetadata();
      p = this.topics.get(topic)?.partitions[partition];
    }
    if (p === undefined) {
      throw new FjordError(
        `${topic}-${partition} is unknown`,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    }
    if (p.leader < 0)
      throw new FjordError(`${topic}-${partition} has no leader`, ErrorCode.LEADER_NOT_AVAILABLE);
    return p.leader;
  }

  /** The connection to a partition's leader. */
  async leaderConnection(
    topic: string,
    partition: number,
    purpose: ConnectionPurpose = 'default',
  ): Promise<KafkaConnection> {
    return this.connection(await this.leaderOf(topic, partition), purpose);
  }

  /** A connection to broker `nodeId` for `purpose`, opened on first use and reopened after a failure. */
  async connection(
    nodeId: number,
    purpose: ConnectionPurpose = 'default',
  ): Promise<KafkaConnection> {
    this.ensureOpen();
    const key = `${nodeId}/${purpose}`;
    const existing = this.connections.get(key);
    if (existing !== undefined) {
      const connection = await existing.catch(() => undefined);
      if (connection !== undefined && !connection.closed) return connection;
      this.connections.delete(key);
    }
    let broker = this.brokers.get(nodeId);
    if (broker === undefined) {
      await this.refreshMetadata();
      broker = this.brokers.get(nodeId);
    }
    if (broker === undefined)
      throw new NetworkError(`broker ${nodeId} is not in the cluster metadata`);
    const { host, port } = broker;
    const opening = KafkaConnection.connect(host, port, this.connectionOptions()).then(
      async (c) => {
        await c.apiVersions();
        return c;
      },
    );
    this.connections.set(key, opening);
    opening.catch(() => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    });
    return opening;
  }

  /**
   * The connection to a group's coordinator (FindCoordinator, cached). Call
   * {@link Cluster.forgetCoordinator} on NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE.
   */
  async coordinatorConnection(groupId: string): Promise<KafkaConnection> {
    return this.connection((await this.coordinator(groupId)).nodeId, 'coordinator');
  }

  /**
   * A group's coordinator, found with FindCoordinator and cached until
   * {@link Cluster.forgetCoordinator}. Throws {@link FjordError} with the broker's error code
   * (COORDINATOR_NOT_AVAILABLE and COORDINATOR_LOAD_IN_PROGRESS are retriable).
   */
  async coordinator(groupId: string): Promise<BrokerInfo> {
    let found = this.coordinators.get(groupId);
    if (found === undefined) {
      found = await this.findCoordinator(groupId);
      this.coordinators.set(groupId, found);
    }
    return found;
  }

  forgetCoordinator(groupId: string): void {
    this.coordinators.delete(groupId);
  }

  private async findCoordinator(groupId: string): Promise<BrokerInfo> {
    const connection = await this.anyConnection();
    const version = connection.pickVersion(ApiKey.FIND_COORDINATOR, FIND_COORDINATOR_MAX_VERSION);
    const response = await connection.send(
      ApiKey.FIND_COORDINATOR,
      version,
      version >= 4 ? { keyType: 0, coordinatorKeys: [groupId] } : { key: groupId, keyType: 0 },
    );
    const found = version >= 4 ? response.coordinators?.find((c) => c.key === groupId) : undefined;
    const errorCode =
      found?.errorCode ??
      response.errorCode ??
      (version >= 4 ? ErrorCode.COORDINATOR_NOT_AVAILABLE : 0);
    if (errorCode !== 0) {
      const message = found?.errorMessage ?? response.errorMessage;
      throw new FjordError(
        `no coordinator for group ${groupId}: ${errorName(errorCode)}` +
          (message ? ` (${message})` : ''),
        errorCode as ErrorCode,
      );
    }
    const coordinator: BrokerInfo = {
      nodeId: found?.nodeId ?? response.nodeId ?? -1,
      host: found?.host ?? response.host ?? '',
      port: found?.port ?? response.port ?? -1,
    };
    // librdkafka trusts the address FindCoordinator returns; keep it in case metadata lags.
    if (!this.brokers.has(coordinator.nodeId)) this.brokers.set(coordinator.nodeId, coordinator);
    return coordinator;
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map(async (p) => {
        const c = await p.catch(() => undefined);
        await c?.close();
      }),
    );
    await this.bootstrapConnection?.close();
  }
}
