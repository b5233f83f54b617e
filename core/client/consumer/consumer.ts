/**
 * fjord's consumer: a Kafka consumer for any Kafka-protocol cluster. It consumes partitions
 * assigned by hand or shared in a consumer group (classic protocol), hands out batches of
 * records through an async iterator or an RxJS Observable, and commits offsets automatically or
 * on request.
 *
 * Semantics follow the Java client, with "poll" meaning "ask the iterator for the next batch":
 * asking for the next batch means the previous ones are processed, so auto commit only ever
 * commits positions as of the last such request, and rebalances (with their listeners) run only
 * then. A consumer that is not asked for batches for `maxPollIntervalMs` holds up its group's
 * rebalance and is eventually removed from the group.
 */
import { mergeMap, type Observable } from 'rxjs';

import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { Cluster } from '../cluster.js';
import {
  resolveConsumerConfig,
  type ConsumerConfig,
  type ConsumerOptions,
} from './consumer-options.js';
import { batchStream } from './batch-stream.js';
import { ConsumerSession } from './consumer-session.js';
import { FetchBuffer } from './fetch-buffer.js';
import type { GroupMember } from './group-member.js';
import { OffsetCommitter } from './offset-committer.js';
import { fetchCommittedOffsets, type RetryPolicy } from './offsets.js';
import { resolvePositions } from './position-resolver.js';
import { SubscriptionState } from './subscription-state.js';
import type {
  ConsumerBatch,
  ConsumerRecord,
  TopicPartition,
  TopicPartitionOffset,
} from './types.js';
import { Wakeup } from './wakeup.js';

/** The longest the poll loop sleeps without a notification. */
const IDLE_WAIT_MS = 1000;

/**
 * A Kafka consumer.
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ bootstrap: 'localhost:9092', groupId: 'billing' });
 * await consumer.connect();
 * consumer.subscribe(['orders']);
 * for await (const batch of consumer) {
 *   for (const record of batch.records) console.log(record.offset, record.value?.toString());
 * }
 * ```
 */
export class Consumer implements AsyncIterable<ConsumerBatch> {
  private readonly config: ConsumerConfig;
  private readonly state = new SubscriptionState();
  private readonly buffer = new FetchBuffer();
  private readonly wakeup = new Wakeup();
  private readonly logger: Logger;
  private session: ConsumerSession | undefined;
  private connecting: Promise<void> | undefined;
  private pendingError: Error | undefined;
  private pollChain: Promise<unknown> = Promise.resolve();
  private readonly committer: OffsetCommitter;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    /** The options the consumer was created with. */
    readonly options: ConsumerOptions,
  ) {
    this.config = resolveConsumerConfig(options);
    this.committer = new OffsetCommitter({
      groupId: this.config.groupId,
      state: this.state,
      cluster: () => this.session?.cluster,
      member: () => this.session?.activeMember,
      policy: () => this.policy(),
    });
    this.logger = (options.logger ?? silentLogger).child({ client: 'consumer' });
  }

  /** Connects to the cluster (the first poll does it too). */
  connect(): Promise<void> {
    if (this.closing)
      return Promise.reject(new FjordError('the consumer is closed', ErrorCode.INVALID_REQUEST));
    this.connecting ??= this.open().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const cluster = await Cluster.connect(this.options);
    if (this.closing) {
      await cluster.close();
      throw new FjordError('the consumer was closed while connecting', ErrorCode.INVALID_REQUEST);
    }
    this.session = new ConsumerSession(cluster, {
      config: this.config,
      state: this.state,
      buffer: this.buffer,
      committer: this.committer,
      logger: this.logger,
      notify: () => {
        this.wakeup.notify();
      },
      fail: (err) => {
        this.fail(err);
      },
      isClosing: () => this.closing,
    });
  }

  private isClosing(): boolean {
    return this.closing;
  }

  private fail(err: Error): void {
    this.pendingError ??= err;
    this.wakeup.notify();
  }

  /**
   * Subscribes to topics, or to every topic matching a pattern (re-matched as metadata is
   * refreshed, every `metadataMaxAgeMs`); partitions come from the group. Needs a `groupId`.
   */
  subscribe(topics: readonly string[] | RegExp): void {
    if (this.config.groupId === undefined)
      throw new FjordError(
        'subscribe() needs a groupId; use assign() without one',
        ErrorCode.INVALID_GROUP_ID,
      );
    this.state.subscribe(topics);
    if (topics instanceof RegExp) this.session?.updatePattern();
    this.session?.member?.requestRejoin('subscription changed');
  }

  /**
   * Consumes exactly these partitions, without group membership, from `offset` when given, else
   * from the committed offset (with a `groupId`) or `autoOffsetReset`.
   */
  assign(partitions: readonly (TopicPartition & { readonly offset?: number })[]): void {
    this.state.assignManually(partitions);
    for (const p of partitions) if (p.offset !== undefined) this.seek({ ...p, offset: p.offset });
    this.changed();
  }

  private changed(): void {
    this.session?.fetcher.kick();
    this.wakeup.notify();
  }

  /** Moves a partition's position; the next batch of it starts at `offset`. */
  seek(tpo: TopicPartitionOffset): void {
    this.state.seek(tpo);
    this.committer.noteSeek(tpo);
    this.buffer.clear(tpo.topic, tpo.partition);
    this.changed();
  }

  /** Moves partitions (default: all assigned) to their log start, looked up before the next batch. */
  seekToBeginning(partitions: readonly TopicPartition[] = this.state.partitions()): void {
    for (const tp of partitions) this.state.requestReset(tp, 'earliest');
    this.changed();
  }

  /** Moves partitions (default: all assigned) to their log end (last stable offset). */
  seekToEnd(partitions: readonly TopicPartition[] = this.state.partitions()): void {
    for (const tp of partitions) this.state.requestReset(tp, 'latest');
    this.changed();
  }

  /**
   * Moves partitions (default: all assigned) to the first record with a timestamp ≥
   * `timestampMs` (ListOffsets by time), or to the log end when there is none.
   */
  seekToTimestamp(
    timestampMs: number,
    partitions: readonly TopicPartition[] = this.state.partitions(),
  ): void {
    for (const tp of partitions) this.state.requestReset(tp, { timestampMs });
    this.changed();
  }

  /** Stops fetching and handing out records of these partitions until {@link Consumer.resume}. */
  pause(partitions: readonly TopicPartition[]): void {
    this.state.setPaused(partitions, true);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.state.setPaused(partitions, false);
    this.changed();
  }

  paused(): TopicPartition[] {
    return this.state.pausedPartitions();
  }

  /** The partitions of `topic`, from metadata (refreshed when the topic is not known yet). */
  async partitionsFor(topic: string): Promise<TopicPartition[]> {
    await this.connect();
    const info = await this.session?.cluster.topic(topic);
    if (info?.errorCode !== 0)
      throw new FjordError(`topic ${topic} does not exist`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return info.partitions.map((p) => ({ topic, partition: p.partition }));
  }

  /** The assigned partitions. */
  assignment(): TopicPartition[] {
    return this.state.partitions();
  }

  /** Every assigned partition's position (next offset handed out), or one partition's. */
  position(): TopicPartitionOffset[];
  position(partition: TopicPartition): number | undefined;
  position(partition?: TopicPartition): TopicPartitionOffset[] | number | undefined {
    if (partition === undefined) return this.state.positions();
    return this.state.require(partition).position;
  }

  private policy(): RetryPolicy {
    return {
      deadlineMs: Date.now() + this.config.defaultApiTimeoutMs,
      backoffMs: this.config.retryBackoffMs,
    };
  }

  /**
   * Commits offsets (default: the position of every assigned partition, i.e. everything handed
   * out so far) for the group. Needs a `groupId`.
   */
  async commit(offsets?: readonly TopicPartitionOffset[]): Promise<void> {
    if (this.config.groupId === undefined)
      throw new FjordError('commit() needs a groupId', ErrorCode.INVALID_GROUP_ID);
    await this.connect();
    await this.committer.commit(offsets ?? this.state.positions());
  }

  /**
   * The group's committed offsets of `partitions`, with the metadata committed with them;
   * partitions without a committed offset are absent. Needs a `groupId`.
   *
   * @example
   * ```ts
   * const [c] = await consumer.committed([{ topic: 'orders', partition: 0 }]);
   * console.log(c?.offset, c?.metadata);
   * ```
   */
  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const groupId = this.config.groupId;
    if (groupId === undefined)
      throw new FjordError('committed() needs a groupId', ErrorCode.INVALID_GROUP_ID);
    await this.connect();
    const cluster = this.session?.cluster;
    if (cluster === undefined || partitions.length === 0) return [];
    const found = await fetchCommittedOffsets(cluster, groupId, partitions, this.policy());
    return [...found.values()];
  }

  /**
   * The userData of this member's last assignment, as the group leader's assignor set it (see
   * `Assignor.assignmentUserData`); null without one. Read it in `onAssigned`.
   */
  assignmentUserData(): Buffer | null {
    return this.session?.activeMember?.userData ?? null;
  }

  /** The group membership, unless the consumer assigns partitions itself. */
  private get activeMember(): GroupMember | undefined {
    return this.session?.activeMember;
  }

  /**
   * The next batch, what the iterator and the Observables are made of: runs a pending
   * rebalance, looks up missing positions, and waits for records. Asking for it means the
   * batches handed out before are processed. Resolves undefined once the consumer closes or
   * `signal` aborts.
   */
  poll(signal?: AbortSignal): Promise<ConsumerBatch | undefined> {
    const run = (): Promise<ConsumerBatch | undefined> => this.pollOnce(signal);
    const result = this.pollChain.then(run, run);
    this.pollChain = result.catch(() => undefined);
    return result;
  }

  private async pollOnce(signal?: AbortSignal): Promise<ConsumerBatch | undefined> {
    if (this.isClosing()) return undefined;
    await this.connect();
    this.committer.markProcessed(this.state.positions());
    if (this.state.mode.kind === 'none')
      throw new FjordError('subscribe() or assign() before consuming', ErrorCode.INVALID_REQUEST);
    for (;;) {
      if (this.closing || signal?.aborted === true) return undefined;
      const error = this.pendingError;
      if (error !== undefined) {
        this.pendingError = undefined;
        throw error;
      }
      const member = this.activeMember;
      if (member?.needsJoin === true) {
        await member.ensureActive();
        continue;
      }
      if (this.state.needingPosition().length > 0) {
        await this.resolve();
        continue;
      }
      const batch = this.buffer.take(this.state, this.config.maxPollRecords);
      this.session?.fetcher.kick();
      if (batch !== undefined) return batch;
      await this.wakeup.wait(IDLE_WAIT_MS, signal);
    }
  }

  private async resolve(): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    await resolvePositions({
      cluster: session.cluster,
      state: this.state,
      groupId: this.config.groupId,
      autoOffsetReset: this.config.autoOffsetReset,
      policy: this.policy(),
      onCommittedFound: (key, offset) => {
        this.committer.noteCommitted(key, offset);
      },
    });
    session.fetcher.kick();
  }

  /** Batches of records, until the consumer closes: `for await (const batch of consumer)`. */
  [Symbol.asyncIterator](): AsyncIterator<ConsumerBatch, undefined> {
    return {
      next: async () => {
        const batch = await this.poll();
        return batch === undefined
          ? { done: true, value: undefined }
          : { done: false, value: batch };
      },
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  /**
   * The batches as an Observable; it completes when the consumer closes. A batch counts as
   * processed once its `next` handler returns, so process synchronously or commit yourself.
   */
  batches$(): Observable<ConsumerBatch> {
    return batchStream({
      poll: (signal) => this.poll(signal),
      unread: (batch) => {
        const first = batch.records[0];
        if (first !== undefined && this.state.isAssigned(batch.topic, batch.partition))
          this.seek({ topic: batch.topic, partition: batch.partition, offset: first.offset });
      },
    });
  }

  /** The records one by one, as an Observable. */
  records$(): Observable<ConsumerRecord> {
    return this.batches$().pipe(mergeMap((batch) => batch.records));
  }

  /**
   * Closes the consumer: a pending iteration ends, processed offsets are committed (with auto
   * commit), the revoke listener runs, the member leaves its group, connections close.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.wakeup.notify();
    await this.session?.close();
  }
}
