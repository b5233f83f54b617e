/**
 * The wire side of a Produce request as the sender uses it: batches of several partitions (one
 * per partition) grouped by topic into the request, and the answer's partitions matched back to
 * the batches they acknowledge.
 */
import type {
  PartitionProduceResponse,
  ProduceRequest,
  ProduceResponse,
  TopicProduceData,
} from '../../protocol/messages/produce.js';
import { assert } from '../../util/assert.js';
import type { ProducerBatch } from './producer-batch.js';

/**
 * The Produce request carrying `batches`, each already encoded (the sender encodes a batch when
 * it sizes the request).
 *
 * @example
 * ```ts
 * connection.send(ApiKey.PRODUCE, version, produceRequest(batches, 1, 30_000));
 * ```
 */
export function produceRequest(
  batches: readonly ProducerBatch[],
  acks: number,
  timeoutMs: number,
): ProduceRequest {
  const topics = new Map<string, { index: number; records: Buffer }[]>();
  for (const b of batches) {
    assert(b.encoded !== undefined, 'a batch is encoded before it is sent');
    let partitions = topics.get(b.topic);
    if (partitions === undefined) topics.set(b.topic, (partitions = []));
    partitions.push({ index: b.partition, records: b.encoded });
  }
  const topicData: TopicProduceData[] = [];
  for (const [name, partitionData] of topics) topicData.push({ name, partitionData });
  return { transactionalId: null, acks, timeoutMs, topicData };
}

/**
 * Calls `onAnswer` for every batch the response answers, with its partition's answer, and
 * returns the batches it did not answer.
 */
export function matchProduceResponse(
  batches: readonly ProducerBatch[],
  response: ProduceResponse,
  onAnswer: (batch: ProducerBatch, answer: PartitionProduceResponse) => void,
): ProducerBatch[] {
  const pending = new Set(batches);
  for (const t of response.responses) {
    for (const p of t.partitionResponses) {
      let batch: ProducerBatch | undefined;
      for (const b of pending) {
        if (b.partition === p.index && b.topic === t.name) {
          batch = b;
          break;
        }
      }
      if (batch === undefined) continue;
      pending.delete(batch);
      onAnswer(batch, p);
    }
  }
  return [...pending];
}
