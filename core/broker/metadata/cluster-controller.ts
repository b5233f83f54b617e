/**
 * What the elected controller does with the cluster's metadata: after every change it passes
 * over all partitions and moves those whose leader or ISR members died and completes finished
 * reassignments (controller-decisions.ts, replica-changes.ts); now and then it moves leadership
 * back to preferred replicas. Every move is a compare-and-swap that also requires this broker to
 * still hold the controller election, so a controller that lost it writes nothing.
 */
import type { Logger } from '../../util/logger.js';
import type { PartitionState } from './cluster-view.js';
import { decidePartition } from './controller-decisions.js';
import type { MetadataSnapshot } from './etcd-snapshot.js';
import {
  ElectionType,
  completeReassignment,
  electLeader,
  preferredElectionsDue,
} from './replica-changes.js';

/** Kafka's `leader.imbalance.check.interval.seconds` default, 300 s. */
const DEFAULT_LEADER_IMBALANCE_CHECK_MS = 300_000;
/** Kafka's `leader.imbalance.per.broker.percentage` default. */
const DEFAULT_IMBALANCE_PERCENT = 10;

/** The automatic preferred-leader rebalance (`auto.leader.rebalance.enable`, on by default). */
export interface LeaderRebalanceOptions {
  readonly enabled: boolean;
  readonly checkIntervalMs: number;
  readonly imbalancePercent: number;
}

/** What the controller needs of its metadata store. */
export interface ControllerPort {
  /** The cached metadata, one etcd revision. */
  snapshot(): MetadataSnapshot;
  /** Whether this broker holds the controller election now. */
  isController(): boolean;
  /** A compare-and-swap of one partition's record, as the controller. */
  casPartition(
    topic: string,
    partition: number,
    modRevision: string,
    next: PartitionState,
  ): Promise<boolean>;
  /** `unclean.leader.election.enable` of a topic. */
  uncleanLeaderElection(topic: string): boolean;
  readonly logger: Logger;
}

/** See the module comment. */
export class ClusterController {
  private reconciling = false;
  private reconcileAgain = false;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly port: ControllerPort,
    private readonly rebalance: LeaderRebalanceOptions | undefined,
  ) {}

  /** This broker was elected: reconcile now and start the periodic rebalance. */
  onElected(): void {
    void this.reconcile();
    if (this.rebalance?.enabled === false || this.rebalanceTimer !== undefined) return;
    const intervalMs = this.rebalance?.checkIntervalMs ?? DEFAULT_LEADER_IMBALANCE_CHECK_MS;
    this.rebalanceTimer = setInterval(() => {
      if (!this.port.isController() || this.reconciling) return;
      this.rebalanceLeaders().catch((err: unknown) => {
        this.port.logger.warn({ err }, 'preferred leader rebalance failed');
      });
    }, intervalMs).unref();
  }

  /** Moves every partition whose leader or ISR members died (see decidePartition). */
  async reconcile(): Promise<void> {
    if (!this.port.isController() || this.stopped) return;
    if (this.reconciling) {
      // A change arrived mid-pass (a broker died): pass again over the newer snapshot after it.
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        await this.reconcilePass();
      } while (this.passRequested());
    } catch (err) {
      this.port.logger.warn({ err }, 'controller pass failed');
    } finally {
      this.reconciling = false;
    }
  }

  /** Whether a change arrived during the last pass and this broker is still the controller. */
  private passRequested(): boolean {
    return this.reconcileAgain && this.port.isController() && !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.rebalanceTimer);
  }

  private async reconcilePass(): Promise<void> {
    const snapshot = this.port.snapshot();
    const live = new Set(snapshot.brokers.keys());
    for (const [key, { value, modRevision }] of snapshot.partitions) {
      const { topic, partition } = splitKey(key);
      const unclean = this.port.uncleanLeaderElection(topic);
      const next = decidePartition(value, live, unclean) ?? completeReassignment(value, live);
      if (next === undefined) continue;
      const ok = await this.port.casPartition(topic, partition, modRevision, next);
      this.port.logger.info(
        { topic, partition, from: value, to: next, ok },
        'controller moved partition',
      );
    }
  }

  private async rebalanceLeaders(): Promise<void> {
    const snapshot = this.port.snapshot();
    const live = new Set(snapshot.brokers.keys());
    const entries = [...snapshot.partitions].map(([key, v]) => [key, v.value] as const);
    const percent = this.rebalance?.imbalancePercent ?? DEFAULT_IMBALANCE_PERCENT;
    for (const key of preferredElectionsDue(entries, live, percent)) {
      const entry = this.port.snapshot().partitions.get(key);
      if (entry === undefined || !this.port.isController()) continue;
      let next: PartitionState;
      try {
        next = electLeader(entry.value, ElectionType.PREFERRED, live);
      } catch {
        continue; // The state moved since the scan; the next tick looks again.
      }
      const { topic, partition } = splitKey(key);
      const ok = await this.port.casPartition(topic, partition, entry.modRevision, next);
      this.port.logger.info(
        { topic, partition, leader: next.leader, ok },
        'preferred leader restored',
      );
    }
  }
}

/** `<topic>/<partition>`, as the snapshot keys partitions. */
function splitKey(key: string): { topic: string; partition: number } {
  const slash = key.lastIndexOf('/');
  return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}
