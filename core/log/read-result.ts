import {
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  batchLastOffset,
} from '../protocol/records/batch-header.js';

/** Stored batch bytes from one read. */
export interface ReadResult {
  /** Whole RecordBatch v2 batches exactly as stored; empty when nothing is available. */
  readonly records: Buffer;
  /** The offset to read from next: one past the last returned batch, or the requested offset. */
  readonly nextOffset: number;
}

/**
 * Cuts stored bytes after the last whole batch, so a read never hands out a torn batch, and
 * reports where the next read starts.
 */
export function trimToWholeBatches(bytes: Buffer, requestedOffset: number): ReadResult {
  let pos = 0;
  let nextOffset = requestedOffset;
  while (pos + RECORD_BATCH_OVERHEAD <= bytes.length) {
    const size = LOG_OVERHEAD + bytes.readInt32BE(pos + 8);
    if (pos + size > bytes.length) break;
    nextOffset = batchLastOffset(bytes, pos) + 1;
    pos += size;
  }
  return { records: pos === bytes.length ? bytes : bytes.subarray(0, pos), nextOffset };
}
