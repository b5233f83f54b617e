import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  batchBaseOffset,
  batchLastOffsetDelta,
  batchSize,
  batchMaxTimestamp,
  checkBatch,
  PARTITION_LEADER_EPOCH_OFFSET,
  setBatchBaseOffset,
  setBatchPartitionLeaderEpoch,
  stampLogAppendTime,
} from '../protocol/records/batch-header.js';
import type { BatchHeader } from '../protocol/records/batch-header.js';
import { decodeRecordBatch } from '../protocol/records/record-batch.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { ErrorCode } from '../util/error-codes.js';
import { CorruptRecordError, FjordError, StorageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { compactLog } from './cleaner.js';
import type { CleanableLog, CompactionResult } from './cleaner.js';
import { fsyncDir } from './file-io.js';
import { compacts, deletes, DEFAULT_LOG_CONFIG } from './log-config.js';
import type { LogConfig } from './log-config.js';
import { readLogState, writeLogState } from './log-state.js';
import { Segment } from './segment.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import type { EpochEndOffset } from './leader-epoch-cache.js';
import { trimToWholeBatches } from './read-result.js';
import type { ReadResult } from './read-result.js';

const MAX_RELATIVE_OFFSET = 0x7fffffff;

/** Where an appended batch landed. */
export interface AppendResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** The LogAppendTime stamped into the batch, or -1 when the topic keeps CreateTime. */
  readonly logAppendTimeMs: number;
  readonly maxTimestamp: number;
}

export interface ReadOptions {
  /** Serve nothing at or above this offset (the high watermark); defaults to the log end. */
  readonly maxOffset?: number;
  /** Return the first batch whole even when it is larger than `maxBytes` (KIP-74); default true. */
  readonly minOneBatch?: boolean;
}

export interface PartitionLogOptions {
  readonly config?: LogConfig;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * One partition's log: a folder of segments holding RecordBatch v2 batches, append-only, with
 * dense increasing offsets. Appends are synchronous (a positioned write into the page cache) so
 * offset assignment is atomic; bulk reads and fsyncs run on the thread pool.
 *
 * @example
 * ```ts
 * const log = PartitionLog.open('/data/orders-0', { config: parseLogConfig({ 'segment.bytes': '1048576' }) });
 * const { baseOffset } = log.append(encodeRecordBatch([{ key: null, value: Buffer.from('hi') }]));
 * const { records } = await log.read(baseOffset, 1 << 20);
 * log.close();
 * ```
 */
export class PartitionLog implements CleanableLog {
  /** @internal segments sorted by base offset; the last one is active. */
  segments: Segment[] = [];
  private startOffset = 0;
  private endOffset = 0;
  private recoveryPointOffset = 0;
  private unflushedRecords = 0;
  private firstUnflushedAtMs = -1;
  private truncations = 0;
  private closed = false;
  private compaction: Promise<CompactionResult> | undefined;
  private flushRunning: Promise<void> | undefined;
  private flushQueued: Promise<void> | undefined;
  private currentConfig: LogConfig;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Where each leader epoch starts in this log (leader-epoch-cache.ts). */
  private epochCache: LeaderEpochCache = LeaderEpochCache.inMemory();

  private constructor(
    readonly dir: string,
    options: PartitionLogOptions,
  ) {
    this.currentConfig = options.config ?? DEFAULT_LOG_CONFIG;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Opens (or creates) the log in `dir`, recovering segments a crash may have torn. */
  static open(dir: string, options: PartitionLogOptions = {}): PartitionLog {
    const log = new PartitionLog(dir, options);
    log.load();
    return log;
  }

  get config(): LogConfig {
    return this.currentConfig;
  }

  /** The first offset a reader may ask for. */
  get logStartOffset(): number {
    return this.startOffset;
  }

  /** One past the last appended offset: the offset the next append gets. */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Offsets below this are known to be fsynced. */
  get recoveryPoint(): number {
    return this.recoveryPointOffset;
  }

  /** Bytes in all segments. */
  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): Segment {
    const segment = this.segments[this.segments.length - 1];
    if (segment === undefined) throw new StorageError(`log ${this.dir} has no segments`);
    return segment;
  }

  private load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const state = readLogState(this.dir);
    this.completeSwaps();
    const bases: number[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (name.endsWith('.cleaned') || name.endsWith('.tmp')) {
        // Leftovers of a compaction or state write cut short: the originals are still in place.
        fs.rmSync(path.join(this.dir, name), { force: true });
        continue;
      }
      const match = /^(\d{20})\.log$/.exec(name);
      if (match?.[1] !== undefined) bases.push(Number(match[1]));
    }
    bases.sort((a, b) => a - b);
    const { indexIntervalBytes, segmentIndexBytes } = this.currentConfig;
    this.segments = bases.map((base) =>
      Segment.open(this.dir, base, indexIntervalBytes, segmentIndexBytes),
    );
    if (this.segments.length === 0) {
      const base = state?.logStartOffset ?? 0;
      this.segments.push(Segment.create(this.dir, base, indexIntervalBytes, segmentIndexBytes));
    }
    if (state?.cleanShutdown !== true) this.recover(state?.recoveryPoint ?? 0);
    this.endOffset = this.active.nextOffset;
    const firstBase = this.segments[0]?.baseOffset ?? 0;
    this.startOffset = Math.min(
      Math.max(state?.logStartOffset ?? firstBase, firstBase),
      this.endOffset,
    );
    this.recoveryPointOffset = this.endOffset;
    if (state?.cleanShutdown !== true)
      this.recoveryPointOffset = Math.min(state?.recoveryPoint ?? 0, this.endOffset);
    this.loadEpochs();
    this.persistState(false);
  }

  /**
   * Opens the leader-epoch checkpoint, dropping entries a crash cut off the log; a log without
   * one (written before checkpoints existed) rebuilds it from its batch headers.
   */
  private loadEpochs(): void {
    this.epochCache = LeaderEpochCache.open(this.dir);
    if (!this.epochCache.isEmpty) {
      this.epochCache.truncateFromEnd(this.endOffset);
      return;
    }
    if (this.endOffset === this.startOffset) return;
    for (const header of this.batchHeadersFrom(this.startOffset))
      this.epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
  }

  /** The newest leader epoch of a batch in this log, or -1. */
  get latestEpoch(): number {
    return this.epochCache.latestEpoch;
  }

  /**
   * Every (epoch, start offset) of the log, oldest first.
   *
   * @internal
   */
  get epochs(): LeaderEpochCache {
    return this.epochCache;
  }

  /**
   * OffsetsForLeaderEpoch: where the largest epoch ≤ `epoch` ends in this log (KIP-279).
   *
   * @internal
   */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.epochCache.endOffsetFor(epoch, this.endOffset);
  }

  /**
   * Finishes compaction swaps a crash interrupted. A `<base>.log.swap-<end>` file is a complete
   * cleaned replacement for the segments with base offsets in [base, end): remove those, then
   * rename the swap file into place.
   */
  private completeSwaps(): void {
    const names = fs.readdirSync(this.dir);
    for (const name of names) {
      const swap = /^(\d{20})\.log\.swap-(\d+)$/.exec(name);
      if (swap?.[1] === undefined || swap[2] === undefined) continue;
      const [base, end] = [Number(swap[1]), Number(swap[2])];
      for (const other of names) {
        const segment = /^(\d{20})\.(log|index|timeindex)$/.exec(other);
        const otherBase = Number(segment?.[1] ?? -1);
        if (segment !== null && otherBase >= base && otherBase < end)
          fs.rmSync(path.join(this.dir, other));
      }
      fs.renameSync(path.join(this.dir, name), path.join(this.dir, `${swap[1]}.log`));
      this.logger.info(
        { dir: this.dir, segment: swap[1] },
        'completed an interrupted compaction swap',
      );
    }
  }

  /**
   * Verifies every batch from the segment holding `recoveryPoint` to the end. The first bad batch
   * and everything after it go: a torn write never becomes visible.
   */
  private recover(recoveryPoint: number): void {
    const from = Math.max(0, this.segmentIndexFor(recoveryPoint));
    for (let i = from; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment === undefined) break;
      const removed = segment.rebuildIndexes(true);
      if (removed > 0) {
        const dropped = this.segments.splice(i + 1);
        for (const d of dropped) d.delete();
        this.logger.warn(
          {
            dir: this.dir,
            segment: segment.logPath,
            bytesRemoved: removed,
            segmentsRemoved: dropped.length,
          },
          'truncated a torn or corrupt log tail during recovery',
        );
        break;
      }
    }
  }

  /** The index of the segment that would hold `offset` (the last with base ≤ offset), or -1. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.segments[mid]?.baseOffset ?? 0) <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError(`log ${this.dir} is closed`);
  }

  /**
   * Appends one producer batch: validates its framing and CRC, stamps the next offset (and the
   * leader epoch, and LogAppendTime when the topic asks for it) into its header without touching
   * the records, and writes it. `batch` is modified in place. Throws with MESSAGE_TOO_LARGE,
   * CORRUPT_MESSAGE or INVALID_RECORD and leaves the log unchanged when the batch is refused.
   */
  append(
    batch: Buffer,
    options: {
      readonly leaderEpoch?: number;
      /**
       * The caller already checked this batch's framing and CRC (the broker's produce path does,
       * with the stricter validateProducedBatch): skip the second pass over its bytes.
       */
      readonly framingChecked?: boolean;
    } = {},
  ): AppendResult {
    this.ensureOpen();
    if (batch.length > this.currentConfig.maxMessageBytes) {
      throw new FjordError(
        `batch of ${batch.length} bytes exceeds max.message.bytes=${this.currentConfig.maxMessageBytes}`,
        ErrorCode.MESSAGE_TOO_LARGE,
      );
    }
    const size = options.framingChecked === true ? batchSize(batch) : checkBatch(batch);
    if (size !== batch.length) {
      throw new CorruptRecordError(
        'append takes exactly one record batch',
        ErrorCode.INVALID_RECORD,
      );
    }
    if (compacts(this.currentConfig.cleanupPolicy)) this.requireKeys(batch);
    const now = this.clock.now();
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + batchLastOffsetDelta(batch);
    const logAppendTime = this.currentConfig.messageTimestampType === 'LogAppendTime';
    this.maybeRoll(batch.length, lastOffset, logAppendTime ? now : batchMaxTimestamp(batch));
    setBatchBaseOffset(batch, 0, baseOffset);
    if (options.leaderEpoch !== undefined)
      setBatchPartitionLeaderEpoch(batch, 0, options.leaderEpoch);
    // The epoch's start is persisted before its first batch, so the checkpoint never lacks it.
    this.epochCache.assign(batch.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET), baseOffset);
    let logAppendTimeMs = -1;
    if (logAppendTime) {
      stampLogAppendTime(batch, 0, now);
      logAppendTimeMs = now;
    }
    const maxTimestamp = batchMaxTimestamp(batch);
    this.active.append(batch, baseOffset, lastOffset, maxTimestamp);
    this.endOffset = lastOffset + 1;
    this.noteUnflushed(lastOffset - baseOffset + 1, now);
    return { baseOffset, lastOffset, logAppendTimeMs, maxTimestamp };
  }

  /**
   * Appends batches copied from the leader (a follower's fetch), exactly as they are: their base
   * offsets, leader epochs and timestamps are the leader's, so the replica stays byte-identical.
   * `records` holds whole batches; each is CRC-checked, and one the log already holds (below the
   * log end) is skipped. Throws OFFSET_OUT_OF_RANGE when a batch would leave a gap and
   * CORRUPT_MESSAGE for a damaged one; the batches before it stay appended. Returns the number of
   * batches appended.
   */
  appendAsFollower(records: Buffer, onBatch?: (batch: Buffer) => void): number {
    this.ensureOpen();
    let appended = 0;
    for (let pos = 0; pos < records.length;) {
      const size = checkBatch(records, pos);
      const batch = records.subarray(pos, pos + size);
      pos += size;
      const baseOffset = batchBaseOffset(batch);
      const lastOffset = baseOffset + batchLastOffsetDelta(batch);
      if (lastOffset < this.endOffset) continue;
      if (baseOffset !== this.endOffset) {
        throw new FjordError(
          `batch at ${baseOffset} does not continue the log ending at ${this.endOffset} (${this.dir})`,
          ErrorCode.OFFSET_OUT_OF_RANGE,
        );
      }
      const maxTimestamp = batchMaxTimestamp(batch);
      this.maybeRoll(batch.length, lastOffset, maxTimestamp);
      this.epochCache.assign(batch.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET), baseOffset);
      this.active.append(batch, baseOffset, lastOffset, maxTimestamp);
      this.endOffset = lastOffset + 1;
      this.noteUnflushed(lastOffset - baseOffset + 1, this.clock.now());
      onBatch?.(batch);
      appended++;
    }
    return appended;
  }

  private requireKeys(batch: Buffer): void {
    for (const record of decodeRecordBatch(batch).records) {
      if (record.key === null) {
        throw new CorruptRecordError(
          'compacted topics require a key on every record',
          ErrorCode.INVALID_RECORD,
        );
      }
    }
  }

  private noteUnflushed(records: number, now: number): void {
    if (this.unflushedRecords === 0) this.firstUnflushedAtMs = now;
    this.unflushedRecords += records;
    if (this.unflushedRecords >= this.currentConfig.flushMessages) this.flushInBackground();
  }

  private flushInBackground(): void {
    this.flush().catch((err: unknown) => {
      this.logger.error({ dir: this.dir, err }, 'log flush failed');
    });
  }

  /**
   * Rolls before an append that would overflow the segment's size, offsets or index, or when the
   * batch's timestamp is `segment.ms` past the segment's first batch (Kafka measures segment age
   * in record time, so replaying old data does not roll on every batch).
   */
  private maybeRoll(batchBytes: number, lastOffset: number, batchTimestamp: number): void {
    const active = this.active;
    if (active.isEmpty) return;
    const full = active.size + batchBytes > this.currentConfig.segmentBytes;
    const first = active.rollingBaseTimestamp;
    const old = first >= 0 && batchTimestamp - first >= this.currentConfig.segmentMs;
    const offsetsOverflow = lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET;
    if (full || old || offsetsOverflow || active.indexFull) this.roll();
  }

  /**
   * Starts a new active segment at the log end. The old segment is fsynced in the background and
   * the recovery point moves past it, as Kafka does, so a crash only rescans the active segment.
   */
  roll(): void {
    this.ensureOpen();
    const { indexIntervalBytes, segmentIndexBytes } = this.currentConfig;
    if (this.active.isEmpty) return;
    this.segments.push(
      Segment.create(this.dir, this.endOffset, indexIntervalBytes, segmentIndexBytes),
    );
    this.flushInBackground();
  }

  /**
   * Reads stored batches starting with the one that holds `offset`, up to `maxBytes` of whole
   * batches from one segment, never decoding a record. Throws OFFSET_OUT_OF_RANGE below the log
   * start or past the log end; at the end (or at `maxOffset`) it returns no bytes.
   */
  async read(offset: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadResult> {
    for (let attempt = 0; ; attempt++) {
      this.ensureOpen();
      const truncations = this.truncations;
      try {
        const result = await this.readOnce(offset, maxBytes, options);
        if (truncations === this.truncations) return result;
      } catch (err) {
        // A segment removed under the read by retention: retry against the new layout.
        if (!(err instanceof StorageError) || this.closed || attempt >= 3) throw err;
      }
    }
  }

  private async readOnce(
    offset: number,
    maxBytes: number,
    options: ReadOptions,
  ): Promise<ReadResult> {
    if (offset < this.startOffset || offset > this.endOffset) {
      throw new FjordError(
        `offset ${offset} is outside [${this.startOffset}, ${this.endOffset}] of ${this.dir}`,
        ErrorCode.OFFSET_OUT_OF_RANGE,
      );
    }
    const empty: ReadResult = { records: Buffer.alloc(0), nextOffset: offset };
    const end = Math.min(options.maxOffset ?? this.endOffset, this.endOffset);
    if (offset >= end) return empty;
    for (let i = Math.max(0, this.segmentIndexFor(offset)); i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment === undefined) break;
      const first = segment.findBatch(offset);
      if (first === undefined) continue;
      if (first.baseOffset >= end) return empty;
      const limit =
        end < segment.nextOffset
          ? (segment.findBatch(end)?.position ?? segment.size)
          : segment.size;
      const available = limit - first.position;
      let length = Math.min(maxBytes, available);
      if (length < first.size) {
        if (options.minOneBatch === false) return empty;
        length = Math.min(first.size, available);
      }
      const bytes = await segment.read(first.position, length);
      return trimToWholeBatches(bytes, offset);
    }
    return empty;
  }

  /**
   * The full headers of the stored batches from the one holding `offset` to the log end, without
   * decoding records: how the broker rebuilds producer state after a restart.
   */
  *batchHeadersFrom(offset: number): Generator<BatchHeader> {
    this.ensureOpen();
    for (let i = Math.max(0, this.segmentIndexFor(offset)); i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment === undefined) break;
      const first = segment.findBatch(offset);
      if (first !== undefined) yield* segment.headersFrom(first.position);
    }
  }

  /**
   * The first offset whose record timestamp is ≥ `timestampMs` (Kafka's offsets-for-times), with
   * that record's timestamp; undefined when every record is older.
   */
  offsetForTimestamp(timestampMs: number): { offset: number; timestamp: number } | undefined {
    this.ensureOpen();
    for (const segment of this.segments) {
      if (segment.nextOffset <= this.startOffset || segment.maxTimestamp < timestampMs) continue;
      const location = segment.findBatchByTimestamp(timestampMs);
      if (location === undefined) continue;
      const { records } = decodeRecordBatch(segment.readSync(location.position, location.size));
      for (const record of records) {
        if (record.timestamp >= timestampMs && record.offset >= this.startOffset) {
          return { offset: record.offset, timestamp: record.timestamp };
        }
      }
    }
    return undefined;
  }

  /**
   * Removes everything at and after `offset` (a replica diverging from its leader). The batch
   * holding `offset` goes whole, so the log end may land below `offset`.
   */
  truncateTo(offset: number): void {
    this.ensureOpen();
    if (offset >= this.endOffset) return;
    this.truncations++;
    if (offset <= this.startOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    while (this.segments.length > 1 && this.active.baseOffset >= offset) {
      this.segments.pop()?.delete();
    }
    this.active.truncateTo(offset);
    this.endOffset = this.active.nextOffset;
    this.epochCache.truncateFromEnd(this.endOffset);
    this.startOffset = Math.min(this.startOffset, this.endOffset);
    this.recoveryPointOffset = Math.min(this.recoveryPointOffset, this.endOffset);
    this.unflushedRecords = 0;
    this.persistState(false);
  }

  /** Drops every segment and starts empty at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen();
    this.truncations++;
    for (const segment of this.segments.splice(0)) segment.delete();
    const { indexIntervalBytes, segmentIndexBytes } = this.currentConfig;
    this.segments.push(Segment.create(this.dir, offset, indexIntervalBytes, segmentIndexBytes));
    this.epochCache.clear();
    this.startOffset = offset;
    this.endOffset = offset;
    this.recoveryPointOffset = offset;
    this.unflushedRecords = 0;
    this.persistState(false);
  }

  /**
   * Moves the log start offset to `offset` (Kafka's DeleteRecords): reads below it fail and
   * segments wholly below it are deleted. Returns the new log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    if (offset > this.endOffset || offset < 0) {
      throw new FjordError(
        `cannot delete records before ${offset}: log end is ${this.endOffset}`,
        ErrorCode.OFFSET_OUT_OF_RANGE,
      );
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    if (this.active.nextOffset <= offset && !this.active.isEmpty) this.roll();
    this.deleteSegmentsWhile((segment) => segment.nextOffset <= offset);
    this.persistState(false);
    return this.startOffset;
  }

  /** Deletes leading inactive segments while `predicate` holds; returns how many went. */
  private deleteSegmentsWhile(predicate: (segment: Segment) => boolean): number {
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      if (oldest === undefined || !predicate(oldest)) break;
      this.segments.shift();
      oldest.delete();
      deleted++;
    }
    const first = this.segments[0];
    if (first !== undefined && first.baseOffset > this.startOffset)
      this.startOffset = first.baseOffset;
    return deleted;
  }

  /**
   * Applies `retention.ms` and `retention.bytes` for delete policies: whole segments go, oldest
   * first. A segment too old to keep is deleted even when active (a new one is rolled first).
   * Returns the number of segments deleted.
   */
  applyRetention(): number {
    this.ensureOpen();
    if (!deletes(this.currentConfig.cleanupPolicy)) return 0;
    const { retentionMs, retentionBytes } = this.currentConfig;
    const now = this.clock.now();
    let deleted = 0;
    if (retentionMs >= 0) {
      const active = this.active;
      const expired = (s: Segment): boolean =>
        s.isEmpty ? s !== active : s.maxTimestamp < now - retentionMs;
      if (this.segments.every(expired)) this.roll();
      deleted += this.deleteSegmentsWhile(expired);
    }
    if (retentionBytes >= 0) {
      let excess = this.sizeBytes - retentionBytes;
      deleted += this.deleteSegmentsWhile((s) => {
        if (excess < s.size) return false;
        excess -= s.size;
        return true;
      });
    }
    if (deleted > 0) {
      this.truncations++;
      this.persistState(false);
    }
    return deleted;
  }

  /**
   * Runs one compaction pass when the policy compacts (see the cleaner); a call while one
   * runs joins it. Appends continue meanwhile.
   */
  compact(): Promise<CompactionResult> {
    this.ensureOpen();
    if (!compacts(this.currentConfig.cleanupPolicy)) {
      return Promise.resolve({
        segmentsCleaned: 0,
        segmentsAfter: 0,
        recordsRemoved: 0,
        bytesBefore: 0,
        bytesAfter: 0,
      });
    }
    this.compaction ??= compactLog(this).finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  /** @internal */
  cleanableSegments(): Segment[] {
    const lagBound = this.clock.now() - this.currentConfig.minCompactionLagMs;
    const result: Segment[] = [];
    for (const segment of this.segments.slice(0, -1)) {
      if (segment.maxTimestamp > lagBound) break;
      result.push(segment);
    }
    return result;
  }

  /** @internal */
  tombstoneHorizonMs(): number {
    return this.clock.now() - this.currentConfig.deleteRetentionMs;
  }

  /** @internal */
  get segmentBytes(): number {
    return this.currentConfig.segmentBytes;
  }

  /** @internal */
  replaceSegments(group: readonly Segment[], swapPath: string): boolean {
    const first = group[0];
    if (this.closed || first === undefined) return false;
    const at = this.segments.indexOf(first);
    const intact =
      at >= 0 &&
      at + group.length < this.segments.length &&
      group.every((s, i) => this.segments[at + i] === s);
    if (!intact) return false;
    for (const segment of group) segment.delete();
    fs.renameSync(swapPath, first.logPath);
    fsyncDir(this.dir);
    const { indexIntervalBytes, segmentIndexBytes } = this.currentConfig;
    this.segments.splice(
      at,
      group.length,
      Segment.open(this.dir, first.baseOffset, indexIntervalBytes, segmentIndexBytes),
    );
    return true;
  }

  /**
   * fsyncs every segment past the recovery point and moves the recovery point to the end. Calls
   * while a flush runs share one follow-up flush, so rolls in quick succession never pile up.
   */
  flush(): Promise<void> {
    this.ensureOpen();
    if (this.flushQueued !== undefined) return this.flushQueued;
    const running = this.flushRunning;
    if (running === undefined) return this.startFlush();
    const queued = running
      .catch(() => undefined)
      .then(() => {
        this.flushQueued = undefined;
        return this.closed ? undefined : this.startFlush();
      });
    this.flushQueued = queued;
    return queued;
  }

  private startFlush(): Promise<void> {
    const run = this.flushNow().finally(() => {
      if (this.flushRunning === run) this.flushRunning = undefined;
    });
    this.flushRunning = run;
    return run;
  }

  private async flushNow(): Promise<void> {
    const upTo = this.endOffset;
    this.unflushedRecords = 0;
    const from = Math.max(0, this.segmentIndexFor(this.recoveryPointOffset));
    await Promise.all(this.segments.slice(from).map((s) => s.flush()));
    if (this.closed) return;
    this.recoveryPointOffset = Math.max(this.recoveryPointOffset, Math.min(upTo, this.endOffset));
    this.persistState(false);
  }

  /** Flushes when `flush.ms` has passed since the oldest unflushed append. */
  async flushIfDue(): Promise<void> {
    if (
      this.unflushedRecords > 0 &&
      this.clock.now() - this.firstUnflushedAtMs >= this.currentConfig.flushMs
    ) {
      await this.flush();
    }
  }

  /** Applies a changed topic config; segment sizes and retention take effect from now on. */
  updateConfig(config: LogConfig): void {
    this.currentConfig = config;
  }

  private persistState(cleanShutdown: boolean): void {
    writeLogState(this.dir, {
      logStartOffset: this.startOffset,
      recoveryPoint: this.recoveryPointOffset,
      cleanShutdown,
    });
  }

  /** Flushes everything, records a clean shutdown and closes the files. */
  close(): void {
    if (this.closed) return;
    for (const segment of this.segments) segment.flushSync();
    this.recoveryPointOffset = this.endOffset;
    this.persistState(true);
    for (const segment of this.segments) segment.close();
    this.closed = true;
  }

  /** Closes the log and removes its folder. */
  delete(): void {
    if (!this.closed) {
      for (const segment of this.segments) segment.delete();
      this.closed = true;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
