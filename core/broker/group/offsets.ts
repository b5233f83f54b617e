/**
 * Committed offsets of one group: OffsetCommit's checks and store (Kafka's doCommitOffsets and
 * storeOffsets), OffsetDelete, and expiry under `offsets.retention.minutes`. Offsets change in
 * memory only after their records are in `__consumer_offsets`; a commit that fails a check or
 * whose append fails changes nothing.
 */
import { ErrorCode } from '../../util/error-codes.js';
import type { CommittedOffset, Group } from './group.js';
import { GroupState } from './group.js';
import type { GroupEnv } from './group-env.js';
import type { PartitionOffset, TopicPartition } from './group-store.js';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-subscription.js';
import { scheduleExpiry } from './rebalance.js';

/** One partition of an OffsetCommit. */
export interface CommitInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  /** null is stored as '' (Kafka's "no metadata"). */
  readonly metadata: string | null;
}

/** Who commits: a member of a generation, or generation -1 and '' outside group management. */
export interface Committer {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/**
 * Whether `who` may commit to `group` (Kafka's validateOffsetCommit): a member of the current
 * generation, or anyone with generation -1 and no member id while the group has no members (the
 * "simple consumer" path librdkafka's assign()+commit takes).
 */
export function checkCommitter(group: Group, who: Committer): ErrorCode {
  if (group.is(GroupState.DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (who.generationId >= 0 || who.memberId !== '' || who.groupInstanceId !== null) {
    const valid = group.validateMember(who.memberId, who.groupInstanceId);
    if (valid !== ErrorCode.NONE) return valid;
    return who.generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  }
  return group.is(GroupState.EMPTY) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

/**
 * Commits `inputs` for `group`; one error code per input, in order. A commit during
 * PreparingRebalance is accepted (a member commits what it processed before rejoining, and the
 * heartbeat tells it to rejoin); during CompletingRebalance it gets REBALANCE_IN_PROGRESS. Over-long
 * metadata fails only its own partition.
 */
export function commitOffsets(
  env: GroupEnv,
  group: Group,
  who: Committer,
  inputs: readonly CommitInput[],
): ErrorCode[] {
  const checked = checkCommitter(group, who);
  if (checked !== ErrorCode.NONE) return inputs.map(() => checked);
  if (group.is(GroupState.COMPLETING_REBALANCE))
    return inputs.map(() => ErrorCode.REBALANCE_IN_PROGRESS);
  const member = group.get(who.memberId);
  // A commit proves the member alive, as a heartbeat does.
  if (member !== undefined) scheduleExpiry(env, group, member, member.sessionTimeoutMs);
  const now = env.clock.now();
  const errors = inputs.map((i) =>
    (i.metadata?.length ?? 0) > env.config.offsetMetadataMaxBytes
      ? ErrorCode.OFFSET_METADATA_TOO_LARGE
      : ErrorCode.NONE,
  );
  const accepted: PartitionOffset[] = [];
  inputs.forEach((i, at) => {
    if (errors[at] !== ErrorCode.NONE) return;
    const offset: CommittedOffset = {
      offset: i.offset,
      leaderEpoch: i.leaderEpoch,
      metadata: i.metadata ?? '',
      commitTimestampMs: now,
      expireTimestampMs: -1,
    };
    accepted.push({ topic: i.topic, partition: i.partition, offset });
  });
  if (accepted.length === 0) return errors;
  const stored = env.store.storeOffsets(group.groupId, accepted, now);
  if (stored !== ErrorCode.NONE) {
    env.logger.warn({ group: group.groupId, errorCode: stored }, 'cannot store offsets');
    return errors.map((e) => (e === ErrorCode.NONE ? stored : e));
  }
  for (const { topic, partition, offset } of accepted) group.setOffset(topic, partition, offset);
  return errors;
}

/**
 * OffsetDelete: removes the offsets of `partitions` unless a live consumer group subscribes to
 * their topic (GROUP_SUBSCRIBED_TO_TOPIC for those). Returns the group-level error (NON_EMPTY_GROUP
 * for a non-consumer group with members) and one code per partition. An empty group left without
 * offsets is dead afterwards (the caller forgets it).
 */
export function deleteOffsets(
  env: GroupEnv,
  group: Group,
  partitions: readonly TopicPartition[],
): { errorCode: ErrorCode; partitions: ErrorCode[] } {
  if (group.is(GroupState.DEAD)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
  const consumerGroup = group.protocolType === CONSUMER_PROTOCOL_TYPE;
  if (!group.is(GroupState.EMPTY) && !consumerGroup && group.protocolType !== null)
    return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
  const codes = partitions.map((tp) =>
    !group.is(GroupState.EMPTY) && consumerGroup && group.isSubscribedTo(tp.topic)
      ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC
      : ErrorCode.NONE,
  );
  const removable = partitions.filter(
    (tp, at) => codes[at] === ErrorCode.NONE && group.offset(tp.topic, tp.partition) !== undefined,
  );
  const stored = removeOffsets(env, group, removable);
  if (stored !== ErrorCode.NONE) return { errorCode: stored, partitions: [] };
  return { errorCode: ErrorCode.NONE, partitions: codes };
}

/**
 * Writes tombstones for `partitions` (plus the group's, when it is empty and has no offsets
 * left, which makes it dead) and forgets them. NONE or the store's error; nothing changes on
 * error.
 */
export function removeOffsets(
  env: GroupEnv,
  group: Group,
  partitions: readonly TopicPartition[],
): ErrorCode {
  const remaining = new Set(
    [...group.offsets].flatMap(([t, ps]) => [...ps.keys()].map((p) => `${p}:${t}`)),
  );
  for (const tp of partitions) remaining.delete(`${tp.partition}:${tp.topic}`);
  const dies = group.is(GroupState.EMPTY) && remaining.size === 0;
  if (partitions.length === 0 && !dies) return ErrorCode.NONE;
  const now = env.clock.now();
  const stored = env.store.remove(group.groupId, partitions, dies, now);
  if (stored !== ErrorCode.NONE) return stored;
  for (const tp of partitions) group.removeOffset(tp.topic, tp.partition);
  if (dies) {
    group.clearTimers();
    group.transitionTo(GroupState.DEAD, now);
  }
  return ErrorCode.NONE;
}

/**
 * The offsets of `group` past `offsets.retention.minutes` (Kafka's KIP-211 rules): in an empty
 * group, counted from when it became empty (or from each commit when that is unknown); in a
 * stable consumer group, only offsets of topics nobody subscribes to, from their commit; in a
 * group outside group management (no protocol type), from each commit. An explicit expiry time
 * from an old OffsetCommit wins.
 */
export function expiredOffsets(group: Group, nowMs: number, retentionMs: number): TopicPartition[] {
  let since: ((o: CommittedOffset) => number) | undefined;
  let topicFilter: ((topic: string) => boolean) | undefined;
  if (group.protocolType === null) {
    since = (o) => o.commitTimestampMs;
  } else if (group.is(GroupState.EMPTY)) {
    since = (o) => (group.stateTimestampMs >= 0 ? group.stateTimestampMs : o.commitTimestampMs);
  } else if (
    group.protocolType === CONSUMER_PROTOCOL_TYPE &&
    group.is(GroupState.STABLE) &&
    group.subscribedTopics !== undefined
  ) {
    const subscribed = group.subscribedTopics;
    since = (o) => o.commitTimestampMs;
    topicFilter = (topic) => !subscribed.has(topic);
  }
  if (since === undefined) return [];
  const out: TopicPartition[] = [];
  for (const [topic, partitions] of group.offsets) {
    if (topicFilter !== undefined && !topicFilter(topic)) continue;
    for (const [partition, o] of partitions) {
      const expired =
        o.expireTimestampMs >= 0 ? nowMs >= o.expireTimestampMs : nowMs - since(o) >= retentionMs;
      if (expired) out.push({ topic, partition });
    }
  }
  return out;
}
