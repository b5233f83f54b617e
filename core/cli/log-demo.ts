import * as path from 'node:path';

import { parseLogConfig } from '../log/log-config.js';
import { PartitionLog } from '../log/partition-log.js';
import { CompressionType } from '../protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../protocol/records/record-batch.js';

/**
 * `npm start` until the broker exists: appends keyed records in compressed batches to a
 * partition log, reads them back by offset and by timestamp, and compacts a changelog-style log.
 */
export async function runLogDemo(dataDir: string, recordCount: number): Promise<void> {
  const log = PartitionLog.open(path.join(dataDir, 'demo-0'), {
    config: parseLogConfig({ 'segment.bytes': String(64 * 1024) }),
  });
  const firstNew = log.logEndOffset;
  const started = Date.now();
  for (let i = 0; i < recordCount; i += 100) {
    const records = Array.from({ length: Math.min(100, recordCount - i) }, (_, j) => ({
      key: Buffer.from(`user-${(i + j) % 10}`),
      value: Buffer.from(JSON.stringify({ n: i + j, at: new Date().toISOString() })),
    }));
    log.append(encodeRecordBatch(records, { compression: CompressionType.LZ4 }));
  }
  console.log(
    `appended ${recordCount} records at offsets ${firstNew}..${log.logEndOffset - 1} ` +
      `in ${Date.now() - started} ms; log holds ${log.segmentCount} segments, ${log.sizeBytes} bytes`,
  );
  const { records } = await log.read(firstNew, 16 * 1024);
  let shown = 0;
  for (const { pos } of iterateBatches(records)) {
    for (const record of decodeRecordBatch(records, pos).records) {
      if (shown++ < 3)
        console.log(
          `  offset ${record.offset}: ${record.key?.toString() ?? ''} → ${record.value?.toString() ?? ''}`,
        );
    }
  }
  const byTime = log.offsetForTimestamp(started);
  console.log(
    `first offset at or after ${new Date(started).toISOString()}: ${byTime?.offset ?? 'none'}`,
  );
  log.close();
  console.log(`data kept in ${path.resolve(dataDir)}; run again to append more`);
}
