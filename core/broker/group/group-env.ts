/**
 * What the group state machine runs on: its settings, time (a clock for timestamps and injected
 * timers for session, rebalance and sync timeouts, so tests drive time by hand), a logger and the
 * store that persists groups and offsets.
 */
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../broker-config.js';
import type { Timers } from '../timers.js';
import type { GroupStore } from './group-store.js';

/** The coordinator's settings (broker properties `group.*`, `offsets.*`, `offset.*`). */
export interface GroupCoordinatorConfig {
  /** `group.min.session.timeout.ms` */
  readonly minSessionTimeoutMs: number;
  /** `group.max.session.timeout.ms` */
  readonly maxSessionTimeoutMs: number;
  /** `group.initial.rebalance.delay.ms` */
  readonly initialRebalanceDelayMs: number;
  /** `group.max.size` */
  readonly maxSize: number;
  /** `offsets.retention.minutes` in ms */
  readonly offsetsRetentionMs: number;
  /** `offsets.retention.check.interval.ms` */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes` */
  readonly offsetMetadataMaxBytes: number;
  /** `offsets.commit.timeout.ms`: the wait for the ISR of a commit or a stored assignment. */
  readonly offsetsCommitTimeoutMs: number;
}

/** See the module comment. */
export interface GroupEnv {
  readonly config: GroupCoordinatorConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly store: GroupStore;
}

/**
 * Kafka's `group.new.member.join.timeout`: a member that joined in this rebalance is dropped if
 * the rebalance has not answered it within this long (KIP-394).
 */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

/** The coordinator's settings from the broker's. */
export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    maxSize: config.groupMaxSize,
    offsetsRetentionMs: config.offsetsRetentionMs,
    offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
    offsetsCommitTimeoutMs: config.offsetsCommitTimeoutMs,
  };
}
