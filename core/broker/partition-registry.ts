import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import { compacts } from '../log/log-config.js';
import type { LogConfig } from '../log/log-config.js';
import { AssertionError } from '../util/assert.js';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError, StorageError } from '../util/errors.js';
import { silentLogger } from '../util/logger.js';
import type { Logger } from '../util/logger.js';
import type { BrokerConfig } from './broker-config.js';
import type { PartitionHandle, PartitionRegistry, PartitionWatch } from './broker-context.js';
import { LocalPartition } from './local-partition.js';
import { LocalPartitionWatch } from './partition-watch.js';
import { systemTimers } from './timers.js';
import type { Timers } from './timers.js';

/** Maintenance yields to the event loop after this many partitions, so requests keep flowing. */
const YIELD_EVERY_PARTITIONS = 64;

/** Kafka's `producer.id.expiration.ms` default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

/** What {@link LocalPartitionRegistry} is built from. */
export interface LocalPartitionRegistryOptions {
  /** The data folder and the intervals of the background tasks. */
  readonly config: Pick<
    BrokerConfig,
    'logDir' | 'logRetentionCheckIntervalMs' | 'logFlushSchedulerIntervalMs'
  >;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Default: Node's timers, unref'd. */
  readonly timers?: Timers;
  /** Forget an idle producer's state after this long; default one day, as Kafka. */
  readonly producerIdExpirationMs?: number;
}

/** One hosted partition, for metrics and tools. */
export interface PartitionSummary {
  readonly topic: string;
  readonly partition: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly sizeBytes: number;
  readonly producers: number;
}

/** What one maintenance pass did. */
export interface MaintenanceReport {
  readonly segmentsDeleted: number;
  readonly partitionsCompacted: number;
  readonly recordsRemoved: number;
  readonly producersExpired: number;
  readonly snapshotsWritten: number;
}

/** Kafka's partition folder name: `<topic>-<partition>`. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The topic and partition a folder name stands for, or undefined when it is not one. */
export function parsePartitionDirName(
  name: string,
): { readonly topic: string; readonly partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  const digits = name.slice(dash + 1);
  if (dash <= 0 || !/^\d+$/.test(digits)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(digits) };
}

/**
 * The partitions of a single broker, one {@link LocalPartition} per `<log.dirs>/<topic>-<n>`, plus
 * the background work Kafka's LogManager does: every `log.retention.check.interval.ms` retention,
 * producer-id expiry, compaction (one partition at a time, a pass never overlapping the previous
 * one) and producer snapshots; every `log.flush.scheduler.interval.ms` the `flush.ms` check.
 * Background timers run only between {@link LocalPartitionRegistry.start} and
 * {@link LocalPartitionRegistry.close}; tests call {@link LocalPartitionRegistry.runMaintenance}.
 *
 * @example
 * ```ts
 * const registry = new LocalPartitionRegistry({ config: parseBrokerConfig({ 'log.dirs': dir }) });
 * const orders = registry.open('orders', 0, DEFAULT_LOG_CONFIG);
 * registry.start();
 * // ...
 * await registry.close();
 * ```
 */
export class LocalPartitionRegistry implements PartitionRegistry {
  private readonly topics = new Map<string, Map<number, LocalPartition>>();
  private readonly watches = new Set<LocalPartitionWatch>();
  private readonly stopTimers: (() => void)[] = [];
  private readonly logDir: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly producerIdExpirationMs: number;
  private maintenance: Promise<MaintenanceReport> | undefined;
  private releasing = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LocalPartitionRegistryOptions) {
    this.logDir = options.config.logDir;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.timers = options.timers ?? systemTimers;
    this.producerIdExpirationMs =
      options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    fs.mkdirSync(this.logDir, { recursive: true });
  }

  open(topic: string, partition: number, config: LogConfig): LocalPartition {
    if (this.closing !== undefined) throw new StorageError('the partition registry is closed');
    if (topic === '' || topic === '.' || topic === '..' || /[/\\\0]/.test(topic)) {
      throw new FjordError(`illegal topic name ${topic}`, ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    if (!Number.isSafeInteger(partition) || partition < 0) {
      throw new FjordError(
        `illegal partition ${partition} of ${topic}`,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
    }
    const existing = this.get(topic, partition);
    if (existing !== undefined) {
      existing.log.updateConfig(config);
      return existing;
    }
    const dir = path.join(this.logDir, partitionDirName(topic, partition));
    const opened = LocalPartition.open(dir, topic, partition, config, {
      clock: this.clock,
      logger: this.logger,
    });
    let partitions = this.topics.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.topics.set(topic, partitions);
    }
    partitions.set(partition, opened);
    return opened;
  }

  get(topic: string, partition: number): LocalPartition | undefined {
    return this.topics.get(topic)?.get(partition);
  }

  /** Every open partition. */
  list(): LocalPartition[] {
    return [...this.topics.values()].flatMap((partitions) => [...partitions.values()]);
  }

  /** Offsets and sizes of every open partition, for metrics. */
  describe(): PartitionSummary[] {
    return this.list().map((p) => ({
      topic: p.topic,
      partition: p.partition,
      logStartOffset: p.log.logStartOffset,
      logEndOffset: p.log.logEndOffset,
      highWatermark: p.highWatermark,
      sizeBytes: p.log.sizeBytes,
      producers: p.producers.size,
    }));
  }

  /**
   * Closes and deletes every partition of `topic`, including folders of partitions that were never
   * opened, so a topic created again under the same name starts empty.
   */
  deleteTopic(topic: string): void {
    const partitions = this.topics.get(topic);
    this.topics.delete(topic);
    for (const p of partitions?.values() ?? []) p.delete();
    for (const entry of fs.readdirSync(this.logDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || parsePartitionDirName(entry.name)?.topic !== topic) continue;
      fs.rmSync(path.join(this.logDir, entry.name), { recursive: true, force: true });
    }
  }

  /** Every partition with a folder under `log.dirs`, open or not. */
  storedPartitions(): { readonly topic: string; readonly partition: number }[] {
    const out = [];
    for (const entry of fs.readdirSync(this.logDir, { withFileTypes: true })) {
      const parsed = entry.isDirectory() ? parsePartitionDirName(entry.name) : undefined;
      if (parsed !== undefined) out.push(parsed);
    }
    return out;
  }

  /**
   * Closes and deletes one partition's replica, e.g. after a reassignment moved it to other
   * brokers; a partition that was never opened has its folder removed. Unknown partitions are
   * ignored.
   */
  deletePartition(topic: string, partition: number): void {
    const partitions = this.topics.get(topic);
    const p = partitions?.get(partition);
    if (partitions === undefined || p === undefined) {
      fs.rmSync(path.join(this.logDir, `${topic}-${partition}`), { recursive: true, force: true });
      return;
    }
    partitions.delete(partition);
    if (partitions.size === 0) this.topics.delete(topic);
    p.delete();
  }

  updateConfig(topic: string, config: LogConfig): void {
    for (const p of this.topics.get(topic)?.values() ?? []) p.log.updateConfig(config);
  }

  watch(
    partitions: readonly PartitionHandle[],
    timeoutMs: number,
    replica = false,
  ): PartitionWatch {
    const watch = new LocalPartitionWatch((w) => this.watches.delete(w));
    if (this.releasing) {
      watch.end('closed');
      return watch;
    }
    this.watches.add(watch);
    for (const handle of partitions) {
      const local = this.get(handle.topic, handle.partition);
      if (local === handle) watch.addCleanup(local.subscribe(watch, replica));
      else watch.onChange();
    }
    if (timeoutMs > 0) {
      watch.addCleanup(
        this.timers.setTimeout(() => {
          watch.end('timeout');
        }, timeoutMs),
      );
    } else {
      watch.end('timeout');
    }
    return watch;
  }

  /** Long-poll fetches in progress (watching their partitions). */
  get activeWatches(): number {
    return this.watches.size;
  }

  /** Long-poll fetches parked right now, waiting for appends or their timeout. */
  get waitingFetches(): number {
    let waiting = 0;
    for (const watch of this.watches) if (watch.isWaiting) waiting++;
    return waiting;
  }

  /** Starts the retention and flush timers. */
  start(): void {
    if (this.stopTimers.length > 0 || this.closing !== undefined) return;
    const { logRetentionCheckIntervalMs, logFlushSchedulerIntervalMs } = this.options.config;
    this.stopTimers.push(
      this.timers.setInterval(() => {
        // A pass still running (a long compaction) makes this tick a no-op: never overlapping.
        if (this.maintenance === undefined) void this.runMaintenance();
      }, logRetentionCheckIntervalMs),
      this.timers.setInterval(() => {
        void this.flushDue();
      }, logFlushSchedulerIntervalMs),
    );
  }

  /**
   * One maintenance pass over every partition: retention, producer-id expiry, compaction, producer
   * snapshots. A call while a pass runs joins it. Failures are logged per partition.
   */
  runMaintenance(): Promise<MaintenanceReport> {
    this.maintenance ??= this.maintain().finally(() => {
      this.maintenance = undefined;
    });
    return this.maintenance;
  }

  private async maintain(): Promise<MaintenanceReport> {
    let segmentsDeleted = 0;
    let partitionsCompacted = 0;
    let recordsRemoved = 0;
    let producersExpired = 0;
    let snapshotsWritten = 0;
    const now = this.clock.now();
    for (const [i, p] of this.list().entries()) {
      if (i % YIELD_EVERY_PARTITIONS === YIELD_EVERY_PARTITIONS - 1) await yieldToEventLoop();
      this.guard(p, 'retention', () => {
        const deleted = p.log.applyRetention();
        if (deleted > 0) p.notifyChanged();
        segmentsDeleted += deleted;
        producersExpired += p.expireProducers(now, this.producerIdExpirationMs);
      });
    }
    for (const p of this.list()) {
      if (this.closing !== undefined) break;
      if (p.isClosed || !compacts(p.log.config.cleanupPolicy)) continue;
      try {
        const result = await p.log.compact();
        if (result.segmentsCleaned > 0) partitionsCompacted++;
        recordsRemoved += result.recordsRemoved;
      } catch (err) {
        this.reportFailure(p, 'compaction', err);
      }
    }
    for (const [i, p] of this.list().entries()) {
      if (i % YIELD_EVERY_PARTITIONS === YIELD_EVERY_PARTITIONS - 1) await yieldToEventLoop();
      this.guard(p, 'producer snapshot', () => {
        if (p.writeProducerSnapshot()) snapshotsWritten++;
      });
    }
    return {
      segmentsDeleted,
      partitionsCompacted,
      recordsRemoved,
      producersExpired,
      snapshotsWritten,
    };
  }

  /** Flushes every partition whose `flush.ms` has passed; the flush scheduler's tick. */
  async flushDue(): Promise<void> {
    await Promise.all(
      this.list().map((p) =>
        p.log.flushIfDue().catch((err: unknown) => {
          this.reportFailure(p, 'flush', err);
        }),
      ),
    );
  }

  private guard(p: LocalPartition, task: string, run: () => void): void {
    if (p.isClosed) return;
    try {
      run();
    } catch (err) {
      this.reportFailure(p, task, err);
    }
  }

  private reportFailure(p: LocalPartition, task: string, err: unknown): void {
    // Broken invariants are bugs and are never caught.
    if (err instanceof AssertionError) throw err;
    // A partition deleted or closed under the task is not a failure.
    if (p.isClosed) return;
    this.logger.error({ topic: p.topic, partition: p.partition, err }, `${task} failed`);
  }

  /**
   * Wakes every waiting fetch and makes new ones return at once: the first step of a clean
   * shutdown, so in-flight requests can be answered before the connections close.
   */
  releaseWaiters(): void {
    this.releasing = true;
    for (const watch of this.watches) watch.end('closed');
  }

  /**
   * Stops the timers, releases waiting fetches, writes producer snapshots, closes every log
   * cleanly, then waits for a maintenance pass in flight to give up.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    this.releaseWaiters();
    for (const stop of this.stopTimers.splice(0)) stop();
    for (const p of this.list()) {
      try {
        p.close();
      } catch (err) {
        this.logger.error({ topic: p.topic, partition: p.partition, err }, 'close failed');
      }
    }
    this.topics.clear();
    await this.maintenance?.catch(() => undefined);
  }
}
