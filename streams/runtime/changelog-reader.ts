/**
 * The {@link ChangelogReader} of a running app: end offsets from the admin client, records from
 * a restore consumer (no group: it assigns the changelog partitions itself and reads each from
 * its start offset until its position reaches the end offset taken when the restore began).
 */
import { Consumer, type Admin } from '../../core/index.js';

import type { ChangelogRange, ChangelogReader } from './state-restorer.js';
import { StreamsError } from './streams-error.js';

/**
 * A changelog reader over core's Admin and Consumer.
 *
 * @example
 * ```ts
 * const reader = clusterChangelogReader(admin, { bootstrap: '127.0.0.1:9092', clientId: 'app-restore-consumer' });
 * ```
 */
export function clusterChangelogReader(
  admin: Admin,
  options: {
    readonly bootstrap: string;
    readonly clientId: string;
    /** Aborted when the app stops: a read in progress rejects instead of running on. */
    readonly signal?: AbortSignal;
  },
): ChangelogReader {
  return {
    async endOffsets(topic, partitions) {
      const listed = await admin.listOffsets(topic, 'latest', partitions);
      return new Map([...listed].map(([p, o]) => [p, o.offset]));
    },
    async read(ranges, onRecords) {
      const consumer = new Consumer({
        bootstrap: options.bootstrap,
        clientId: options.clientId,
        autoOffsetReset: 'earliest',
        fetchMaxWaitMs: 50,
      });
      try {
        await consumer.connect();
        await readAll(consumer, ranges, onRecords, options.signal);
      } finally {
        await consumer.close();
      }
    },
  };
}

async function readAll(
  consumer: Consumer,
  ranges: readonly ChangelogRange[],
  onRecords: Parameters<ChangelogReader['read']>[1],
  signal: AbortSignal | undefined,
): Promise<void> {
  const pending = new Map(ranges.map((r) => [`${r.topic}\u0000${r.partition}`, r]));
  consumer.assign(ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.from })));
  while (pending.size > 0) {
    const batch = await consumer.poll(signal);
    if (signal?.aborted === true) throw new StreamsError('restore aborted: the app is stopping');
    if (batch !== undefined) onRecords(batch.topic, batch.partition, batch.records);
    for (const [k, r] of pending) {
      // A compacted changelog has offset gaps: the position, not the last record, says when done.
      const position = consumer.position({ topic: r.topic, partition: r.partition }) ?? r.from;
      if (position >= r.to) {
        pending.delete(k);
        consumer.pause([{ topic: r.topic, partition: r.partition }]);
      }
    }
  }
}
