/**
 * The consumer's commits: one at a time, in order, each carrying the member's current
 * generation; auto commit of the positions the application has processed (those as of its
 * last poll), skipping offsets already committed.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Cluster } from '../cluster.js';
import type { GroupMember } from './group-member.js';
import { commitOffsets, NO_GENERATION, type RetryPolicy } from './offsets.js';
import type { SubscriptionState } from './subscription-state.js';
import type { TopicPartition, TopicPartitionOffset } from './types.js';
import { tpKey } from './types.js';

const REJOIN_CODES: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.REBALANCE_IN_PROGRESS,
]);

/** What the committer reads from its consumer. */
export interface CommitterContext {
  readonly groupId: string | undefined;
  readonly state: SubscriptionState;
  cluster(): Cluster | undefined;
  /** The group membership, undefined for a consumer that assigns partitions itself. */
  member(): GroupMember | undefined;
  policy(): RetryPolicy;
}

/**
 * Commits for one consumer.
 *
 * @example
 * ```ts
 * committer.markProcessed(state.positions()); // at every poll
 * await committer.autoCommit(); // every auto.commit.interval.ms
 * ```
 */
export class OffsetCommitter {
  private chain: Promise<unknown> = Promise.resolve();
  /** Positions as of the last poll: what the application has processed. */
  private processed: TopicPartitionOffset[] = [];
  private readonly lastCommitted = new Map<string, number>();

  constructor(private readonly ctx: CommitterContext) {}

  /** Records the positions the application has processed (called when it polls). */
  markProcessed(positions: TopicPartitionOffset[]): void {
    this.processed = positions;
  }

  /** A seek redefines what counts as processed for its partition, as in Java. */
  noteSeek(tpo: TopicPartitionOffset): void {
    const key = tpKey(tpo.topic, tpo.partition);
    this.processed = [
      ...this.processed.filter((o) => tpKey(o.topic, o.partition) !== key),
      { topic: tpo.topic, partition: tpo.partition, offset: tpo.offset },
    ];
  }

  /** Remembers an offset known to be committed (found by OffsetFetch). */
  noteCommitted(key: string, offset: number): void {
    this.lastCommitted.set(key, offset);
  }

  /** Commits `offsets` after the commits before it; rejects as {@link commitOffsets} does. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const cluster = this.ctx.cluster();
    const member = this.ctx.member();
    const groupId = this.ctx.groupId;
    if (cluster === undefined || groupId === undefined || offsets.length === 0)
      return Promise.resolve();
    const run = async (): Promise<void> => {
      const generation = member?.generation ?? NO_GENERATION;
      try {
        await commitOffsets(cluster, groupId, generation, offsets, this.ctx.policy());
      } catch (err) {
        if (err instanceof FjordError && REJOIN_CODES.has(err.code))
          member?.requestRejoin(err.codeName);
        throw err;
      }
      for (const o of offsets) this.lastCommitted.set(tpKey(o.topic, o.partition), o.offset);
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Commits the processed positions of `partitions` (default: all assigned) not yet committed. */
  commitProcessed(partitions?: readonly TopicPartition[]): Promise<void> {
    const member = this.ctx.member();
    if (member !== undefined && !member.isStable) return Promise.resolve();
    const only =
      partitions === undefined
        ? undefined
        : new Set(partitions.map((tp) => tpKey(tp.topic, tp.partition)));
    const due = this.processed.filter((o) => {
      const key = tpKey(o.topic, o.partition);
      return (
        this.ctx.state.isAssigned(o.topic, o.partition) &&
        (only === undefined || only.has(key)) &&
        this.lastCommitted.get(key) !== o.offset
      );
    });
    return this.commit(due);
  }
}
