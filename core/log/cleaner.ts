import * as fs from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import {
  Attributes,
  batchTimestampType,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
} from '../protocol/records/batch-header.js';
import type { CompressionType } from '../protocol/records/compression.js';
import { decodeRecordBatch, encodeRecordBatch } from '../protocol/records/record-batch.js';
import type { DecodedBatch } from '../protocol/records/record-batch.js';
import type { Record } from '../protocol/records/record.js';
import { fsyncDir, writeFully } from './file-io.js';
import type { Segment } from './segment.js';

/** What one compaction pass did. */
export interface CompactionResult {
  readonly segmentsCleaned: number;
  readonly segmentsAfter: number;
  readonly recordsRemoved: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** The log's side of compaction: which segments may be cleaned, and swapping cleaned ones in. */
export interface CleanableLog {
  readonly dir: string;
  /** Inactive segments old enough to clean (`min.compaction.lag.ms`), oldest first. */
  cleanableSegments(): Segment[];
  /** Tombstones with timestamps below this are dropped. */
  tombstoneHorizonMs(): number;
  readonly segmentBytes: number;
  /** Swaps `group` (consecutive segments) for the cleaned file; false when the log moved on. */
  replaceSegments(group: readonly Segment[], swapPath: string): boolean;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const WRITE_CHUNK_BYTES = 1024 * 1024;

/** Each stored batch of a segment, decoded, read in chunks with a yield to the event loop between. */
async function* decodedBatches(
  segment: Segment,
): AsyncGenerator<{ bytes: Buffer; decoded: DecodedBatch }> {
  let position = 0;
  while (position < segment.size) {
    const chunk = await segment.read(position, Math.max(READ_CHUNK_BYTES, 0));
    let at = 0;
    while (at + RECORD_BATCH_OVERHEAD <= chunk.length) {
      const size = LOG_OVERHEAD + chunk.readInt32BE(at + 8);
      if (at + size > chunk.length) break;
      const bytes = chunk.subarray(at, at + size);
      yield { bytes, decoded: decodeRecordBatch(bytes) };
      at += size;
    }
    if (at === 0) {
      // One batch larger than the chunk: read it whole.
      const size = LOG_OVERHEAD + (await segment.read(position, LOG_OVERHEAD)).readInt32BE(8);
      const bytes = await segment.read(position, size);
      yield { bytes, decoded: decodeRecordBatch(bytes) };
      at = size;
    }
    position += at;
    await yieldToEventLoop();
  }
}

function keyOf(record: Record): string | undefined {
  return record.key === null ? undefined : record.key.toString('latin1');
}

/**
 * Builds the offset map: for every key in the cleanable segments, the offset of its newest record.
 * Kafka bounds this map with a fixed-size hash table; fjord keeps the keys themselves, which
 * bounds a pass by the number of distinct keys in the cleanable range.
 */
async function buildOffsetMap(segments: readonly Segment[]): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  for (const segment of segments) {
    for await (const { decoded } of decodedBatches(segment)) {
      if ((decoded.header.attributes & Attributes.CONTROL) !== 0) continue;
      for (const record of decoded.records) {
        const key = keyOf(record);
        if (key !== undefined) latest.set(key, record.offset);
      }
    }
  }
  return latest;
}

/**
 * Re-encodes a batch keeping only `retained`, with the original base offset, last offset delta,
 * codec, producer fields and timestamps: offsets are never renumbered, and the batch still spans
 * the same offsets so the log end and producer sequences stay put.
 */
function rebuildBatch(decoded: DecodedBatch, retained: readonly Record[]): Buffer {
  const h = decoded.header;
  const timestampType = batchTimestampType(h.attributes);
  return encodeRecordBatch(
    retained.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: r.offset - h.baseOffset,
    })),
    {
      baseOffset: h.baseOffset,
      lastOffsetDelta: h.lastOffsetDelta,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      compression: (h.attributes & Attributes.COMPRESSION_MASK) as CompressionType,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      transactional: (h.attributes & Attributes.TRANSACTIONAL) !== 0,
      timestampType,
      now: h.maxTimestamp,
    },
  );
}

/** Groups consecutive segments whose cleaned output may share one file, as Kafka's cleaner does. */
function groupSegments(segments: readonly Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let bytes = 0;
  for (const segment of segments) {
    const first = current[0];
    const fits =
      first !== undefined &&
      bytes + segment.size <= maxBytes &&
      segment.nextOffset - first.baseOffset <= 0x7fffffff;
    if (!fits && current.length > 0) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(segment);
    bytes += segment.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * One compaction pass (`cleanup.policy=compact`): keeps the newest record per key in the cleanable
 * segments, drops tombstones older than `delete.retention.ms`, and rewrites each group of
 * segments into one new file that is swapped in atomically. Offsets are never reordered or
 * renumbered. It reads and writes in chunks and yields between them, so appends to the active
 * segment carry on meanwhile.
 */
export async function compactLog(log: CleanableLog): Promise<CompactionResult> {
  const segments = log.cleanableSegments();
  const latest = await buildOffsetMap(segments);
  const horizon = log.tombstoneHorizonMs();
  let recordsRemoved = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  let segmentsAfter = 0;
  let cleaned = 0;
  for (const group of groupSegments(segments, log.segmentBytes)) {
    const first = group[0];
    if (first === undefined) continue;
    const cleanedPath = `${first.logPath}.cleaned`;
    const fd = fs.openSync(cleanedPath, 'w');
    let written = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const drain = (): void => {
      const data = Buffer.concat(pending, pendingBytes);
      writeFully(fd, data, written);
      written += data.length;
      pending = [];
      pendingBytes = 0;
    };
    try {
      for (const segment of group) {
        bytesBefore += segment.size;
        for await (const { bytes, decoded } of decodedBatches(segment)) {
          const isControl = (decoded.header.attributes & Attributes.CONTROL) !== 0;
          const retained = isControl
            ? decoded.records
            : decoded.records.filter((r) => {
                const key = keyOf(r);
                if (key === undefined || latest.get(key) !== r.offset) return false;
                return r.value !== null || r.timestamp >= horizon;
              });
          recordsRemoved += decoded.records.length - retained.length;
          if (retained.length === 0) continue;
          const out =
            retained.length === decoded.records.length ? bytes : rebuildBatch(decoded, retained);
          pending.push(out);
          pendingBytes += out.length;
          if (pendingBytes >= WRITE_CHUNK_BYTES) drain();
        }
      }
      drain();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const swapPath = `${first.logPath}.swap-${String(group[group.length - 1]?.nextOffset ?? first.nextOffset)}`;
    fs.renameSync(cleanedPath, swapPath);
    fsyncDir(log.dir);
    if (!log.replaceSegments(group, swapPath)) {
      fs.rmSync(swapPath, { force: true });
      continue;
    }
    cleaned += group.length;
    segmentsAfter++;
    bytesAfter += written;
  }
  return { segmentsCleaned: cleaned, segmentsAfter, recordsRemoved, bytesBefore, bytesAfter };
}
