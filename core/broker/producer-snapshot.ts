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
