import * as fs from 'node:fs';
import * as path from 'node:path';

import { parseLogConfig } from '../log/log-config.js';
import type { LogConfig } from '../log/log-config.js';
import { KafkaServer } from '../network/server.js';
import { ApiKey } from '../protocol/messages/index.js';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { silentLogger } from '../util/logger.js';
import type { Logger } from '../util/logger.js';
import type { BrokerConfig } from './broker-config.js';
import type { BrokerContext, TopicMetadata } from './broker-context.js';
import { ensureClusterId } from './cluster-id.js';
import { alterConfigsHandler } from './handlers/alter-configs.js';
import { createPartitionsHandler } from './handlers/create-partitions.js';
import { createTopicsHandler } from './handlers/create-topics.js';
import { deleteRecordsHandler } from './handlers/delete-records.js';
import { deleteTopicsHandler } from './handlers/delete-topics.js';
import { describeClusterHandler } from './handlers/describe-cluster.js';
import { describeConfigsHandler } from './handlers/describe-configs.js';
import { deleteGroupsHandler } from './handlers/delete-groups.js';
import { describeGroupsHandler } from './handlers/describe-groups.js';
import { fetchHandler } from './handlers/fetch.js';
import { findCoordinatorHandler } from './handlers/find-coordinator.js';
import { heartbeatHandler } from './handlers/heartbeat.js';
import { incrementalAlterConfigsHandler } from './handlers/incremental-alter-configs.js';
import { initProducerIdHandler } from './handlers/init-producer-id.js';
import { joinGroupHandler } from './handlers/join-group.js';
import { leaveGroupHandler } from './handlers/leave-group.js';
import { listGroupsHandler } from './handlers/list-groups.js';
import { listOffsetsHandler } from './handlers/list-offsets.js';
import { metadataHandler } from './handlers/metadata.js';
import { electLeadersHandler } from './handlers/elect-leaders.js';
import { alterPartitionReassignmentsHandler } from './handlers/alter-partition-reassignments.js';
import { listPartitionReassignmentsHandler } from './handlers/list-partition-reassignments.js';
import { offsetCommitHandler } from './handlers/offset-commit.js';
import { offsetDeleteHandler } from './handlers/offset-delete.js';
import { offsetFetchHandler } from './handlers/offset-fetch.js';
import { produceHandler } from './handlers/produce.js';
import { syncGroupHandler } from './handlers/sync-group.js';
import type { GroupCoordinator } from './group/group-coordinator.js';
import { brokerGroupCoordinator } from './group/offsets-topic.js';
import { BrokerMetrics, serveMetrics } from './metrics.js';
import { LocalPartitionRegistry } from './partition-registry.js';
import { FileProducerIdAllocator } from './producer-id-allocator.js';
import { RequestRouter } from './request-router.js';
import type { HandlerTable } from './request-router.js';
import { systemTimers } from './timers.js';
import { applyClusterView, removeStrayReplicas } from './cluster-sync.js';
import { EtcdMetadataStore } from './metadata/etcd-metadata-store.js';
import { LocalMetadataStore } from './metadata/local-metadata-store.js';
import type { MetadataStore } from './metadata/metadata-store.js';
import { advertisedEndpoint } from './node-endpoint.js';
import { offsetForLeaderEpochHandler } from './handlers/offset-for-leader-epoch.js';
import { ReplicaManager } from './replication/replica-manager.js';

/** Everything the broker serves, by API. */
const HANDLERS: HandlerTable = {
  [ApiKey.PRODUCE]: produceHandler,
  [ApiKey.FETCH]: fetchHandler,
  [ApiKey.LIST_OFFSETS]: listOffsetsHandler,
  [ApiKey.METADATA]: metadataHandler,
  [ApiKey.INIT_PRODUCER_ID]: initProducerIdHandler,
  [ApiKey.OFFSET_FOR_LEADER_EPOCH]: offsetForLeaderEpochHandler,
  [ApiKey.CREATE_TOPICS]: createTopicsHandler,
  [ApiKey.DELETE_TOPICS]: deleteTopicsHandler,
  [ApiKey.CREATE_PARTITIONS]: createPartitionsHandler,
  [ApiKey.DELETE_RECORDS]: deleteRecordsHandler,
  [ApiKey.DESCRIBE_CONFIGS]: describeConfigsHandler,
  [ApiKey.ALTER_CONFIGS]: alterConfigsHandler,
  [ApiKey.INCREMENTAL_ALTER_CONFIGS]: incrementalAlterConfigsHandler,
  [ApiKey.DESCRIBE_CLUSTER]: describeClusterHandler,
  [ApiKey.FIND_COORDINATOR]: findCoordinatorHandler,
  [ApiKey.JOIN_GROUP]: joinGroupHandler,
  [ApiKey.SYNC_GROUP]: syncGroupHandler,
  [ApiKey.HEARTBEAT]: heartbeatHandler,
  [ApiKey.LEAVE_GROUP]: leaveGroupHandler,
  [ApiKey.OFFSET_COMMIT]: offsetCommitHandler,
  [ApiKey.OFFSET_FETCH]: offsetFetchHandler,
  [ApiKey.DESCRIBE_GROUPS]: describeGroupsHandler,
  [ApiKey.LIST_GROUPS]: listGroupsHandler,
  [ApiKey.DELETE_GROUPS]: deleteGroupsHandler,
  [ApiKey.OFFSET_DELETE]: offsetDeleteHandler,
  [ApiKey.ELECT_LEADERS]: electLeadersHandler,
  [ApiKey.ALTER_PARTITION_REASSIGNMENTS]: alterPartitionReassignmentsHandler,
  [ApiKey.LIST_PARTITION_REASSIGNMENTS]: listPartitionReassignmentsHandler,
};

export interface BrokerOptions {
  readonly config: BrokerConfig;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Serve `/metrics` and `/healthz` on this port (0 = any free port); off when undefined. */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
}

/** Refuses a data folder another live broker holds; a lock left by a killed broker is taken over. */
function lockDataDir(dir: string): () => void {
  const lock = path.join(dir, '.lock');
  try {
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    if (Number.isSafeInteger(holder) && holder !== process.pid) {
      try {
        process.kill(holder, 0);
        throw new FjordError(
          `data folder ${dir} is in use by process ${holder}`,
          ErrorCode.KAFKA_STORAGE_ERROR,
        );
      } catch (err) {
        if (err instanceof FjordError) throw err;
      }
    }
  } catch (err) {
    if (err instanceof FjordError) throw err;
  }
  fs.writeFileSync(lock, String(process.pid));
  return () => {
    fs.rmSync(lock, { force: true });
  };
}

/**
 * A single fjord broker: a Kafka-protocol TCP server over a data folder of partition logs.
 *
 * @example
 * ```ts
 * const broker = await Broker.start({ config: parseBrokerConfig({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': './data' }) });
 * console.log(`bootstrap: ${broker.host}:${broker.port}`);
 * await broker.stop();
 * ```
 */
export class Broker {
  private stopping = false;
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly context: BrokerContext & { config: BrokerConfig },
    private readonly registry: LocalPartitionRegistry,
    private readonly groups: GroupCoordinator,
    private readonly server: KafkaServer,
    private readonly unlock: () => void,
    /**
     * Where the cluster's metadata lives: `topics.json` alone, or etcd.
     *
     * @internal
     */
    readonly metadata: MetadataStore,
    readonly metrics: BrokerMetrics,
    private readonly metricsServer: { port: number; close: () => Promise<void> } | undefined,
    readonly logger: Logger,
    private readonly replication: ReplicaManager | undefined,
  ) {}

  static async start(options: BrokerOptions): Promise<Broker> {
    const logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    let config = options.config;
    fs.mkdirSync(config.logDir, { recursive: true });
    const unlock = lockDataDir(config.logDir);
    const metadata: MetadataStore =
      config.metadataStore === 'local'
        ? new LocalMetadataStore(config.logDir)
        : new EtcdMetadataStore({
            url: config.metadataStore,
            nodeId: config.nodeId,
            leaseTtlSeconds: Math.max(2, Math.ceil(config.brokerSessionTimeoutMs / 1000)),
            uncleanLeaderElection: (topic) => {
              const t = metadata.topics.get(topic);
              const effective =
                t === undefined
                  ? config.logDefaults
                  : parseLogConfig(t.configs, config.logDefaults);
              return effective.uncleanLeaderElectionEnable;
            },
            leaderRebalance: {
              enabled: config.autoLeaderRebalanceEnable,
              checkIntervalMs: config.leaderImbalanceCheckIntervalMs,
              imbalancePercent: config.leaderImbalancePerBrokerPercentage,
            },
            logger,
          });
    let replication: ReplicaManager | undefined;
    try {
      const localClusterId = ensureClusterId(config.logDir);
      const topics = metadata.topics;
      const registry = new LocalPartitionRegistry({ config, clock, logger });
      // Built before the context that holds it: it reads the context only when used.
      const groups = brokerGroupCoordinator(() => context, {
        config,
        clock,
        timers: systemTimers,
        logger,
      });
      const context = {
        get config(): BrokerConfig {
          return config;
        },
        get clusterId(): string {
          return metadata instanceof EtcdMetadataStore ? metadata.clusterId : localClusterId;
        },
        topics,
        cluster: metadata,
        replicaAdmin: metadata.replicaAdmin,
        partitions: registry,
        producerIds: new FileProducerIdAllocator(config.logDir),
        clock,
        timers: systemTimers,
        logger,
        groups,
        topicLogConfig(topic: TopicMetadata): LogConfig {
          return parseLogConfig(topic.configs, config.logDefaults);
        },
      };
      for (const topic of topics.list()) {
        const logConfig = context.topicLogConfig(topic);
        for (let p = 0; p < topic.partitionCount; p++) registry.open(topic.name, p, logConfig);
      }
      registry.start();
      const metrics = new BrokerMetrics(() => registry.describe());
      const router = new RequestRouter(context, HANDLERS, metrics);
      const server = new KafkaServer(router, {
        host: config.host,
        port: config.port,
        maxFrameBytes: config.socketRequestMaxBytes,
        maxConnections: config.maxConnections,
        maxConnectionsPerIp: config.maxConnectionsPerIp,
        idleTimeoutMs: config.connectionsMaxIdleMs,
        logger,
        onBytes: (inBytes, outBytes) => {
          metrics.bytesIn.inc(inBytes);
          metrics.bytesOut.inc(outBytes);
        },
        onConnectionCountChange: (n) => {
          metrics.connections.set(n);
        },
      });
      const bound = await server.listen();
      // Port 0 means "any": Metadata must advertise the port actually bound.
      config = { ...config, port: bound.port };
      try {
        await metadata.start({
          nodeId: config.nodeId,
          ...advertisedEndpoint(config),
          rack: config.rack,
        });
      } catch (err) {
        await server.close(0);
        throw err;
      }
      if (metadata.kind !== 'local') {
        const led = new Set<string>();
        replication = new ReplicaManager({
          config,
          cluster: metadata,
          clock,
          timers: systemTimers,
          logger: logger.child({ component: 'replication' }),
          hosted: () => registry.list(),
        });
        const replicas = replication;
        const sync = (): void => {
          try {
            applyClusterView(context, registry, groups, led, replicas);
          } catch (err) {
            logger.error({ err }, 'cannot apply the cluster metadata');
          }
        };
        metadata.onChange(sync);
        sync();
        removeStrayReplicas(context, registry);
      }
      // Loads __consumer_offsets in the background; until a partition is loaded its groups get
      // COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
      groups.start().catch((err: unknown) => {
        logger.error({ err }, 'the group coordinator failed to load');
      });
      // The health check reads the broker, which exists only after the metrics server does.
      const started: { broker?: Broker } = {};
      const metricsServer =
        options.metricsPort === undefined
          ? undefined
          : await serveMetrics(
              metrics,
              options.metricsHost ?? '127.0.0.1',
              options.metricsPort,
              () => started.broker?.stopping === false,
              logger,
            );
      const broker = new Broker(
        context,
        registry,
        groups,
        server,
        unlock,
        metadata,
        metrics,
        metricsServer,
        logger,
        replication,
      );
      started.broker = broker;
      logger.info(
        {
          nodeId: config.nodeId,
          host: bound.host,
          port: bound.port,
          logDir: config.logDir,
          topics: topics.list().length,
        },
        'broker started',
      );
      return broker;
    } catch (err) {
      await replication?.stop().catch(() => undefined);
      await metadata.close().catch(() => undefined);
      unlock();
      throw err;
    }
  }

  get host(): string {
    return this.context.config.host;
  }

  get port(): number {
    return this.context.config.port;
  }

  /** `host:port` for clients' bootstrap lists. */
  get bootstrap(): string {
    const host = this.host === '0.0.0.0' ? '127.0.0.1' : this.host;
    return `${host}:${this.port}`;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  get clusterId(): string {
    return this.context.clusterId;
  }

  /**
   * Stops cleanly: no new connections, in-flight requests answered, logs flushed with their
   * recovery checkpoints and clean-shutdown markers, then the data folder released.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.logger.info({}, 'broker stopping');
      this.registry.releaseWaiters();
      // Parked JoinGroup/SyncGroup requests are answered now, so closing does not wait on them.
      await this.groups.stop();
      // Deregistering first lets the controller move leadership without waiting for a lease.
      await this.metadata.close();
      await this.replication?.stop();
      await this.server.close(5000);
      await this.registry.close();
      await this.metricsServer?.close();
      this.unlock();
      this.logger.info({}, 'broker stopped');
    })();
    return this.stopped;
  }
}
