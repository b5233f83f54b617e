/**
 * The replication side of a cluster broker: makes each hosted partition lead or follow as the
 * cluster's metadata says, runs one {@link ReplicaFetcher} per leader broker for the partitions
 * it follows, and keeps the ISR of the partitions it leads ({@link IsrManager}), checking for
 * lagging followers every half `replica.lag.time.max.ms`.
 */
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../broker-config.js';
import type { LocalPartition } from '../local-partition.js';
import type { ClusterView, PartitionState } from '../metadata/cluster-view.js';
import { NO_LEADER } from '../metadata/cluster-view.js';
import type { Timers } from '../timers.js';
import { IsrManager } from './isr-manager.js';
import { ReplicaFetcher } from './replica-fetcher.js';

/** What a {@link ReplicaManager} needs. */
export interface ReplicaManagerOptions {
  readonly config: Pick<
    BrokerConfig,
    'nodeId' | 'replicaLagTimeMaxMs' | 'replicaFetchWaitMaxMs' | 'replicaFetchMaxBytes'
  >;
  readonly cluster: ClusterView;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** The partitions hosted now (the registry's). */
  readonly hosted: () => Iterable<LocalPartition>;
}

/** See the module comment. */
export class ReplicaManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly isr: IsrManager;
  private readonly stopTimer: () => void;
  private stopped = false;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.isr = new IsrManager({
      cluster: options.cluster,
      clock: options.clock,
      logger: options.logger,
      replicaLagTimeMaxMs: options.config.replicaLagTimeMaxMs,
    });
    this.stopTimer = options.timers.setInterval(
      () => {
        this.isr.checkLagging(options.hosted());
      },
      Math.max(1, Math.floor(options.config.replicaLagTimeMaxMs / 2)),
    );
  }

  /**
   * Applies `state` to the hosted partition `handle`: lead it (same epoch: take the new ISR), or
   * follow its leader, which steps a leader of an older epoch down at once.
   */
  apply(handle: LocalPartition, state: PartitionState): void {
    if (this.stopped) return;
    const self = this.options.config.nodeId;
    if (state.leader === self) {
      this.unfollow(handle);
      handle.onIsrExpansion((p) => {
        this.isr.checkCaughtUp(p);
      });
      handle.becomeLeader(
        self,
        state.leaderEpoch,
        state.isr,
        state.replicas,
        this.options.clock.now(),
      );
      return;
    }
    handle.onIsrExpansion(undefined);
    handle.becomeFollower(self, state.leaderEpoch);
    if (state.leader === NO_LEADER) {
      this.unfollow(handle);
      return;
    }
    for (const [id, other] of this.fetchers)
      if (id !== state.leader) other.unfollow(handle.topic, handle.partition);
    let fetcher = this.fetchers.get(state.leader);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher(state.leader, {
        self,
        endpoint: (id) => {
          const broker = this.options.cluster.liveBrokers().find((b) => b.nodeId === id);
          return broker === undefined ? undefined : { host: broker.host, port: broker.port };
        },
        clock: this.options.clock,
        logger: this.options.logger.child({ component: 'replica-fetcher', leader: state.leader }),
        fetchWaitMaxMs: this.options.config.replicaFetchWaitMaxMs,
        fetchMaxBytes: this.options.config.replicaFetchMaxBytes,
      });
      this.fetchers.set(state.leader, fetcher);
    }
    fetcher.follow(handle, state.leaderEpoch);
    this.stopIdleFetchers();
  }

  /** Stops following a partition no longer hosted here (its topic was deleted). */
  forget(topic: string, partition: number): void {
    for (const fetcher of this.fetchers.values()) fetcher.unfollow(topic, partition);
    this.stopIdleFetchers();
  }

  private unfollow(handle: LocalPartition): void {
    for (const fetcher of this.fetchers.values()) fetcher.unfollow(handle.topic, handle.partition);
    this.stopIdleFetchers();
  }

  private stopIdleFetchers(): void {
    for (const [id, fetcher] of this.fetchers) {
      if (fetcher.size > 0) continue;
      this.fetchers.delete(id);
      fetcher.stop().catch((err: unknown) => {
        this.options.logger.warn({ err, leader: id }, 'stopping a replica fetcher failed');
      });
    }
  }

  /** Stops every fetcher and the ISR checks. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimer();
    const fetchers = [...this.fetchers.values()];
    this.fetchers.clear();
    await Promise.all(fetchers.map((f) => f.stop()));
  }
}
