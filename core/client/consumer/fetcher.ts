/**
 * The consumer's fetching: one long-polling Fetch at a time per partition leader, on that
 * broker's `fetch` connection (so a parked fetch never delays a heartbeat or a commit), for every
 * assigned partition that has a position, is not paused and has room in the prefetch buffer.
 * Each response goes into the {@link FetchBuffer} and fetching resumes at once for the partitions
 * that still have room, so records are usually waiting when the application asks.
 *
 * Per-partition errors: OFFSET_OUT_OF_RANGE hands the partition to `auto.offset.reset`;
 * leadership errors (NOT_LEADER_OR_FOLLOWER and its kin) refresh metadata and fetch from the new
 * leader; anything else not retriable is reported to the application.
 */
import { ApiKey } from '../../protocol/messages/index.js';
import type { FetchResponse, FetchTopic } from '../../protocol/messages/fetch.js';
import { ErrorCode, errorName, isRetriable } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { Cluster } from '../cluster.js';
import type { FetchBuffer } from './fetch-buffer.js';
import { PartitionDecoder } from './fetch-records.js';
import type { PartitionState, SubscriptionState } from './subscription-state.js';
import { tpKey } from './types.js';

const FETCH_MAX_VERSION = 12;
/** Completed fetches buffered per partition: the one being handed out and one prefetched. */
const PREFETCH_DEPTH = 2;

/** Fetch sizes and waits, in Kafka's terms. */
export interface FetcherConfig {
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  /** No new fetches while this many record bytes are buffered. */
  readonly maxBufferedBytes: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
}

/** What the fetcher tells the consumer. */
export interface FetcherEvents {
  /** New records are buffered. */
  readonly onData: () => void;
  /** The fetch offset of a partition lies outside its log. */
  readonly onOutOfRange: (state: PartitionState) => void;
  /** A failure the application must see. */
  readonly onError: (err: FjordError) => void;
}

const LEADER_MOVED: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

interface Planned {
  readonly state: PartitionState;
  readonly fetchOffset: number;
}

/**
 * Runs the fetches of one consumer.
 *
 * @example
 * ```ts
 * const fetcher = new Fetcher(cluster, state, buffer, config, events, logger);
 * fetcher.kick(); // after any change that may make partitions fetchable
 * ```
 */
export class Fetcher {
  private readonly busyNodes = new Set<number>();
  private readonly busyPartitions = new Set<string>();
  private readonly backoffUntil = new Map<number, number>();
  private running = true;
  private kickTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly state: SubscriptionState,
    private readonly buffer: FetchBuffer,
    private readonly config: FetcherConfig,
    private readonly events: FetcherEvents,
    private readonly logger: Logger,
  ) {}

  /** Starts a fetch to every leader that has fetchable partitions and none in flight. */
  kick(): void {
    if (!this.running) return;
    const now = Date.now();
    for (const [node, planned] of this.plan()) {
      const until = this.backoffUntil.get(node) ?? 0;
      if (until > now) {
        this.kickLater(until - now);
        continue;
      }
      void this.fetchFrom(node, planned);
    }
  }

  /** Stops fetching; fetches in flight are dropped when they return. */
  stop(): void {
    this.running = false;
    clearTimeout(this.kickTimer);
  }

  private kickLater(delayMs: number): void {
    if (this.kickTimer !== undefined) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.kick();
    }, delayMs);
  }

  /** Fetchable partitions grouped by leader, leaving out leaders with a fetch in flight. */
  private plan(): Map<number, Planned[]> {
    const byNode = new Map<number, Planned[]>();
    if (this.buffer.bytes >= this.config.maxBufferedBytes) return byNode;
    let leaderUnknown = false;
    for (const s of this.state.states()) {
      if (s.position === undefined || s.reset !== undefined || s.paused) continue;
      if (this.busyPartitions.has(tpKey(s.topic, s.partition))) continue;
      if (this.buffer.depth(s.topic, s.partition) >= PREFETCH_DEPTH) continue;
      const leader = this.cluster.cachedTopic(s.topic)?.partitions[s.partition]?.leader ?? -1;
      if (leader < 0) {
        leaderUnknown = true;
        continue;
      }
      if (this.busyNodes.has(leader)) continue;
      const fetchOffset = this.buffer.tailOffset(s.topic, s.partition) ?? s.position;
      const list = byNode.get(leader);
      if (list === undefined) byNode.set(leader, [{ state: s, fetchOffset }]);
      else list.push({ state: s, fetchOffset });
    }
    if (leaderUnknown) this.refreshMetadataSoon();
    return byNode;
  }

  private refreshMetadataSoon(): void {
    void this.cluster
      .refreshMetadata()
      .catch((err: unknown) => {
        this.logger.debug({ err }, 'metadata refresh failed');
      })
      .finally(() => {
        this.kickLater(this.config.retryBackoffMs);
      });
  }

  private request(planned: readonly Planned[]): FetchTopic[] {
    const byTopic = new Map<string, FetchTopic['partitions'][number][]>();
    for (const { state, fetchOffset } of planned) {
      const list = byTopic.get(state.topic) ?? [];
      list.push({
        partition: state.partition,
        currentLeaderEpoch: -1,
        fetchOffset,
        lastFetchedEpoch: -1,
        logStartOffset: -1,
        partitionMaxBytes: this.config.maxPartitionFetchBytes,
      });
      byTopic.set(state.topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  private async fetchFrom(node: number, planned: readonly Planned[]): Promise<void> {
    this.busyNodes.add(node);
    const keys = planned.map((p) => tpKey(p.state.topic, p.state.partition));
    for (const k of keys) this.busyPartitions.add(k);
    try {
      const connection = await this.cluster.connection(node, 'fetch');
      const version = connection.pickVersion(ApiKey.FETCH, FETCH_MAX_VERSION);
      const response = await connection.send(
        ApiKey.FETCH,
        version,
        {
          replicaId: -1,
          maxWaitMs: this.config.fetchMaxWaitMs,
          minBytes: this.config.fetchMinBytes,
          maxBytes: this.config.fetchMaxBytes,
          isolationLevel: 1,
          sessionId: 0,
          sessionEpoch: -1,
          topics: this.request(planned),
          forgottenTopicsData: [],
          rackId: '',
        },
        { timeoutMs: this.config.requestTimeoutMs + this.config.fetchMaxWaitMs },
      );
      if (this.running) this.handle(node, response, planned);
    } catch (err) {
      if (!this.running) return;
      this.logger.debug({ node, err }, 'fetch failed');
      this.backoff(node);
      this.refreshMetadataSoon();
    } finally {
      this.busyNodes.delete(node);
      for (const k of keys) this.busyPartitions.delete(k);
      this.kick();
    }
  }

  private backoff(node: number): void {
    this.backoffUntil.set(node, Date.now() + this.config.retryBackoffMs);
  }

  private handle(node: number, response: FetchResponse, planned: readonly Planned[]): void {
    if ((response.errorCode ?? 0) !== 0) {
      this.logger.debug({ node, error: errorName(response.errorCode ?? 0) }, 'fetch refused');
      this.backoff(node);
      return;
    }
    const byKey = new Map(planned.map((p) => [tpKey(p.state.topic, p.state.partition), p]));
    let data = false;
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const asked = byKey.get(tpKey(t.topic, p.partitionIndex));
        // The partition may have been unassigned or sought while the fetch was out.
        const current = this.state.get(t.topic, p.partitionIndex);
        if (asked === undefined || current !== asked.state) continue;
        const expected = this.buffer.tailOffset(t.topic, p.partitionIndex) ?? current.position;
        if (expected !== asked.fetchOffset || current.reset !== undefined) continue;
        if (p.errorCode === 0) {
          const accepted = this.accept(current, asked.fetchOffset, p);
          if (accepted === undefined) this.backoff(node);
          data = accepted === true || data;
        } else if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          this.buffer.clear(t.topic, p.partitionIndex);
          this.events.onOutOfRange(current);
        } else if (LEADER_MOVED.has(p.errorCode) || isRetriable(p.errorCode)) {
          this.backoff(node);
          this.refreshMetadataSoon();
        } else {
          this.backoff(node);
          this.events.onError(
            new FjordError(
              `fetch ${t.topic}-${p.partitionIndex}: ${errorName(p.errorCode)}`,
              p.errorCode as ErrorCode,
            ),
          );
        }
      }
    }
    if (data) this.events.onData();
  }

  /**
   * Buffers a partition's records: true when there is something new to hand out, false when
   * there is not, undefined when the data was unusable (reported to the application).
   */
  private accept(
    state: PartitionState,
    fetchOffset: number,
    p: FetchResponse['responses'][number]['partitions'][number],
  ): boolean | undefined {
    const bytes = Buffer.isBuffer(p.records)
      ? p.records
      : Buffer.concat(p.records === null ? [] : [...p.records]);
    const highWatermark = p.lastStableOffset >= 0 ? p.lastStableOffset : p.highWatermark;
    state.highWatermark = Math.max(state.highWatermark, highWatermark);
    let decoder: PartitionDecoder;
    try {
      // Only the batch headers are read here; records are decoded as they are handed out.
      decoder = new PartitionDecoder(
        state.topic,
        state.partition,
        bytes,
        fetchOffset,
        p.abortedTransactions,
      );
    } catch (err) {
      const code = err instanceof FjordError ? err.code : ErrorCode.CORRUPT_MESSAGE;
      this.events.onError(
        new FjordError(
          `${state.topic}-${state.partition} at offset ${fetchOffset}: corrupt data`,
          code,
          {
            cause: err,
          },
        ),
      );
      return undefined;
    }
    if (decoder.truncated) {
      this.events.onError(
        new FjordError(
          `${state.topic}-${state.partition} at offset ${fetchOffset}: a record batch is larger than ` +
            `max.partition.fetch.bytes (${this.config.maxPartitionFetchBytes})`,
          ErrorCode.MESSAGE_TOO_LARGE,
        ),
      );
      return undefined;
    }
    if (decoder.nextOffset === fetchOffset) return false;
    this.buffer.push({
      topic: state.topic,
      partition: state.partition,
      cursor: fetchOffset,
      records: [],
      index: 0,
      decoder,
      nextOffset: decoder.nextOffset,
      highWatermark,
      bytes: bytes.length,
    });
    return true;
  }
}
