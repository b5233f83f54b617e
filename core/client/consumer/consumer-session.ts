/**
 * What a consumer runs while it is connected: the cluster connections, the fetcher, the group
 * membership (with a `groupId`), and the background tasks (auto commit, metadata refresh and
 * pattern re-matching); and how all of it shuts down. The consumer's public face (consumer.ts)
 * creates one on connect and polls through it.
 */
import type { Logger } from '../../util/logger.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Cluster } from '../cluster.js';
import type { ConsumerConfig } from './consumer-options.js';
import type { FetchBuffer } from './fetch-buffer.js';
import { Fetcher } from './fetcher.js';
import { GroupMember } from './group-member.js';
import type { OffsetCommitter } from './offset-committer.js';
import type { SubscriptionState } from './subscription-state.js';
import type { TopicPartition } from './types.js';

/** What a session shares with its consumer. */
export interface SessionContext {
  readonly config: ConsumerConfig;
  readonly state: SubscriptionState;
  readonly buffer: FetchBuffer;
  readonly committer: OffsetCommitter;
  readonly logger: Logger;
  /** Wakes a poll waiting for records or events. */
  notify(): void;
  /** Hands an error to the next poll, which throws it. */
  fail(err: Error): void;
  isClosing(): boolean;
}

/**
 * A connected consumer's moving parts; see the module comment.
 *
 * @example
 * ```ts
 * const session = new ConsumerSession(await Cluster.connect(options), context);
 * session.fetcher.kick();
 * await session.close();
 * ```
 */
export class ConsumerSession {
  readonly fetcher: Fetcher;
  /** The group membership; undefined without a `groupId`. */
  readonly member: GroupMember | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly cluster: Cluster,
    private readonly ctx: SessionContext,
  ) {
    const c = ctx.config;
    this.fetcher = new Fetcher(
      cluster,
      ctx.state,
      ctx.buffer,
      { ...c, maxBufferedBytes: c.fetchMaxBytes },
      {
        onData: () => {
          ctx.notify();
        },
        onOutOfRange: (s) => {
          if (c.autoOffsetReset === 'none')
            ctx.fail(
              new FjordError(
                `${s.topic}-${s.partition}: fetch offset out of range`,
                ErrorCode.OFFSET_OUT_OF_RANGE,
              ),
            );
          else s.reset = c.autoOffsetReset;
          ctx.notify();
        },
        onError: (err) => {
          ctx.fail(err);
        },
      },
      ctx.logger,
    );
    if (c.groupId !== undefined) this.member = this.newMember(c.groupId);
    if (c.enableAutoCommit)
      this.every(c.autoCommitIntervalMs, async () => {
        if (!ctx.isClosing()) await ctx.committer.commitProcessed();
      });
    this.every(Math.min(c.metadataMaxAgeMs, 300_000), () => this.checkMetadata());
    if (ctx.state.mode.kind === 'pattern') this.updatePattern();
  }

  /** The group membership, unless the consumer assigns partitions itself. */
  get activeMember(): GroupMember | undefined {
    return this.ctx.state.mode.kind === 'assigned' ? undefined : this.member;
  }

  private newMember(groupId: string): GroupMember {
    const { config: c, state } = this.ctx;
    return new GroupMember(
      this.cluster,
      { ...c, groupId, rebalanceTimeoutMs: c.maxPollIntervalMs },
      {
        subscribedTopics: () => state.subscribedTopics(),
        ownedPartitions: () => state.partitions(),
        revoke: (ps, how) => this.revoke(ps, how),
        assign: async (ps) => {
          state.add(ps);
          await c.listeners.onAssigned?.(ps);
          this.fetcher.kick();
        },
        wake: () => {
          this.ctx.notify();
        },
        rebalancing: () => {
          c.listeners.onRebalanceStart?.();
        },
        fatal: (err) => {
          this.ctx.fail(err);
        },
      },
      this.ctx.logger,
    );
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      void task().catch((err: unknown) => {
        this.ctx.logger.warn({ err }, 'background task failed');
      });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Re-matches a pattern subscription against the cached topics; rejoins when it changed. */
  updatePattern(): void {
    const cluster = this.cluster;
    const topics = cluster.topicNames().map((name) => ({
      name,
      isInternal: cluster.cachedTopic(name)?.isInternal === true,
    }));
    if (this.ctx.state.matchPattern(topics))
      this.member?.requestRejoin('pattern matches other topics');
  }

  private async checkMetadata(): Promise<void> {
    if (this.ctx.isClosing()) return;
    await this.cluster.refreshMetadata();
    this.updatePattern();
    if (this.member?.metadataChanged() === true)
      this.member.requestRejoin('partition count changed');
    this.fetcher.kick();
  }

  /** Before partitions go: commit what was processed (when auto commit is on), tell the listener. */
  private async revoke(
    partitions: readonly TopicPartition[],
    how: 'revoked' | 'lost',
  ): Promise<void> {
    const { config, committer, state, buffer, logger } = this.ctx;
    if (how === 'revoked' && config.enableAutoCommit) {
      await committer.commitProcessed(partitions).catch((err: unknown) => {
        logger.warn({ err }, 'commit before revoking partitions failed');
      });
    }
    const listener = how === 'revoked' ? config.listeners.onRevoked : config.listeners.onLost;
    try {
      await listener?.(partitions);
    } finally {
      state.remove(partitions);
      for (const tp of partitions) buffer.clear(tp.topic, tp.partition);
    }
  }

  /**
   * Stops fetching and the background tasks, commits what was processed (with auto commit),
   * runs the revoke (or lost) listener, leaves the group and closes the connections.
   */
  async close(): Promise<void> {
    const { config, committer, state, logger } = this.ctx;
    for (const t of this.timers) clearInterval(t);
    this.fetcher.stop();
    const member = this.activeMember;
    const owned = state.partitions();
    if (config.enableAutoCommit && (member === undefined || member.isStable)) {
      await committer.commitProcessed().catch((err: unknown) => {
        logger.warn({ err }, 'commit on close failed');
      });
    }
    if (member !== undefined && owned.length > 0) {
      const listener = member.isStable ? config.listeners.onRevoked : config.listeners.onLost;
      await Promise.resolve(listener?.(owned)).catch((err: unknown) => {
        logger.warn({ err }, 'rebalance listener failed on close');
      });
    }
    await member?.leave();
    await this.cluster.close();
  }
}
