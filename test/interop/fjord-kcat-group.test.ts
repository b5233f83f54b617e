import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { Consumer } from '../../core/client/consumer/consumer.js';
import type { ConsumerRecord } from '../../core/client/consumer/types.js';
import { consumeUntil, TestWriter } from '../helpers/consumer-fixtures.js';
import {
  FAST_GROUP_PROPS,
  LineProcess,
  waitForBalancedGroup,
  waitUntil,
} from '../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

/**
 * The acceptance test of the consumer: three fjord consumers and one kcat (librdkafka 2.0.2,
 * offering `range,roundrobin`) share one group on one topic. kcat joins first, so librdkafka
 * leads the group and assigns with fjord's subscriptions. Every record is consumed exactly
 * once; when a fjord member leaves, the others take its partitions over from the offsets it
 * committed.
 */
describe('a mixed consumer group: three fjord consumers and kcat -G', () => {
  const PARTITIONS = 8;
  const PER_PARTITION = 100;
  let broker: TestBroker;
  let admin: Admin;
  let writer: TestWriter;

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    writer = await TestWriter.connect(broker.bootstrap);
  });
  afterAll(async () => {
    await writer.close();
    await admin.close();
    await broker.close();
  });

  async function writeRound(TOPIC: string, round: number): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++)
      await writer.writeValues(TOPIC, p, PER_PARTITION, `r${round}-p${p}-`);
  }

  for (const leader of ['kcat', 'fjord'] as const) {
    it(`shares the partitions, consumes each record once, and survives a member leaving (${leader} leads)`, async () => {
      const TOPIC = `mixed-${leader}`;
      const GROUP = `mixed-${leader}-g`;
      await admin.createTopic(TOPIC, PARTITIONS, 1);
      const startKcat = (): LineProcess =>
        new LineProcess('kcat', [
          '-b',
          broker.bootstrap,
          '-G',
          GROUP,
          TOPIC,
          '-q',
          '-u',
          '-f',
          'kcat %p %o %s\\n',
          '-X',
          'session.timeout.ms=6000',
          '-X',
          'heartbeat.interval.ms=300',
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          'auto.commit.interval.ms=100',
        ]);
      let kcat: LineProcess | undefined;
      const fjord = [0, 1, 2].map(
        (i) =>
          new Consumer({
            bootstrap: broker.bootstrap,
            clientId: `fjord-${i}`,
            groupId: GROUP,
            autoOffsetReset: 'earliest',
            sessionTimeoutMs: 6000,
            heartbeatIntervalMs: 300,
            autoCommitIntervalMs: 100,
          }),
      );
      const sinks: ConsumerRecord[][] = fjord.map(() => []);
      try {
        const start = (c: Consumer, i: number): Promise<unknown> => {
          c.subscribe([TOPIC]);
          return consumeUntil(c, () => false, sinks[i]);
        };
        const firstJoined = async (): Promise<boolean> =>
          (await admin.groups.describe(GROUP)).members.length === 1;
        let runs: Promise<unknown>[];
        if (leader === 'kcat') {
          kcat = startKcat();
          await waitUntil('kcat joined', firstJoined);
          runs = fjord.map(start);
        } else {
          runs = [start(fjord[0]!, 0)];
          await waitUntil('fjord-0 joined', firstJoined);
          runs.push(...fjord.slice(1).map((c, i) => start(c, i + 1)));
          kcat = startKcat();
        }
        const lines = kcat.lines;
        const stable = await waitForBalancedGroup(admin, GROUP, TOPIC, PARTITIONS, 4);
        expect(stable.protocol).toBe('range');
        expect(stable.members.map((m) => m.clientId).sort()).toEqual([
          'fjord-0',
          'fjord-1',
          'fjord-2',
          'rdkafka',
        ]);

        const consumed = (): string[] => [
          ...sinks.flat().map((r) => `${r.partition} ${r.offset} ${r.value?.toString() ?? ''}`),
          ...lines.filter((l) => l.startsWith('kcat ')).map((l) => l.slice(5)),
        ];
        await writeRound(TOPIC, 1);
        const total1 = PARTITIONS * PER_PARTITION;
        await waitUntil(`${total1} records consumed`, () => consumed().length >= total1);
        expect(new Set(consumed()).size).toBe(total1);
        expect(lines.length).toBeGreaterThan(0);
        expect(sinks.every((s) => s.length > 0)).toBe(true);

        // Let every member mark its records processed, then one fjord member leaves.
        await waitUntil('all offsets committed', async () => {
          const offsets = await admin.groups.committedOffsets(GROUP);
          return offsets.length === PARTITIONS && offsets.every((o) => o.offset === PER_PARTITION);
        });
        await fjord[0]!.close();
        await runs[0];
        await waitForBalancedGroup(admin, GROUP, TOPIC, PARTITIONS, 3);
        await writeRound(TOPIC, 2);
        const total2 = 2 * total1;
        await waitUntil(`${total2} records consumed`, () => consumed().length >= total2);
        const all = consumed();
        expect(new Set(all).size).toBe(all.length);
        expect(all).toHaveLength(total2);
        const round2 = all.filter((l) => l.includes(' r2-'));
        expect(round2.every((l) => Number(l.split(' ')[1]) >= PER_PARTITION)).toBe(true);
        expect(sinks[0]!.some((r) => r.value?.toString().startsWith('r2-'))).toBe(false);
        await Promise.all(fjord.slice(1).map((c) => c.close()));
        await Promise.all(runs);
      } finally {
        await Promise.all(fjord.map((c) => c.close()));
        await kcat?.stop('SIGTERM');
      }
    });
  }
});
