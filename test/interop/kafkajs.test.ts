import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { run } from '../helpers/run.js';
import { startTestBroker } from '../helpers/test-broker.js';
import type { TestBroker } from '../helpers/test-broker.js';

/** kafkajs 2.2.4, unmodified: its admin API and its idempotent producer across a broker restart. */
describe('kafkajs against fjord', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({
      clientId: 'kafkajs-interop',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 1000 },
    });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('creates, lists, describes, alters and deletes topics with the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [
            {
              topic: 'js-admin',
              numPartitions: 4,
              configEntries: [{ name: 'retention.ms', value: '3600000' }],
            },
          ],
        }),
      ).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'js-admin', numPartitions: 4 }] })).toBe(
        false,
      );
      expect(await admin.listTopics()).toContain('js-admin');
      const metadata = await admin.fetchTopicMetadata({ topics: ['js-admin'] });
      expect(metadata.topics[0]?.partitions).toHaveLength(4);

      const describe = async (): Promise<Map<string, string | null>> => {
        const result = await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-admin' }],
          includeSynonyms: false,
        });
        return new Map(
          result.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
        );
      };
      expect((await describe()).get('retention.ms')).toBe('3600000');
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'js-admin',
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
      const altered = await describe();
      expect(altered.get('cleanup.policy')).toBe('compact');

      const offsets = await admin.fetchTopicOffsets('js-admin');
      expect(offsets.map((o) => o.high)).toEqual(['0', '0', '0', '0']);

      await admin.deleteTopics({ topics: ['js-admin'] });
      expect(await admin.listTopics()).not.toContain('js-admin');
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps sequences and offsets exact for an idempotent producer across a broker restart', async () => {
    const topic = 'js-idempotent';
    const fjordAdmin = await Admin.connect(broker.bootstrap);
    await fjordAdmin.createTopic(topic, 1, 1);
    await fjordAdmin.close();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const total = 100_000;
    const perSend = 1000;
    for (let sent = 0; sent < total; sent += perSend) {
      if (sent === total / 2) await broker.restart();
      const messages = Array.from({ length: perSend }, (_, i) => ({
        key: `k${(sent + i) % 100}`,
        value: String(sent + i),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const { stdout } = await run(
      'kcat',
      [
        '-C',
        '-b',
        broker.bootstrap,
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        'beginning',
        '-c',
        String(total),
        '-q',
        '-f',
        '%o %s\n',
      ],
      { timeoutMs: 120_000 },
    );
    const lines = stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(total);
    for (let i = 0; i < total; i++)
      if (lines[i] !== `${i} ${i}`) expect(lines[i]).toBe(`${i} ${i}`);
    const check = await Admin.connect(broker.bootstrap);
    const described = await check.describeTopic(topic);
    await check.close();
    expect(described.partitions[0]?.logEndOffset).toBe(total);
  });
});
