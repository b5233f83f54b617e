import * as fs from 'node:fs';
import * as path from 'node:path';

import type { LogConfig } from '../log/log-config.js';
import { PartitionLog } from '../log/partition-log.js';
import type { AppendResult } from '../log/partition-log.js';
import type { BatchHeader } from '../protocol/records/batch-header.js';
import type { Clock } from '../util/clock.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { LeaderAppendResult, PartitionHandle } from './broker-context.js';
import type { PartitionListener } from './partition-watch.js';
import { ProducerStateManager } from './producer-state.js';

/** The producer-state snapshot in each partition folder, written on close and by maintenance. */
export const PRODUCER_STATE_FILE = 'producer-state.json';

/** What opening a partition needs besides its folder. */
export interface LocalPartitionOptions {
  readonly clock: Clock;
  readonly logger: Logger;
}

function failed(errorCode: ErrorCode): LeaderAppendResult {
  return { errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, duplicate: false };
}

/**
 * Loads the producer state of `log`: the snapshot in `dir` when it is readable and no newer than
 * the log (a snapshot past the log end describes data a crash lost), then a header scan of the
 * batches after it. Without a usable snapshot the whole log is scanned.
 */
function loadProducerState(
  dir: string,
  log: PartitionLog,
  logger: Logger,
): { state: ProducerStateManager; scannedBatches: number } {
  let restored: ReturnType<typeof ProducerStateManager.fromSnapshot>;
  const file = path.join(dir, PRODUCER_STATE_FILE);
  try {
    restored = ProducerStateManager.fromSnapshot(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (restored === undefined) logger.warn({ file }, 'ignoring a malformed producer snapshot');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn({ file, err }, 'ignoring an unreadable producer snapshot');
  }
  if (restored !== undefined && restored.offset > log.logEndOffset) {
    logger.warn(
      { file, snapshotOffset: restored.offset, logEndOffset: log.logEndOffset },
      'ignoring a producer snapshot past the log end',
    );
    restored = undefined;
  }
  const state = restored?.state ?? new ProducerStateManager();
  const from = Math.max(restored?.offset ?? 0, log.logStartOffset);
  let scannedBatches = 0;
  for (const header of log.batchHeadersFrom(from)) {
    scannedBatches++;
    if (header.producerId < 0 || header.baseOffset + header.lastOffsetDelta < from) continue;
    state.record(header, header.baseOffset, header.maxTimestamp);
  }
  return { state, scannedBatches };
}

/**
 * One partition this broker leads: its {@link PartitionLog}, its idempotent-producer state, its
 * high watermark and the fetches waiting on it. On a single broker the ISR is {self}, so the high
 * watermark follows the log end as soon as an append returns; replication will move it instead
 * to the smallest log end of the ISR (and must drop the producer snapshot when it truncates).
 */
export class LocalPartition implements PartitionHandle {
  private epoch = 0;
  private hw: number;
  private readonly listeners = new Set<PartitionListener>();
  private snapshotVersion = -1;
  private snapshotOffset = -1;
  private closed = false;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    readonly log: PartitionLog,
    /** The idempotent producers of this partition. */
    readonly producers: ProducerStateManager,
    private readonly logger: Logger,
  ) {
    this.hw = log.logEndOffset;
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

  get highWatermark(): number {
    return this.hw;
  }

  /** The leader epoch stamped into appended batches: 0 on a single broker, the cluster's else. */
  get leaderEpoch(): number {
    return this.epoch;
  }

  /**
   * Takes the leader epoch the cluster's metadata gives this broker's leadership. Epochs only
   * grow: an older one is a stale view and is ignored.
   */
  setLeaderEpoch(epoch: number): void {
    if (epoch > this.epoch) this.epoch = epoch;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  appendAsLeader(batch: Buffer, header: BatchHeader): LeaderAppendResult {
    const idempotent = header.producerId >= 0;
    if (idempotent) {
      const verdict = this.producers.check(header);
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
    if (idempotent) this.producers.record(header, appended.baseOffset, appended.maxTimestamp);
    this.advanceHighWatermark(batch.length);
    return {
      errorCode: ErrorCode.NONE,
      baseOffset: appended.baseOffset,
      logAppendTimeMs: appended.logAppendTimeMs,
      logStartOffset: this.log.logStartOffset,
      duplicate: false,
    };
  }

  /** ISR = {self}: everything appended is committed. Wakes fetches waiting for `bytes`. */
  private advanceHighWatermark(bytes: number): void {
    const end = this.log.logEndOffset;
    if (end <= this.hw) return;
    this.hw = end;
    for (const listener of this.listeners) listener.onAppend(bytes);
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

  /** Subscribes a waiting fetch; returns the unsubscription. */
  subscribe(listener: PartitionListener): () => void {
    // A wrapper per subscription, so one watch listing a partition twice counts it twice.
    const subscription: PartitionListener = {
      onAppend: (bytes) => {
        listener.onAppend(bytes);
      },
      onChange: () => {
        listener.onChange();
      },
    };
    this.listeners.add(subscription);
    return () => {
      this.listeners.delete(subscription);
    };
  }

  /** Tells waiting fetches to re-read: the log start moved or the partition went away. */
  notifyChanged(): void {
    for (const listener of [...this.listeners]) listener.onChange();
  }

  /** Forgets producers idle for `expirationMs`; returns how many. */
  expireProducers(nowMs: number, expirationMs: number): number {
    return this.producers.removeExpired(nowMs, expirationMs);
  }

  /**
   * Writes `producer-state.json` for the current log end, unless nothing changed since the last
   * one; after a crash only the batches past it are scanned. Returns whether it wrote. The file
   * is replaced by a rename but not fsynced: a snapshot is only a shortcut, and one that a power
   * failure lost, tore, or left ahead of the recovered log is ignored for a longer scan.
   */
  writeProducerSnapshot(): boolean {
    const offset = this.log.logEndOffset;
    if (this.producers.version === this.snapshotVersion && offset === this.snapshotOffset)
      return false;
    const file = path.join(this.dir, PRODUCER_STATE_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.producers.toSnapshot(offset)));
    fs.renameSync(`${file}.tmp`, file);
    this.snapshotVersion = this.producers.version;
    this.snapshotOffset = offset;
    return true;
  }

  /** Writes the producer snapshot, then closes the log cleanly; waiting fetches are woken. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
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
    this.log.delete();
    this.notifyChanged();
  }
}
