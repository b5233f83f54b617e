/**
 * A partition's idempotent-producer state on disk and its recovery: the snapshot file written on
 * close and by maintenance, and the header scan of the batches after it (or of the whole log, when
 * there is no usable snapshot or a replica truncated its log).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { PartitionLog } from '../log/partition-log.js';
import type { Logger } from '../util/logger.js';
import { ProducerStateManager } from './producer-state.js';

/** The producer-state snapshot in each partition folder, written on close and by maintenance. */
export const PRODUCER_STATE_FILE = 'producer-state.json';

/**
 * Records into `state` the producers of every batch of `log` from the one holding `from` on;
 * returns how many batches were read.
 */
export function scanProducers(
  log: PartitionLog,
  from: number,
  state: ProducerStateManager,
): number {
  let scannedBatches = 0;
  for (const header of log.batchHeadersFrom(from)) {
    scannedBatches++;
    if (header.producerId < 0 || header.baseOffset + header.lastOffsetDelta < from) continue;
    state.record(header, header.baseOffset, header.maxTimestamp);
  }
  return scannedBatches;
}

/**
 * Loads the producer state of `log`: the snapshot in `dir` when it is readable and no newer than
 * the log (a snapshot past the log end describes data a crash lost), then a header scan of the
 * batches after it. Without a usable snapshot the whole log is scanned.
 */
export function loadProducerState(
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
  return { state, scannedBatches: scanProducers(log, from, state) };
}

/**
 * Writes `producer-state.json` for a partition, unless nothing changed since the last write;
 * after a crash only the batches past it are scanned. The file is replaced by a rename but not
 * fsynced: a snapshot is only a shortcut, and one that a power failure lost, tore, or left ahead
 * of the recovered log is ignored for a longer scan.
 */
export class ProducerSnapshotWriter {
  private version = -1;
  private offset = -1;

  constructor(private readonly dir: string) {}

  /** Writes the snapshot of `state` as of `offset` (the log end); returns whether it wrote. */
  write(state: ProducerStateManager, offset: number): boolean {
    if (state.version === this.version && offset === this.offset) return false;
    const file = path.join(this.dir, PRODUCER_STATE_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state.toSnapshot(offset)));
    fs.renameSync(`${file}.tmp`, file);
    this.version = state.version;
    this.offset = offset;
    return true;
  }

  /** Removes the snapshot: after a truncation it may describe batches that are gone. */
  discard(): void {
    fs.rmSync(path.join(this.dir, PRODUCER_STATE_FILE), { force: true });
    this.version = -1;
    this.offset = -1;
  }
}
