/**
 * A follower broker's fetcher from one leader broker: one connection carrying every partition
 * this broker follows on that leader, fetching them together with its broker id as `replica_id`
 * and a long poll (`replica.fetch.wait.max.ms`), so idle followers wait at the leader instead of
 * spinning. Before fetching a partition in a new leader epoch it asks the leader, with
 * OffsetForLeaderEpoch, where its own newest epoch ends there and truncates to that (KIP-101/279),
 * never to the high watermark alone. Fetched batches are appended exactly as the leader stored
 * them.
 */
import { KafkaConnection } from '../../network/client-connection.js';
import { ApiKey } from '../../protocol/messages/index.js';
import type { FetchResponse, PartitionData } from '../../protocol/messages/index.js';
import { truncationOffset } from '../../log/leader-epoch-cache.js';
import type { Clock } from '../../util/clock.js';
import { ErrorCode, errorName } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { LocalPartition } from '../local-partition.js';

/** The newest Fetch and OffsetForLeaderEpoch versions the fetcher speaks. */
const FETCH_MAX_VERSION = 12;
const OFFSET_FOR_LEADER_EPOCH_MAX_VERSION = 4;
/** The total record bytes one fetch asks for, over all partitions. */
const FETCH_MAX_BYTES = 16 * 1024 * 1024;
/** Deadline of a request beyond its own wait: a silent leader is given up on after it. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Pause after a connection failure or a partition error, before trying again. */
const RETRY_BACKOFF_MS = 100;

/** Where to reach a broker, or undefined while it is not registered. */
export type EndpointLookup = (brokerId: number) => { host: string; port: number } | undefined;

/** What a {@link ReplicaFetcher} needs. */
export interface ReplicaFetcherOptions {
  /** This broker's id: the fetches' `replica_id`. */
  readonly self: number;
  readonly endpoint: EndpointLookup;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `replica.fetch.wait.max.ms`. */
  readonly fetchWaitMaxMs: number;
  /** `replica.fetch.max.bytes`, per partition. */
  readonly fetchMaxBytes: number;
}

interface Followed {
  readonly handle: LocalPartition;
  /** The leader epoch this partition is followed in; fetches carry it. */
  readonly epoch: number;
  /** Whether the log was truncated against the leader in this epoch. */
  truncated: boolean;
  /** After an error, the partition sits out fetches until then. */
  retryAtMs: number;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** See the module comment. */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, Followed>();
  private conn: KafkaConnection | undefined;
  private running = true;
  private wakeUp: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    /** The leader broker this fetcher copies from. */
    readonly leaderId: number,
    private readonly options: ReplicaFetcherOptions,
  ) {
    this.done = this.run();
  }

  /** Partitions followed. */
  get size(): number {
    return this.partitions.size;
  }

  /**
   * Follows `handle` in leader epoch `epoch`. A partition already followed in that epoch is left
   * as it is; a new epoch (even of the same leader broker) truncates again before fetching.
   */
  follow(handle: LocalPartition, epoch: number): void {
    const key = keyOf(handle.topic, handle.partition);
    const current = this.partitions.get(key);
    if (current?.handle === handle && current.epoch === epoch) return;
    this.partitions.set(key, { handle, epoch, truncated: false, retryAtMs: 0 });
    this.wake();
  }

  /** Stops following `topic`/`partition` (responses in flight for it are dropped). */
  unfollow(topic: string, partition: number): void {
    this.partitions.delete(keyOf(topic, partition));
  }

  /** Whether this fetcher follows the partition in `epoch`. */
  follows(topic: string, partition: number, epoch: number): boolean {
    return this.partitions.get(keyOf(topic, partition))?.epoch === epoch;
  }

  /** Stops fetching and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.conn?.close();
    await this.done;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const now = this.options.clock.now();
      const ready = [...this.partitions.values()].filter((p) => p.retryAtMs <= now);
      if (ready.length === 0) {
        const next = Math.min(...[...this.partitions.values()].map((p) => p.retryAtMs));
        await this.sleep(Number.isFinite(next) ? Math.max(1, next - now) : 60_000);
        continue;
      }
      try {
        const conn = await this.connection();
        const untruncated = ready.filter((p) => !p.truncated);
        if (untruncated.length > 0) await this.truncate(conn, untruncated);
        const fetchable = ready.filter((p) => p.truncated && !p.handle.isClosed);
        if (fetchable.length > 0) await this.fetch(conn, fetchable);
      } catch (err) {
        // stop() closes the connection under the request: that failure is the stop, not news.
        if (this.stopRequested()) break;
        this.options.logger.debug({ leader: this.leaderId, err }, 'replica fetch failed');
        await this.conn?.close().catch(() => undefined);
        this.conn = undefined;
        await this.sleep(RETRY_BACKOFF_MS);
      }
    }
    await this.conn?.close().catch(() => undefined);
  }

  private stopRequested(): boolean {
    return !this.running;
  }

  private async connection(): Promise<KafkaConnection> {
    if (this.conn !== undefined && !this.conn.closed) return this.conn;
    const endpoint = this.options.endpoint(this.leaderId);
    if (endpoint === undefined) throw new Error(`leader ${this.leaderId} is not registered`);
    const conn = await KafkaConnection.connect(endpoint.host, endpoint.port, {
      clientId: `fjord-replica-${this.options.self}`,
      connectTimeoutMs: REQUEST_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      logger: this.options.logger,
    });
    await conn.apiVersions();
    if (!this.running) {
      await conn.close();
      throw new Error('stopped');
    }
    this.conn = conn;
    return conn;
  }

  /** Still followed as `p` was: a response for a partition since moved on is dropped. */
  private current(p: Followed): boolean {
    return this.partitions.get(keyOf(p.handle.topic, p.handle.partition)) === p;
  }

  private backOff(p: Followed, errorCode: number): void {
    p.retryAtMs = this.options.clock.now() + RETRY_BACKOFF_MS;
    this.options.logger.debug(
      { topic: p.handle.topic, partition: p.handle.partition, error: errorName(errorCode) },
      'replica fetch partition error',
    );
  }

  /** Truncates each partition to where its newest epoch ends at the leader (KIP-279). */
  private async truncate(conn: KafkaConnection, parts: readonly Followed[]): Promise<void> {
    const byTopic = new Map<string, Followed[]>();
    for (const p of parts) {
      if (p.handle.log.latestEpoch < 0) {
        // Nothing to compare: an empty log (or one with no epoch) only needs fetching.
        p.truncated = true;
        continue;
      }
      const list = byTopic.get(p.handle.topic) ?? [];
      list.push(p);
      byTopic.set(p.handle.topic, list);
    }
    if (byTopic.size === 0) return;
    const version = conn.pickVersion(
      ApiKey.OFFSET_FOR_LEADER_EPOCH,
      OFFSET_FOR_LEADER_EPOCH_MAX_VERSION,
    );
    const response = await conn.send(ApiKey.OFFSET_FOR_LEADER_EPOCH, version, {
      replicaId: this.options.self,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((p) => ({
          partition: p.handle.partition,
          currentLeaderEpoch: p.epoch,
          leaderEpoch: p.handle.log.latestEpoch,
        })),
      })),
    });
    for (const t of response.topics) {
      for (const answer of t.partitions) {
        const p = byTopic.get(t.topic)?.find((x) => x.handle.partition === answer.partition);
        if (p === undefined || !this.current(p) || p.handle.isClosed) continue;
        if (answer.errorCode !== ErrorCode.NONE) {
          this.backOff(p, answer.errorCode);
          continue;
        }
        const handle = p.handle;
        const end = handle.log.logEndOffset;
        const to = truncationOffset(handle.log.epochs, end, {
          leaderEpoch: answer.leaderEpoch ?? -1,
          endOffset: answer.endOffset,
        });
        if (to < end) handle.truncateTo(to);
        p.truncated = true;
      }
    }
  }

  private async fetch(conn: KafkaConnection, parts: readonly Followed[]): Promise<void> {
    const byTopic = new Map<string, Followed[]>();
    for (const p of parts) {
      const list = byTopic.get(p.handle.topic) ?? [];
      list.push(p);
      byTopic.set(p.handle.topic, list);
    }
    const version = conn.pickVersion(ApiKey.FETCH, FETCH_MAX_VERSION);
    const waitMs = this.options.fetchWaitMaxMs;
    const response: FetchResponse = await conn.send(
      ApiKey.FETCH,
      version,
      {
        clusterId: null,
        replicaId: this.options.self,
        maxWaitMs: waitMs,
        minBytes: 1,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, list]) => ({
          topic,
          partitions: list.map((p) => ({
            partition: p.handle.partition,
            currentLeaderEpoch: p.epoch,
            fetchOffset: p.handle.log.logEndOffset,
            lastFetchedEpoch: p.handle.log.latestEpoch,
            logStartOffset: p.handle.log.logStartOffset,
            partitionMaxBytes: this.options.fetchMaxBytes,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      { timeoutMs: waitMs + REQUEST_TIMEOUT_MS },
    );
    if (response.errorCode !== undefined && response.errorCode !== ErrorCode.NONE)
      throw new Error(`replica fetch failed: ${errorName(response.errorCode)}`);
    for (const t of response.responses) {
      for (const data of t.partitions) {
        const p = byTopic.get(t.topic)?.find((x) => x.handle.partition === data.partitionIndex);
        if (p === undefined || !this.current(p) || p.handle.isClosed) continue;
        try {
          this.apply(p, data);
        } catch (err) {
          if (!(err instanceof FjordError)) throw err;
          // A batch that does not continue this log (or arrived damaged): compare epochs again.
          p.truncated = false;
          this.backOff(p, err.code);
        }
      }
    }
  }

  private apply(p: Followed, data: PartitionData): void {
    const handle = p.handle;
    if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const leaderStart = data.logStartOffset ?? -1;
      if (leaderStart > handle.log.logEndOffset) handle.truncateFullyAndStartAt(leaderStart);
      // Past the leader's end: this log holds history the leader lacks; compare epochs again.
      else p.truncated = false;
      return;
    }
    if (data.errorCode !== ErrorCode.NONE) {
      this.backOff(p, data.errorCode);
      return;
    }
    const records = data.records;
    if (records !== null) {
      const chunks = Buffer.isBuffer(records) ? [records] : records;
      for (const chunk of chunks) if (chunk.length > 0) handle.appendAsFollower(chunk);
    }
    handle.followLeaderHighWatermark(data.highWatermark);
    if (data.logStartOffset !== undefined) handle.followLeaderLogStart(data.logStartOffset);
  }
}
