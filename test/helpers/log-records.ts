import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../../core/protocol/records/record-batch.js';
import type { CompressionType } from '../../core/protocol/records/compression.js';
import type { PartitionLog } from '../../core/log/partition-log.js';

/** A record as the tests compare it: offset, key, value and timestamp, with bytes as strings. */
export interface SimpleRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Encodes string records into one batch the way a producer would (base offset 0). */
export function batchOf(
  records: readonly { key: string | null; value: string | null; timestamp?: number }[],
  compression?: CompressionType,
): Buffer {
  return encodeRecordBatch(
    records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
    })),
    { ...(compression === undefined ? {} : { compression }), now: 1_700_000_000_000 },
  );
}

/** Decodes every record in concatenated stored batches. */
export function decodeAll(bytes: Buffer): SimpleRecord[] {
  const out: SimpleRecord[] = [];
  for (const { pos } of iterateBatches(bytes)) {
    for (const r of decodeRecordBatch(bytes, pos).records) {
      out.push({
        offset: r.offset,
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        timestamp: r.timestamp,
      });
    }
  }
  return out;
}

/** Reads the whole log from `from` (default: its start) with reads of `maxBytes`. */
export async function readAll(
  log: PartitionLog,
  maxBytes = 64 * 1024,
  from = log.logStartOffset,
): Promise<SimpleRecord[]> {
  const out: SimpleRecord[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records, nextOffset } = await log.read(offset, maxBytes);
    if (records.length === 0)
      throw new Error(`empty read at ${offset} below the log end ${log.logEndOffset}`);
    for (const r of decodeAll(records)) if (r.offset >= offset) out.push(r);
    offset = nextOffset;
  }
  return out;
}
