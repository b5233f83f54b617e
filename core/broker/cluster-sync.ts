/**
 * Makes the partitions this broker hosts follow the cluster's metadata: every change the store
 * reports opens the partitions this broker holds a replica of, makes each lead or follow in its
 * leader epoch (replication/replica-manager.ts), tells the group coordinator which `__consumer_offsets` partitions it gained or lost,
 * and removes the partitions of topics deleted elsewhere and the replicas a reassignment moved
 * away. A single broker never changes under
 * itself, so this runs only in a cluster.
 */
import type { BrokerContext } from './broker-context.js';
import type { GroupCoordinator } from './group/group-coordinator.js';
import { OFFSETS_TOPIC } from './group/offsets-topic.js';
import type { LocalPartitionRegistry } from './partition-registry.js';
import type { ReplicaManager } from './replication/replica-manager.js';

/** Applies the current cluster view once; see the module comment. */
export function applyClusterView(
  broker: BrokerContext,
  registry: LocalPartitionRegistry,
  groups: GroupCoordinator,
  ledBefore: Set<string>,
  replication: ReplicaManager,
): void {
  const self = broker.config.nodeId;
  const known = new Set<string>();
  for (const topic of broker.topics.list()) {
    known.add(topic.name);
    const config = broker.topicLogConfig(topic);
    for (let p = 0; p < topic.partitionCount; p++) {
      const state = broker.cluster.partitionState(topic.name, p);
      if (state?.replicas.includes(self) !== true) continue;
      // open() also applies a config changed through another broker to an open partition.
      const handle = registry.open(topic.name, p, config);
      const key = `${topic.name}/${p}`;
      replication.apply(handle, state);
      if (state.leader !== self) {
        if (ledBefore.delete(key) && topic.name === OFFSETS_TOPIC) groups.onResign(p);
        continue;
      }
      if (ledBefore.has(key)) continue;
      ledBefore.add(key);
      if (topic.name === OFFSETS_TOPIC) groups.onBecomeLeader(p);
    }
  }
  for (const open of registry.list()) {
    if (known.has(open.topic)) {
      const state = broker.cluster.partitionState(open.topic, open.partition);
      if (state === undefined || state.replicas.includes(self)) continue;
      // A completed reassignment moved this replica away: stop following and drop its data,
      // so a later reassignment back starts from the leader's log, not from a stale copy.
      replication.forget(open.topic, open.partition);
      if (ledBefore.delete(`${open.topic}/${open.partition}`) && open.topic === OFFSETS_TOPIC) {
        groups.onResign(open.partition);
      }
      registry.deletePartition(open.topic, open.partition);
      broker.logger.info(
        { topic: open.topic, partition: open.partition },
        'replica removed by a reassignment',
      );
      continue;
    }
    replication.forget(open.topic, open.partition);
    registry.deleteTopic(open.topic);
    broker.logger.info({ topic: open.topic }, 'topic deleted by the cluster');
  }
}

/**
 * Deletes the stray replicas in this broker's data folder, once the first cluster view is in:
 * partitions of topics deleted, or replicas reassigned away, while this broker was down. Kafka
 * does the same at startup; kept, a stray copy could be mistaken for a replica's data if the
 * partition is ever assigned back here, and it wastes disk meanwhile.
 */
export function removeStrayReplicas(broker: BrokerContext, registry: LocalPartitionRegistry): void {
  const self = broker.config.nodeId;
  const known = new Set(broker.topics.list().map((t) => t.name));
  for (const { topic, partition } of registry.storedPartitions()) {
    if (registry.get(topic, partition) !== undefined) continue;
    if (known.has(topic)) {
      const state = broker.cluster.partitionState(topic, partition);
      if (state?.replicas.includes(self) === true) continue;
    }
    registry.deletePartition(topic, partition);
    broker.logger.info({ topic, partition }, 'stray replica removed');
  }
}
