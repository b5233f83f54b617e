/**
 * Fixtures for the consumer tests: a cluster handle that writes exact records (keys, headers,
 * timestamps) to a partition with Produce v7 acks=-1, and collectors of consumed records.
 */
import { Cluster } from '../../core/client/cluster.js';
import type { Consumer } from '../../core/client/consumer/consumer.js';
import type { ConsumerBatch, ConsumerRecord } from '../../core/client/consumer/types.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import { encodeRecordBatch } from '../../core/protocol/records/record-batch.js';
import type { RecordInput } from '../../core/protocol/records/record.js';

/** Writes records straight to partition leaders. */
export class TestWriter {
  private constructor(readonly cluster: Cluster) {}

  static async connect(bootstrap: string): Promise<TestWriter> {
    return new TestWriter(await Cluster.connect({ bootstrap }));
  }

  /** Appends `records` as one batch; resolves with the base offset. */
  async write(topic: string, partition: number, records: readonly RecordInput[]): Promise<number> {
    const connection = await this.cluster.leaderConnection(topic, partition);
    const response = await connection.send(ApiKey.PRODUCE, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [
        { name: topic, partitionData: [{ index: partition, records: encodeRecordBatch(records) }] },
      ],
    });
    const p = response.responses[0]!.partitionResponses[0]!;
    if (p.errorCode !== 0) throw new Error(`produce ${topic}-${partition}: error ${p.errorCode}`);
    return p.baseOffset;
  }

  /** Appends `count` values `${prefix}${i}` (keys `k${i}`) in batches of 500. */
  async writeValues(topic: string, partition: number, count: number, prefix = 'v'): Promise<void> {
    for (let start = 0; start < count; start += 500) {
      const n = Math.min(500, count - start);
      await this.write(
        topic,
        partition,
        Array.from({ length: n }, (_, i) => ({
          key: Buffer.from(`k${start + i}`),
          value: Buffer.from(`${prefix}${start + i}`),
        })),
      );
    }
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}

/** The values of records, as strings. */
export function values(records: readonly ConsumerRecord[]): string[] {
  return records.map((r) => r.value?.toString() ?? 'null');
}

/**
 * Iterates `consumer` into `sink` until `until(sink)` holds; then returns the batches read.
 * The iteration stops (without closing the consumer) as soon as the condition holds.
 */
export async function consumeUntil(
  consumer: Consumer,
  until: (records: ConsumerRecord[]) => boolean,
  sink: ConsumerRecord[] = [],
): Promise<ConsumerBatch[]> {
  const batches: ConsumerBatch[] = [];
  if (until(sink)) return batches;
  for await (const batch of consumer) {
    batches.push(batch);
    sink.push(...batch.records);
    if (until(sink)) break;
  }
  return batches;
}
