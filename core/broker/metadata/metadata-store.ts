/**
 * The cluster metadata a broker works from: which brokers are alive, who the controller is, the
 * topics, and for every partition its replicas, leader, leader epoch and in-sync replicas. Two
 * implementations sit behind {@link MetadataStore}: `local` (one broker, `topics.json`, no
 * dependencies; the default) and `etcd` (a cluster; etcd-metadata-store.ts).
 *
 * Reads are synchronous, from a cache the store keeps current (the etcd store by watching), so
 * request handlers never wait on the network to read metadata. Changes that must be agreed on
 * (topic creation, a new leader) may be asynchronous: the local store answers at once, the etcd
 * store after its compare-and-swap transaction committed and its cache caught up.
 */
import type { TopicStore } from '../broker-context.js';
import type { BrokerRegistration, ClusterView } from './cluster-view.js';
import type { ReplicaAdmin } from './replica-admin.js';

/** A {@link ClusterView} that also holds the topics and runs the broker's membership. */
export interface MetadataStore extends ClusterView {
  /** The topics; mutations may be asynchronous (see the module comment). */
  readonly topics: TopicStore;
  /** Leader elections and reassignments asked for by administrators. */
  readonly replicaAdmin: ReplicaAdmin;
  /** Registers `self` as a live broker and starts watching; resolves once the cache is loaded. */
  start(self: BrokerRegistration): Promise<void>;
  /** Deregisters and stops watching. */
  close(): Promise<void>;
}
