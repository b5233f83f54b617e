/**
 * Where the group coordinator keeps its state: the partitions of `__consumer_offsets`, seen as a
 * log of key/value records. The broker's implementation (offsets-topic.ts) appends to and reads
 * the real topic; unit tests use an in-memory one.
 */
import type { ErrorCode } from '../../util/error-codes.js';

/** One record: a key and a value, or a null value for a tombstone. */
export interface OffsetsRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** See the module comment. */
export interface OffsetsLog {
  /** The partitions of `__consumer_offsets`: the topic's when it exists, else the configured. */
  partitionCount(): number;
  /** Whether the topic exists (a broker that never had a group has nothing to load). */
  exists(): boolean;
  /**
   * Creates the topic if it does not exist yet (compacted); NONE, or the error code to answer
   * with (COORDINATOR_NOT_AVAILABLE) when it cannot be created.
   */
  ensureTopic(): ErrorCode;
  /**
   * Appends `records` to `partition` as one batch stamped `timestampMs`, creating the topic if
   * needed, and returns once the batch is in the log (acks: the answer comes after the append).
   * NONE, or the log's error code; nothing is appended on error.
   */
  append(partition: number, records: readonly OffsetsRecord[], timestampMs: number): ErrorCode;
  /**
   * Whether this broker leads `partition` and so coordinates its groups; absent: always (one
   * broker, or an in-memory log).
   */
  leads?(partition: number): boolean;
  /**
   * Resolves once everything appended to `partition` so far is held by its in-sync replicas
   * (its high watermark reached the log end), or with why not: NOT_LEADER_OR_FOLLOWER,
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT after `timeoutMs`. Absent: appends are
   * durable once made (one broker, an in-memory log).
   */
  awaitReplicated?(partition: number, timeoutMs: number): Promise<ErrorCode>;
  /** Every record of `partition` from its log start to its high watermark, oldest first. */
  read(partition: number): AsyncIterable<readonly OffsetsRecord[]>;
}
