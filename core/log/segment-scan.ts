import {
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  RECORD_BATCH_OVERHEAD,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  checkBatch,
} from '../protocol/records/batch-header.js';
import { FjordError } from '../util/errors.js';
import { readSyncAt } from './file-io.js';
import type { BatchLocation } from './batch-location.js';

const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_RELATIVE_OFFSET = 0x7fffffff;

/**
 * Walks a segment file batch by batch from the start and reports each valid batch. With `verify`
 * each batch's framing and CRC are checked and offsets must increase and stay within the
 * segment's 32-bit relative range. Stops at the first batch that fails (a torn write or
 * corruption) and returns how many leading bytes are valid; everything after is to be cut off.
 */
export function scanBatches(
  fd: number,
  fileBytes: number,
  segmentBaseOffset: number,
  verify: boolean,
  onBatch: (batch: BatchLocation) => void,
): number {
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;
  let pos = 0;
  let previousLast = segmentBaseOffset - 1;
  while (pos < fileBytes) {
    if (fileBytes - pos < RECORD_BATCH_OVERHEAD) return pos;
    if (pos + LOG_OVERHEAD > chunkStart + chunk.length) {
      chunkStart = pos;
      chunk = readSyncAt(fd, Math.min(SCAN_CHUNK_BYTES, fileBytes - pos), pos);
    }
    const at = pos - chunkStart;
    const batchLength = chunk.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH || pos + LOG_OVERHEAD + batchLength > fileBytes) return pos;
    const size = LOG_OVERHEAD + batchLength;
    if (at + size > chunk.length) {
      // The batch straddles the chunk end: re-read from its start, large enough to hold it.
      chunkStart = pos;
      chunk = readSyncAt(fd, Math.min(Math.max(SCAN_CHUNK_BYTES, size), fileBytes - pos), pos);
      continue;
    }
    if (verify) {
      try {
        checkBatch(chunk, at, at + size);
      } catch (err) {
        if (err instanceof FjordError) return pos;
        throw err;
      }
    }
    const baseOffset = batchBaseOffset(chunk, at);
    const lastOffset = baseOffset + batchLastOffsetDelta(chunk, at);
    if (
      verify &&
      (baseOffset <= previousLast ||
        lastOffset < baseOffset ||
        lastOffset - segmentBaseOffset > MAX_RELATIVE_OFFSET)
    ) {
      return pos;
    }
    onBatch({
      position: pos,
      size,
      baseOffset,
      lastOffset,
      maxTimestamp: batchMaxTimestamp(chunk, at),
    });
    previousLast = lastOffset;
    pos += size;
  }
  return pos;
}
