/**
 * Keeps the ISR of the partitions this broker leads: drops followers that lag by more than
 * `replica.lag.time.max.ms` and takes back those that caught up (isr-rules.ts), writing each
 * change through the metadata store's compare-and-swap with the leader's epoch. The new ISR
 * takes effect here only once written: the cluster sync hands it back to the partition, so a
 * leader never counts on an ISR the cluster did not agree to.
 */
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { LocalPartition } from '../local-partition.js';
import type { ClusterView } from '../metadata/cluster-view.js';
import { expandedIsr, shrunkIsr } from './isr-rules.js';

/** What the {@link IsrManager} needs. */
export interface IsrManagerOptions {
  readonly cluster: ClusterView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `replica.lag.time.max.ms`. */
  readonly replicaLagTimeMaxMs: number;
}

/** See the module comment. */
export class IsrManager {
  /** Partitions with an ISR change in flight: one at a time each, decided again after it. */
  private readonly inFlight = new Set<LocalPartition>();
  private readonly again = new Set<LocalPartition>();

  constructor(private readonly options: IsrManagerOptions) {}

  /** Shrinks the ISR of every led partition with a lagging follower. */
  checkLagging(partitions: Iterable<LocalPartition>): void {
    const now = this.options.clock.now();
    for (const p of partitions) {
      if (!p.isLeader || p.isClosed || p.isr.length <= 1) continue;
      const lag = this.options.replicaLagTimeMaxMs;
      if (shrunkIsr(p.selfId, p.isr, p.followers, now, lag) !== undefined) this.update(p);
    }
  }

  /** A follower of `partition` may have caught up: expand its ISR if so. */
  checkCaughtUp(partition: LocalPartition): void {
    this.update(partition);
  }

  private update(p: LocalPartition): void {
    if (this.inFlight.has(p)) {
      this.again.add(p);
      return;
    }
    this.inFlight.add(p);
    const epoch = p.leaderEpoch;
    const decide = (state: { readonly isr: readonly number[] }): readonly number[] | undefined => {
      if (!p.isLeader || p.leaderEpoch !== epoch) return undefined;
      const now = this.options.clock.now();
      const lag = this.options.replicaLagTimeMaxMs;
      const shrunk = shrunkIsr(p.selfId, state.isr, p.followers, now, lag) ?? state.isr;
      const expanded =
        expandedIsr(
          shrunk,
          p.replicas,
          p.followers,
          p.highWatermark,
          p.leaderEpochStartOffset,
          now,
          lag,
        ) ?? shrunk;
      const same =
        expanded.length === state.isr.length && expanded.every((id) => state.isr.includes(id));
      return same ? undefined : expanded;
    };
    this.options.cluster
      .alterIsr(p.topic, p.partition, epoch, decide)
      .then((ok) => {
        if (!ok)
          this.options.logger.info(
            { topic: p.topic, partition: p.partition, epoch },
            'ISR change refused: no longer the leader of this epoch',
          );
      })
      .catch((err: unknown) => {
        this.options.logger.warn(
          { topic: p.topic, partition: p.partition, err },
          'ISR change failed',
        );
      })
      .finally(() => {
        this.inFlight.delete(p);
        if (this.again.delete(p)) this.update(p);
      });
  }
}
