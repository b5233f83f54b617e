/**
 * What a broker knows of its cluster: live brokers, the controller, and every partition's
 * replication state. Kept current by a `MetadataStore` (metadata-store.ts).
 */
/** A broker as it registered itself: what Metadata advertises. */
export interface BrokerRegistration {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  /** `broker.rack`, or null. */
  readonly rack: string | null;
}

/**
 * One partition's replication state: the record every leadership decision is made on. Only the
 * controller changes `leader`/`leaderEpoch`; the leader changes `isr`. Every change bumps
 * `partitionEpoch` and goes through a compare-and-swap on the stored record, so a decision made
 * on a stale view fails instead of overwriting a newer one.
 */
export interface PartitionState {
  /** The leader's node id; -1 while the partition has no leader (offline). */
  readonly leader: number;
  /** Bumped on every leader change; stamped into the batches the leader appends. */
  readonly leaderEpoch: number;
  /** The replicas caught up with the leader (the leader included). Never empty. */
  readonly isr: readonly number[];
  /** The brokers assigned a replica; the first is the preferred leader. */
  readonly replicas: readonly number[];
  /** Bumped on every change of this record (leader or ISR). */
  readonly partitionEpoch: number;
  /**
   * While a reassignment runs (KIP-455): the replicas being added, which are already listed in
   * `replicas` so they start fetching, and the ones to drop once every target replica is in the
   * ISR. Both absent when no reassignment runs.
   */
  readonly addingReplicas?: readonly number[];
  readonly removingReplicas?: readonly number[];
}

/** No leader: Kafka's -1 in Metadata. */
export const NO_LEADER = -1;

/** What kind of store runs: `local` (one broker) or `etcd` (a cluster). */
export type MetadataStoreKind = 'local' | 'etcd';

/** A read-only view of the cluster, kept current by the store. */
export interface ClusterView {
  readonly kind: MetadataStoreKind;
  /** Live brokers (registered, lease alive), by node id. */
  liveBrokers(): readonly BrokerRegistration[];
  /** The elected controller's node id, or -1 while there is none. */
  controllerId(): number;
  /** A partition's state, or undefined for a partition the store does not know. */
  partitionState(topic: string, partition: number): PartitionState | undefined;
  /** Calls `listener` after every change of the cached view; returns the unsubscription. */
  onChange(listener: () => void): () => void;
  /**
   * As a partition's leader in `leaderEpoch`: replaces its ISR with what `change` makes of the
   * current state (undefined: no change), through a compare-and-swap on the record. A conflict
   * reads the record again and asks `change` again. Resolves true once written (or nothing was
   * to change), false when this broker no longer leads in `leaderEpoch`: a stale leader can
   * never change the ISR.
   */
  alterIsr(
    topic: string,
    partition: number,
    leaderEpoch: number,
    change: (state: PartitionState) => readonly number[] | undefined,
  ): Promise<boolean>;
}
