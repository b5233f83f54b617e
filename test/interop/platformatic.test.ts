import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { startTestBroker } from '../helpers/test-broker.js';
import type { TestBroker } from '../helpers/test-broker.js';

/**
 * @platformatic/kafka 1.35.0, unmodified: it speaks only flexible versions of most APIs
 * (ApiVersions v3, Metadata v9, Fetch v12), so this proves the flexible codec end to end.
 */
describe('@platformatic/kafka against fjord', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
    const admin = await Admin.connect(broker.bootstrap);
    await admin.createTopic('pk-roundtrip', 1, 1);
    await admin.close();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('produces and fetches back records without a group', async () => {
    const producer = new Producer({
      clientId: 'pk-producer',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
    });
    const messages = Array.from({ length: 500 }, (_, i) => ({
      topic: 'pk-roundtrip',
      partition: 0,
      key: `key-${i}`,
      value: `value-${i}`,
      headers: { index: String(i) },
    }));
    const result = await producer.send({ messages });
    expect(result.offsets?.[0]).toMatchObject({ topic: 'pk-roundtrip', partition: 0 });
    await producer.close();

    const consumer = new Consumer({
      groupId: 'unused-no-group-fetch',
      clientId: 'pk-consumer',
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
    });
    const offsets = await consumer.listOffsets({ topics: ['pk-roundtrip'] });
    expect(offsets.get('pk-roundtrip')?.[0]).toBe(500n);
    const metadata = await consumer.metadata({ topics: ['pk-roundtrip'] });
    const leader = metadata.topics.get('pk-roundtrip')!.partitions[0]!.leader;
    const seen: { key: string; value: string; offset: bigint }[] = [];
    let fetchOffset = 0n;
    while (seen.length < messages.length) {
      const response = await consumer.fetch({
        node: leader,
        topics: [
          {
            topicId: 'pk-roundtrip',
            partitions: [
              {
                partition: 0,
                fetchOffset,
                partitionMaxBytes: 1 << 20,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              },
            ],
          },
        ],
      });
      const batches = response.responses[0]!.partitions[0]!.records ?? [];
      for (const batch of Array.isArray(batches) ? batches : [batches]) {
        for (const record of batch.records) {
          const offset = batch.firstOffset + BigInt(record.offsetDelta);
          if (offset < fetchOffset) continue;
          seen.push({ key: String(record.key), value: String(record.value), offset });
        }
      }
      fetchOffset = (seen.at(-1)?.offset ?? -1n) + 1n;
    }
    expect(seen.map((r) => r.value)).toEqual(messages.map((m) => m.value));
    expect(seen.map((r) => r.key)).toEqual(messages.map((m) => m.key));
    expect(seen.map((r) => r.offset)).toEqual(messages.map((_, i) => BigInt(i)));
    await consumer.close();
  });
});
