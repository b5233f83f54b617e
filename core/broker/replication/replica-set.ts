/**
 * A partition leader's view of its replicas: the ISR and assignment the metadata gave it, and
 * what each follower's fetches told (follower-state.ts). It answers the high watermark the ISR
 * allows and whether a follower may join; the partition (local-partition.ts) owns the log and
 * acts on the answers.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FollowerState } from './follower-state.js';
import { highWatermarkOf } from './high-watermark.js';
import { expandedIsr } from './isr-rules.js';

/** See the module comment. */
export class ReplicaSet {
  private self = -1;
  /** Empty on a single broker: the leader alone, as an ISR of one. */
  private isrIds: readonly number[] = [];
  private replicaIds: readonly number[] = [];
  private readonly followerStates = new Map<number, FollowerState>();
  private epochStart = 0;

  /** This broker's id, as the cluster sync handed it in; -1 on a single broker. */
  get selfId(): number {
    return this.self;
  }

  /** The in-sync replicas as last learnt (the leader alone on a single broker). */
  get isr(): readonly number[] {
    return this.isrIds.length === 0 ? [this.self] : this.isrIds;
  }

  get isrSize(): number {
    return Math.max(1, this.isrIds.length);
  }

  /** Whether the ISR is the leader alone: then what it appends is committed at once. */
  get leaderAlone(): boolean {
    return this.isrIds.length <= 1;
  }

  get replicas(): readonly number[] {
    return this.replicaIds;
  }

  get followers(): ReadonlyMap<number, FollowerState> {
    return this.followerStates;
  }

  /** The leader's log end when its epoch began; a follower must reach it to join the ISR. */
  get leaderEpochStartOffset(): number {
    return this.epochStart;
  }

  /** A new leadership from `logEndOffset`: every follower's log end is unknown again. */
  startLeading(self: number, logEndOffset: number): void {
    this.self = self;
    this.followerStates.clear();
    this.epochStart = logEndOffset;
  }

  /** The ISR and assignment the metadata now names; new followers start caught up at `nowMs`. */
  update(isr: readonly number[], replicas: readonly number[], nowMs: number): void {
    for (const id of replicas) {
      if (id !== this.self && !this.followerStates.has(id))
        this.followerStates.set(id, new FollowerState(id, nowMs));
    }
    for (const id of this.followerStates.keys())
      if (!replicas.includes(id)) this.followerStates.delete(id);
    this.replicaIds = replicas;
    this.isrIds = isr;
  }

  /** No longer leading: forgets the followers and the ISR. */
  stopLeading(self: number): void {
    this.self = self;
    this.followerStates.clear();
    this.isrIds = [];
  }

  /** The smallest log end over the ISR, the leader's being `leaderEndOffset`. */
  highWatermark(leaderEndOffset: number): number {
    return this.leaderAlone
      ? leaderEndOffset
      : highWatermarkOf(this.self, leaderEndOffset, this.isrIds, this.followerStates);
  }

  /**
   * Records a fetch by `replicaId` from `fetchOffset`: NONE, OFFSET_OUT_OF_RANGE outside
   * [`logStartOffset`, `leaderEndOffset`] (nothing recorded), or NOT_LEADER_OR_FOLLOWER for a
   * broker that holds no replica.
   */
  recordFetch(
    replicaId: number,
    fetchOffset: number,
    logStartOffset: number,
    leaderEndOffset: number,
    nowMs: number,
  ): ErrorCode {
    const follower = this.followerStates.get(replicaId);
    if (follower === undefined) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (fetchOffset > leaderEndOffset || fetchOffset < logStartOffset)
      return ErrorCode.OFFSET_OUT_OF_RANGE;
    follower.onFetch(fetchOffset, leaderEndOffset, nowMs);
    return ErrorCode.NONE;
  }

  /** Whether `replicaId`, outside the ISR, now qualifies to join it (isr-rules.ts). */
  mayJoin(replicaId: number, highWatermark: number, nowMs: number): boolean {
    if (this.isrIds.includes(replicaId)) return false;
    const joined = expandedIsr(
      this.isr,
      this.replicaIds,
      this.followerStates,
      highWatermark,
      this.epochStart,
      nowMs,
      Number.POSITIVE_INFINITY,
    );
    return joined?.includes(replicaId) === true;
  }
}
