import type { LogConfig } from '../log/log-config.js';
import { PartitionLog } from '../log/partition-log.js';
import type { AppendResult } from '../log/partition-log.js';
import { readBatchHeader } from '../protocol/records/batch-header.js';
import type { BatchHeader } from '../protocol/records/batch-header.js';
import type { Clock } from '../util/clock.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { LeaderAppendResult, PartitionHandle } from './broker-context.js';
import type { PartitionListener } from './partition-watch.js';
import { loadProducerState, ProducerSnapshotWriter, scanProducers } from './producer-snapshot.js';
import { ProducerStateManager } from './producer-state.js';
import { FetchWaiters } from './fetch-waiters.js';
import type { FollowerState } from './replication/follower-state.js';
import { ProducePurgatory } from './replication/produce-purgatory.js';
import { ReplicaSet } from './replication/replica-set.js';

export { PRODUCER_STATE_FILE } from './producer-snapshot.js';

/** What opening a partition needs besides its folder. */
export interface LocalPartitionOptions {
  readonly clock: Clock;
  readonly logger: Logger;
}

function failed(errorCode: ErrorCode): LeaderAppendResult {
  return { errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, duplicate: false };
}

/** Whether this broker leads the partition or copies it from the leader. */
export type ReplicaRole = 'leader' | 'follower';

/**
 * One partition hosted by this broker: its {@link PartitionLog}, its idempotent-producer state,
 * its high watermark and the fetches waiting on it, in one of two roles.
 *
 * - **Leader**: appends producers' batches, learns each follower's log end from its fetches, and
 *   keeps the high watermark at the smallest log end of the ISR; acks=all produces wait for it
 *   (produce-purgatory.ts). With the ISR being the leader alone (always so on a single broker)
 *   the high watermark follows the log end as soon as an append returns.
 * - **Follower**: appends the leader's batches as they are, takes the leader's high watermark
 *   (capped by its own log end), and truncates where its history diverged.
 */
export class LocalPartition implements PartitionHandle {
  private epoch = 0;
  private hw: number;
  private currentRole: ReplicaRole = 'leader';
  private readonly replicaSet = new ReplicaSet();
  private readonly purgatory = new ProducePurgatory();
  private readonly waiters = new FetchWaiters();
  private expansionListener: ((partition: LocalPartition) => void) | undefined;
  private closed = false;
  private readonly snapshots: ProducerSnapshotWriter;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    readonly log: PartitionLog,
    private producerState: ProducerStateManager,
    private readonly logger: Logger,
  ) {
    this.hw = log.logEndOffset;
    this.snapshots = new ProducerSnapshotWriter(dir);
  }

  /** Opens (or creates) the partition in `dir`, recovering its log and its producer state. */
  static open(
    dir: string,
    topic: string,
    partition: number,
    config: LogConfig,
    options: LocalPartitionOptions,
  ): LocalPartition {
    const logger = options.logger.child({ topic, partition });
    const log = PartitionLog.open(dir, { config, clock: options.clock, logger });
    try {
      const { state, scannedBatches } = loadProducerState(dir, log, logger);
      if (scannedBatches > 0)
        logger.debug({ scannedBatches, producers: state.size }, 'rebuilt producer state');
      return new LocalPartition(topic, partition, dir, log, state, logger);
    } catch (err) {
      log.close();
      throw err;
    }
  }

  /** The idempotent producers of this partition. */
  get producers(): ProducerStateManager {
    return this.producerState;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** The leader epoch stamped into appended batches: 0 on a single broker, the cluster's else. */
  get leaderEpoch(): number {
    return this.epoch;
  }

  get isLeader(): boolean {
    return this.currentRole === 'leader';
  }

  /** Leader or follower. */
  get role(): ReplicaRole {
    return this.currentRole;
  }

  /** The in-sync replicas as this leader last learnt them (the leader alone on a single broker). */
  get isr(): readonly number[] {
    return this.replicaSet.isr;
  }

  get isrSize(): number {
    return this.replicaSet.isrSize;
  }

  /** Every assigned replica, as the cluster's metadata lists them. */
  get replicas(): readonly number[] {
    return this.replicaSet.replicas;
  }

  /** This broker's id, as the cluster sync handed it in; -1 on a single broker. */
  get selfId(): number {
    return this.replicaSet.selfId;
  }

  /** As leader: what each follower's fetches told. */
  get followers(): ReadonlyMap<number, FollowerState> {
    return this.replicaSet.followers;
  }

  /** As leader: the log end when this leader epoch began; a follower must reach it to join. */
  get leaderEpochStartOffset(): number {
    return this.replicaSet.leaderEpochStartOffset;
  }

  /**
   * Takes the leader epoch the cluster's metadata gives this broker's leadership. Epochs only
   * grow: an older one is a stale view and is ignored.
   */
  setLeaderEpoch(epoch: number): void {
    if (epoch > this.epoch) this.epoch = epoch;
  }

  /** Called when a follower outside the ISR may join it (the replica manager decides). */
  onIsrExpansion(listener: ((partition: LocalPartition) => void) | undefined): void {
    this.expansionListener = listener;
  }

  /**
   * Leads the partition in `epoch` with the ISR and replicas the metadata names. A new epoch
   * (or a follower promoted) starts afresh: every follower's log end is unknown until it
   * fetches, so the high watermark holds until the whole ISR has been heard from, and the epoch
   * is recorded at the log end, so OffsetsForLeaderEpoch answers a follower still in an older
   * epoch with where that epoch ended here (KIP-279). The same epoch again only updates the
   * ISR, which may move the high watermark and complete or fail waiting produces.
   */
  becomeLeader(
    self: number,
    epoch: number,
    isr: readonly number[],
    replicas: readonly number[],
    nowMs: number,
  ): void {
    if (epoch < this.epoch) return;
    if (this.currentRole !== 'leader' || epoch !== this.epoch || self !== this.selfId) {
      this.currentRole = 'leader';
      this.epoch = epoch;
      this.replicaSet.startLeading(self, this.log.logEndOffset);
      this.log.epochs.assign(epoch, this.log.logEndOffset);
      this.logger.info({ epoch, isr, logEndOffset: this.log.logEndOffset }, 'leading');
      this.notifyChanged();
    }
    this.replicaSet.update(isr, replicas, nowMs);
    this.updateHighWatermark();
    this.purgatory.onHighWatermark(this.hw, this.isrSize, this.log.config.minInsyncReplicas);
  }

  /**
   * Follows the leader of `epoch`: stops accepting produces and fails those waiting for the
   * high watermark with NOT_LEADER_OR_FOLLOWER (a newer leader may truncate their records).
   * Returns whether the epoch or role changed (the follower must then truncate before fetching).
   */
  becomeFollower(self: number, epoch: number): boolean {
    if (epoch < this.epoch) return false;
    const changed = this.currentRole !== 'follower' || epoch !== this.epoch;
    if (this.currentRole === 'leader') {
      this.purgatory.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      if (this.selfId >= 0) this.logger.info({ epoch }, 'stepping down to follower');
    }
    this.currentRole = 'follower';
    this.epoch = epoch;
    this.replicaSet.stopLeading(self);
    if (changed) this.notifyChanged();
    return changed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  appendAsLeader(batch: Buffer, header: BatchHeader): LeaderAppendResult {
    if (this.currentRole !== 'leader') return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const idempotent = header.producerId >= 0;
    if (idempotent) {
      const verdict = this.producerState.check(header);
      if (verdict.kind === 'reject') {
        this.logger.debug({ errorCode: verdict.errorCode }, verdict.message);
        return failed(verdict.errorCode);
      }
      if (verdict.kind === 'duplicate') {
        const logAppendTime = this.log.config.messageTimestampType === 'LogAppendTime';
        return {
          errorCode: ErrorCode.NONE,
          baseOffset: verdict.batch.baseOffset,
          logAppendTimeMs: logAppendTime ? verdict.batch.timestamp : -1,
          logStartOffset: this.log.logStartOffset,
          duplicate: true,
        };
      }
    }
    let appended: AppendResult;
    try {
      // The produce handler validated the batch (framing, CRC, records) before getting here.
      appended = this.log.append(batch, { leaderEpoch: this.leaderEpoch, framingChecked: true });
    } catch (err) {
      if (err instanceof FjordError) return failed(err.code);
      throw err;
    }
    if (idempotent) this.producerState.record(header, appended.baseOffset, appended.maxTimestamp);
    this.afterLeaderAppend(batch.length);
    return {
      errorCode: ErrorCode.NONE,
      baseOffset: appended.baseOffset,
      logAppendTimeMs: appended.logAppendTimeMs,
      logStartOffset: this.log.logStartOffset,
      duplicate: false,
    };
  }

  /** Wakes replica fetches at once; consumer fetches once the high watermark covers `bytes`. */
  private afterLeaderAppend(bytes: number): void {
    this.waiters.appended(bytes);
    const end = this.log.logEndOffset;
    if (this.replicaSet.leaderAlone && !this.waiters.holding) {
      // The ISR is the leader alone: committed on append (the single-broker path).
      if (end <= this.hw) return;
      this.hw = end;
      this.waiters.committed(bytes);
      if (this.purgatory.size > 0)
        this.purgatory.onHighWatermark(end, this.isrSize, this.log.config.minInsyncReplicas);
      return;
    }
    this.waiters.hold(end, bytes);
    this.updateHighWatermark();
  }

  /** As leader: moves the high watermark to the smallest log end of the ISR. */
  private updateHighWatermark(): void {
    if (this.currentRole !== 'leader') return;
    this.moveHighWatermark(this.replicaSet.highWatermark(this.log.logEndOffset));
  }

  /** Raises the high watermark (never lowers it), releasing the bytes it passed to fetches. */
  private moveHighWatermark(target: number): void {
    if (target <= this.hw) return;
    this.hw = target;
    this.waiters.release(target);
    if (this.currentRole === 'leader')
      this.purgatory.onHighWatermark(target, this.isrSize, this.log.config.minInsyncReplicas);
  }

  /**
   * As leader: a follower fetched from `fetchOffset`, which is its log end. Updates what the
   * leader knows of it, the high watermark, and asks for an ISR expansion when it caught up.
   * OFFSET_OUT_OF_RANGE when the offset is outside the leader's log (the follower must truncate
   * first, or start at the log start); NOT_LEADER_OR_FOLLOWER for a broker that is no replica.
   */
  recordFollowerFetch(replicaId: number, fetchOffset: number, nowMs: number): ErrorCode {
    if (this.currentRole !== 'leader') return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const { logStartOffset, logEndOffset } = this.log;
    const code = this.replicaSet.recordFetch(
      replicaId,
      fetchOffset,
      logStartOffset,
      logEndOffset,
      nowMs,
    );
    if (code !== ErrorCode.NONE) return code;
    this.updateHighWatermark();
    if (this.expansionListener !== undefined && this.replicaSet.mayJoin(replicaId, this.hw, nowMs))
      this.expansionListener(this);
    return ErrorCode.NONE;
  }

  /**
   * As leader, for an acks=all produce: calls `done` once the high watermark reaches
   * `requiredOffset` (see produce-purgatory.ts), or with NOT_LEADER_OR_FOLLOWER when this broker
   * stops leading first. Returns the cancellation (the request timed out).
   */
  awaitHighWatermark(requiredOffset: number, done: (errorCode: ErrorCode) => void): () => void {
    if (this.currentRole !== 'leader') {
      done(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      return () => undefined;
    }
    if (this.hw >= requiredOffset) {
      done(
        this.isrSize < this.log.config.minInsyncReplicas
          ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
          : ErrorCode.NONE,
      );
      return () => undefined;
    }
    return this.purgatory.add(requiredOffset, done);
  }

  /**
   * As follower: appends the leader's batches exactly as they came (whole batches, offsets and
   * epochs kept) and the producers they carry. Returns the bytes appended.
   */
  appendAsFollower(records: Buffer): number {
    let bytes = 0;
    try {
      this.log.appendAsFollower(records, (batch) => {
        bytes += batch.length;
        const header = readBatchHeader(batch);
        if (header.producerId >= 0)
          this.producerState.record(header, header.baseOffset, header.maxTimestamp);
      });
    } finally {
      if (bytes > 0) this.waiters.hold(this.log.logEndOffset, bytes);
    }
    return bytes;
  }

  /** As follower: the leader's high watermark, capped by what this replica holds. */
  followLeaderHighWatermark(leaderHighWatermark: number): void {
    this.moveHighWatermark(Math.min(leaderHighWatermark, this.log.logEndOffset));
  }

  /**
   * As follower: moves the log start up to the leader's (records the leader deleted with
   * DeleteRecords, or dropped by retention), never past this replica's high watermark, so that
   * a follower elected later does not serve records its leader had deleted.
   */
  followLeaderLogStart(leaderLogStart: number): void {
    const target = Math.min(leaderLogStart, this.hw);
    if (target <= this.log.logStartOffset) return;
    this.log.deleteRecordsBefore(target);
    this.notifyChanged();
  }

  /**
   * As follower: removes everything at and after `offset` (history the leader does not share).
   * The producer state is rebuilt from what remains and its snapshot dropped, since both may
   * describe the removed batches.
   */
  truncateTo(offset: number): void {
    const before = this.log.logEndOffset;
    if (offset >= before) return;
    this.log.truncateTo(offset);
    this.afterTruncation(before);
  }

  /** As follower: empties the log and restarts it at `offset` (the leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    const before = this.log.logEndOffset;
    this.log.truncateFullyAndStartAt(offset);
    this.afterTruncation(before);
  }

  private afterTruncation(endBefore: number): void {
    const end = this.log.logEndOffset;
    this.hw = Math.min(this.hw, end);
    if (this.log.logStartOffset > this.hw) this.hw = this.log.logStartOffset;
    this.waiters.truncated(end);
    this.snapshots.discard();
    const state = new ProducerStateManager();
    scanProducers(this.log, this.log.logStartOffset, state);
    this.producerState = state;
    this.logger.info({ from: endBefore, to: end }, 'truncated');
    this.notifyChanged();
  }

  /** Throws OFFSET_OUT_OF_RANGE for an offset past the high watermark or below 0. */
  deleteRecordsBefore(offset: number): number {
    if (offset > this.hw || offset < 0) {
      throw new FjordError(
        `cannot delete records before ${offset}: the high watermark is ${this.hw}`,
        ErrorCode.OFFSET_OUT_OF_RANGE,
      );
    }
    const before = this.log.logStartOffset;
    const lowWatermark = this.log.deleteRecordsBefore(offset);
    if (lowWatermark !== before) this.notifyChanged();
    return lowWatermark;
  }

  /**
   * Subscribes a waiting fetch; returns the unsubscription. A consumer's fetch hears of bytes
   * once the high watermark passes them, a `replica` fetch as soon as they are in the log.
   */
  subscribe(listener: PartitionListener, replica = false): () => void {
    return this.waiters.subscribe(listener, replica);
  }

  /** Tells waiting fetches to re-read: the log start moved or the partition went away. */
  notifyChanged(): void {
    this.waiters.changed();
  }

  /** Forgets producers idle for `expirationMs`; returns how many. */
  expireProducers(nowMs: number, expirationMs: number): number {
    return this.producerState.removeExpired(nowMs, expirationMs);
  }

  /** Writes the producer snapshot unless unchanged (see {@link ProducerSnapshotWriter}). */
  writeProducerSnapshot(): boolean {
    return this.snapshots.write(this.producerState, this.log.logEndOffset);
  }

  /** Writes the producer snapshot, then closes the log cleanly; waiting fetches are woken. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.purgatory.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    try {
      this.writeProducerSnapshot();
    } finally {
      this.log.close();
      this.notifyChanged();
    }
  }

  /** Closes the partition and removes its folder. */
  delete(): void {
    this.closed = true;
    this.purgatory.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.log.delete();
    this.notifyChanged();
  }
}
