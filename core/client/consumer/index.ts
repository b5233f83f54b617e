/** The consumer's public surface, re-exported by core/index.ts. */
export { Consumer } from './consumer.js';
export {
  DEFAULT_ASSIGNORS,
  type ConsumerOptions,
  type AutoOffsetReset,
} from './consumer-options.js';
export type {
  ConsumerBatch,
  ConsumerRecord,
  TopicPartition,
  TopicPartitionOffset,
  RebalanceListeners,
} from './types.js';
export {
  rangeAssignor,
  roundRobinAssignor,
  cooperativeStickyAssignor,
  type Assignor,
  type AssignorName,
  type MemberSubscription,
  type RebalanceProtocol,
} from './assignors/index.js';
