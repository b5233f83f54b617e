/**
 * Persistence of groups and committed offsets in `__consumer_offsets`: which partition holds a
 * group, the records a commit, a generation or a deletion turns into, the error codes a failed
 * append maps to (Kafka's GroupMetadataManager mapping), and the replay of a partition on load.
 * Appends are synchronous: on a single broker the leader's append is the acknowledgement, so the
 * coordinator changes its memory only after the records are in the log, and a failed append
 * changes nothing.
 */
import { DecodeError } from '../../protocol/byte-reader.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { Logger } from '../../util/logger.js';
import type { CommittedOffset } from './group.js';
import { Group, GroupState } from './group.js';
import { groupPartition } from './group-partition.js';
import { EMPTY_BYTES, Member } from './member.js';
import type { OffsetsLog, OffsetsRecord } from './offsets-log.js';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from './offsets-records.js';
import type { GroupMetadataValue } from './offsets-records.js';

/** One partition's committed offset. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: CommittedOffset;
}

/** A partition of some topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What one `__consumer_offsets` partition held: the last state of each key. */
export interface LoadedPartition {
  /** Group metadata by group id (deleted groups absent). */
  readonly groups: Map<string, GroupMetadataValue>;
  /** Committed offsets by group id, then topic, then partition. */
  readonly offsets: Map<string, Map<string, Map<number, CommittedOffset>>>;
  /** Records that could not be decoded and were skipped. */
  readonly skipped: number;
}

/** Failed appends as the coordinator reports them (Kafka's storeGroup/storeOffsets mapping). */
function storeError(code: ErrorCode, offsets: boolean): ErrorCode {
  switch (code) {
    case ErrorCode.NONE:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      return code;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return offsets ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}

/** The stored form of `group`, with `assignments` overriding the members' current ones. */
function groupValue(group: Group, assignments?: ReadonlyMap<string, Buffer>): GroupMetadataValue {
  const protocol = group.protocolName;
  return {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderId,
    currentStateTimestamp: group.stateTimestampMs,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: protocol === null ? EMPTY_BYTES : m.metadata(protocol),
      assignment: assignments?.get(m.memberId) ?? m.assignment,
    })),
  };
}

/** See the module comment. */
export class GroupStore {
  private partitions: number | undefined;

  constructor(
    private readonly log: OffsetsLog,
    private readonly logger: Logger,
  ) {}

  /**
   * The partitions groups are spread over, read from the log on first use and fixed from then on:
   * it decides which partition every group lives in.
   */
  get partitionCount(): number {
    this.partitions ??= this.log.partitionCount();
    return this.partitions;
  }

  /** The `__consumer_offsets` partition of `groupId`. */
  partitionFor(groupId: string): number {
    return groupPartition(groupId, this.partitionCount);
  }

  /** Creates `__consumer_offsets` if needed (FindCoordinator does, as Kafka). */
  ensureTopic(): ErrorCode {
    return this.log.ensureTopic();
  }

  /** Whether this broker coordinates the groups of `partition` (leads it). */
  leads(partition: number): boolean {
    return this.log.leads?.(partition) ?? true;
  }

  /** Whether there is a topic to load from. */
  hasTopic(): boolean {
    return this.log.exists();
  }

  private append(groupId: string, records: OffsetsRecord[], nowMs: number): ErrorCode {
    if (records.length === 0) return ErrorCode.NONE;
    return this.log.append(this.partitionFor(groupId), records, nowMs);
  }

  /**
   * Waits until what was appended for `groupId` is held by the in-sync replicas of its
   * `__consumer_offsets` partition (acks=all for the coordinator's own writes), up to
   * `timeoutMs`. NONE, or the code to answer with: NOT_COORDINATOR when this broker stopped
   * leading the partition, COORDINATOR_NOT_AVAILABLE when the ISR could not take it in time (the
   * client retries either way).
   */
  async awaitReplicated(groupId: string, timeoutMs: number): Promise<ErrorCode> {
    const wait = this.log.awaitReplicated?.bind(this.log);
    if (wait === undefined) return ErrorCode.NONE;
    return storeError(await wait(this.partitionFor(groupId), timeoutMs), false);
  }

  /** Writes the group's generation and members (with `assignments` when the leader sent them). */
  storeGroup(group: Group, nowMs: number, assignments?: ReadonlyMap<string, Buffer>): ErrorCode {
    const record: OffsetsRecord = {
      key: encodeGroupMetadataKey(group.groupId),
      value: encodeGroupMetadataValue(groupValue(group, assignments)),
    };
    return storeError(this.append(group.groupId, [record], nowMs), false);
  }

  /** Writes committed offsets, one record each, as one batch. */
  storeOffsets(groupId: string, offsets: readonly PartitionOffset[], nowMs: number): ErrorCode {
    const records = offsets.map(({ topic, partition, offset }) => ({
      key: encodeOffsetCommitKey({ group: groupId, topic, partition }),
      value: encodeOffsetCommitValue({
        offset: offset.offset,
        leaderEpoch: offset.leaderEpoch,
        metadata: offset.metadata,
        commitTimestamp: offset.commitTimestampMs,
      }),
    }));
    return storeError(this.append(groupId, records, nowMs), true);
  }

  /** Writes tombstones for `partitions`' offsets and, when `group` is set, for the group. */
  remove(
    groupId: string,
    partitions: readonly TopicPartition[],
    group: boolean,
    nowMs: number,
  ): ErrorCode {
    const records: OffsetsRecord[] = partitions.map(({ topic, partition }) => ({
      key: encodeOffsetCommitKey({ group: groupId, topic, partition }),
      value: null,
    }));
    if (group) records.push({ key: encodeGroupMetadataKey(groupId), value: null });
    return storeError(this.append(groupId, records, nowMs), true);
  }

  /** Replays one partition: the last record of every key wins, a tombstone deletes it. */
  async load(partition: number): Promise<LoadedPartition> {
    const groups = new Map<string, GroupMetadataValue>();
    const offsets = new Map<string, Map<string, Map<number, CommittedOffset>>>();
    let skipped = 0;
    for await (const records of this.log.read(partition)) {
      for (const record of records) {
        try {
          replay(record, groups, offsets);
        } catch (err) {
          if (!(err instanceof DecodeError)) throw err;
          skipped++;
          this.logger.warn({ partition, err }, 'skipping an undecodable __consumer_offsets record');
        }
      }
    }
    return { groups, offsets, skipped };
  }
}

function replay(
  record: OffsetsRecord,
  groups: Map<string, GroupMetadataValue>,
  offsets: Map<string, Map<string, Map<number, CommittedOffset>>>,
): void {
  const key = decodeOffsetsKey(record.key);
  if (key.kind === 'group') {
    if (record.value === null) groups.delete(key.group);
    else groups.set(key.group, decodeGroupMetadataValue(record.value));
    return;
  }
  if (key.kind !== 'offset') return;
  let byTopic = offsets.get(key.group);
  if (record.value === null) {
    byTopic?.get(key.topic)?.delete(key.partition);
    return;
  }
  const value = decodeOffsetCommitValue(record.value);
  if (byTopic === undefined) {
    byTopic = new Map();
    offsets.set(key.group, byTopic);
  }
  let partitions = byTopic.get(key.topic);
  if (partitions === undefined) {
    partitions = new Map();
    byTopic.set(key.topic, partitions);
  }
  partitions.set(key.partition, {
    offset: value.offset,
    leaderEpoch: value.leaderEpoch,
    metadata: value.metadata,
    commitTimestampMs: value.commitTimestamp,
    expireTimestampMs: value.expireTimestamp,
  });
}

/**
 * Rebuilds a group from what a partition held: Stable with its stored members, generation and
 * assignments when it had members (they keep heartbeating as if nothing happened), else Empty.
 * Stored bytes are copied, so the group does not pin the buffers the load read.
 */
export function restoreGroup(
  groupId: string,
  value: GroupMetadataValue | undefined,
  offsets: ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> | undefined,
  nowMs: number,
): Group {
  const group = new Group(groupId, nowMs);
  for (const [topic, partitions] of offsets ?? []) {
    for (const [partition, offset] of partitions) group.setOffset(topic, partition, offset);
  }
  if (value === undefined) return group;
  group.generationId = value.generation;
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  const protocol = value.protocol;
  if (protocol !== null && value.members.length > 0) {
    group.protocolName = protocol;
    for (const stored of value.members) {
      const member = new Member({
        memberId: stored.memberId,
        groupInstanceId: stored.groupInstanceId,
        clientId: stored.clientId,
        clientHost: stored.clientHost,
        // Value v0 has no rebalance timeout; Kafka then uses the session timeout.
        rebalanceTimeoutMs:
          stored.rebalanceTimeout > 0 ? stored.rebalanceTimeout : stored.sessionTimeout,
        sessionTimeoutMs: stored.sessionTimeout,
        protocolType: value.protocolType,
        protocols: [{ name: protocol, metadata: Buffer.from(stored.subscription) }],
      });
      member.assignment = Buffer.from(stored.assignment);
      group.add(member);
    }
    if (value.leader !== null && group.has(value.leader)) group.leaderId = value.leader;
  }
  const stateTimestamp = value.currentStateTimestamp >= 0 ? value.currentStateTimestamp : -1;
  group.restoreState(group.size > 0 ? GroupState.STABLE : GroupState.EMPTY, stateTimestamp);
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}
