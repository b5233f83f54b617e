/**
 * The single-broker {@link MetadataStore}: this node is the only broker, the controller, and the
 * leader (epoch 0) and whole ISR of every partition; topics live in `topics.json`
 * ({@link FileTopicStore}). No dependencies: the default, and what embedded brokers use.
 */
import type { TopicStore } from '../broker-context.js';
import { FileTopicStore } from '../topic-store.js';
import type { BrokerRegistration, ClusterView, PartitionState } from './cluster-view.js';
import type { MetadataStore } from './metadata-store.js';
import { ReplicaAdmin } from './replica-admin.js';

/**
 * The view of a cluster of one: `self()` is read at call time (a broker learns its port only
 * once bound). Test contexts use it directly over their in-memory topic stores.
 */
export function singleNodeView(
  self: () => BrokerRegistration,
  topics: Pick<TopicStore, 'get'>,
): ClusterView {
  // One frozen state per node id: handlers compare and read it, never change it.
  let cached: { nodeId: number; state: PartitionState } | undefined;
  const stateOf = (nodeId: number): PartitionState => {
    if (cached?.nodeId !== nodeId) {
      const state = Object.freeze({
        leader: nodeId,
        leaderEpoch: 0,
        isr: Object.freeze([nodeId]),
        replicas: Object.freeze([nodeId]),
        partitionEpoch: 0,
      });
      cached = { nodeId, state };
    }
    return cached.state;
  };
  return {
    kind: 'local',
    liveBrokers: () => [self()],
    controllerId: () => self().nodeId,
    partitionState(topic, partition) {
      const metadata = topics.get(topic);
      if (metadata === undefined || partition < 0 || partition >= metadata.partitionCount)
        return undefined;
      return stateOf(self().nodeId);
    },
    // Nothing changes behind a single broker's back.
    onChange: () => () => undefined,
    // The ISR of a single broker is itself, always.
    alterIsr: () => Promise.resolve(false),
  };
}

/**
 * ElectLeaders and reassignments on a single broker: the same rules as in a cluster, which find
 * nothing to move (the only broker leads every partition and is its only possible replica).
 */
export function singleNodeReplicaAdmin(
  view: ClusterView,
  topics: Pick<TopicStore, 'list'>,
): ReplicaAdmin {
  return new ReplicaAdmin({
    view,
    isController: () => true,
    *partitions() {
      for (const topic of topics.list()) {
        for (let p = 0; p < topic.partitionCount; p++) {
          const state = view.partitionState(topic.name, p);
          if (state !== undefined) yield [topic.name, p, state] as const;
        }
      }
    },
  });
}

/** See the module comment. */
export class LocalMetadataStore implements MetadataStore {
  readonly kind = 'local';
  readonly topics: FileTopicStore;
  readonly replicaAdmin: ReplicaAdmin;
  private self: BrokerRegistration | undefined;
  private readonly view: ClusterView;

  constructor(dataDir: string) {
    this.topics = new FileTopicStore(dataDir);
    this.view = singleNodeView(() => {
      if (this.self === undefined) throw new Error('LocalMetadataStore used before start()');
      return this.self;
    }, this.topics);
    this.replicaAdmin = singleNodeReplicaAdmin(this.view, this.topics);
  }

  start(self: BrokerRegistration): Promise<void> {
    this.self = self;
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  liveBrokers(): readonly BrokerRegistration[] {
    return this.view.liveBrokers();
  }

  controllerId(): number {
    return this.view.controllerId();
  }

  partitionState(topic: string, partition: number): PartitionState | undefined {
    return this.view.partitionState(topic, partition);
  }

  onChange(listener: () => void): () => void {
    return this.view.onChange(listener);
  }

  alterIsr(
    topic: string,
    partition: number,
    leaderEpoch: number,
    change: (state: PartitionState) => readonly number[] | undefined,
  ): Promise<boolean> {
    return this.view.alterIsr(topic, partition, leaderEpoch, change);
  }
}
