/**
 * The sender's view of the brokers: a produce connection per leader (opened on demand, with an
 * exponential backoff after failures) and the metadata that says who leads what, refreshed when
 * something suggests it is stale (a leader error, a lost connection, an unknown leader) or older
 * than `metadata.max.age.ms`, and never more often than once per `retry.backoff.ms`.
 */
import type { KafkaConnection } from '../../network/client-connection.js';
import { ApiKey } from '../../protocol/messages/index.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import { backoffMs } from './options.js';
import type { ProducerConfig } from './options.js';
import type { Scheduler } from './scheduler.js';

/** Produce v3 is the first to carry RecordBatch v2; v7 the last fjord's codec declares. */
const PRODUCE_MIN_VERSION = 3;
const PRODUCE_MAX_VERSION = 7;

/** One broker as the sender sees it. */
export interface NodeState {
  readonly nodeId: number;
  connection: KafkaConnection | undefined;
  produceVersion: number;
  connecting: boolean;
  /** Produce requests sent on any of its connections and not yet settled. */
  inFlight: number;
  /** Consecutive connection failures, for the reconnect backoff. */
  failures: number;
  retryAtMs: number;
}

/** What the links ask of the sender. */
export interface LinkEvents {
  /** Something changed (a connection opened, metadata arrived): drain again. */
  readonly onChange: () => void;
  /** Drain again at this time. */
  readonly wakeAt: (atMs: number) => void;
}

/**
 * Connections and leader metadata for the sender; see the module comment.
 *
 * @example
 * ```ts
 * const links = new BrokerLinks(cluster, config, systemScheduler, logger, events);
 * const leader = links.leaderOf('orders', 0);
 * const connection = leader < 0 ? undefined : links.connection(links.node(leader), Date.now());
 * ```
 */
export class BrokerLinks {
  private readonly nodes = new Map<number, NodeState>();
  private refreshing = false;
  private stale = false;
  private lastRefreshMs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: ProducerConfig,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    private readonly events: LinkEvents,
    private readonly metadataMaxAgeMs = 300_000,
  ) {
    this.lastRefreshMs = scheduler.now();
  }

  /** The leader of a partition from cached metadata, -1 when unknown (a refresh is started). */
  leaderOf(topic: string, partition: number, now: number): number {
    const leader = this.cluster.cachedTopic(topic)?.partitions[partition]?.leader ?? -1;
    if (leader < 0) {
      this.stale = true;
      this.maybeRefresh(now);
    }
    return leader;
  }

  /** Marks metadata as suspect: the next {@link BrokerLinks.maybeRefresh} reloads it. */
  markStale(): void {
    this.stale = true;
  }

  node(nodeId: number): NodeState {
    let node = this.nodes.get(nodeId);
    if (node === undefined) {
      node = {
        nodeId,
        connection: undefined,
        produceVersion: PRODUCE_MAX_VERSION,
        connecting: false,
        inFlight: 0,
        failures: 0,
        retryAtMs: 0,
      };
      this.nodes.set(nodeId, node);
    }
    return node;
  }

  /** The node's open connection, or undefined while one is being opened (or backing off). */
  connection(node: NodeState, now: number): KafkaConnection | undefined {
    const connection = node.connection;
    if (connection !== undefined && !connection.closed) return connection;
    this.connect(node, now);
    return undefined;
  }

  private connect(node: NodeState, now: number): void {
    if (node.connecting) return;
    if (node.retryAtMs > now) {
      this.events.wakeAt(node.retryAtMs);
      return;
    }
    node.connecting = true;
    this.cluster.connection(node.nodeId).then(
      (connection) => {
        node.connecting = false;
        node.failures = 0;
        node.connection = connection;
        node.produceVersion = connection.pickVersion(ApiKey.PRODUCE, PRODUCE_MAX_VERSION);
        if (node.produceVersion < PRODUCE_MIN_VERSION) {
          this.logger.error({ nodeId: node.nodeId }, 'broker lacks Produce v3 (RecordBatch v2)');
        }
        this.events.onChange();
      },
      (err: unknown) => {
        node.connecting = false;
        node.failures++;
        node.retryAtMs = this.scheduler.now() + backoffMs(this.config, node.failures);
        this.logger.debug({ nodeId: node.nodeId, err: String(err) }, 'broker unreachable');
        this.stale = true;
        this.events.wakeAt(node.retryAtMs);
      },
    );
  }

  /**
   * Refreshes metadata if it is stale or older than metadata.max.age.ms, at most once per
   * retry.backoff.ms; the sender drains again when it arrives.
   */
  maybeRefresh(now: number): void {
    if (this.refreshing) return;
    if (!this.stale && now - this.lastRefreshMs <= this.metadataMaxAgeMs) return;
    const earliest = this.lastRefreshMs + this.config.retryBackoffMs;
    if (now < earliest) {
      this.events.wakeAt(earliest);
      return;
    }
    this.refreshing = true;
    this.stale = false;
    this.lastRefreshMs = now;
    this.cluster
      .refreshMetadata()
      .catch((err: unknown) => {
        this.stale = true;
        this.logger.debug({ err: String(err) }, 'metadata refresh failed');
      })
      .finally(() => {
        this.refreshing = false;
        this.events.onChange();
      });
  }
}
