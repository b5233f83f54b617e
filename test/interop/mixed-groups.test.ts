import { Consumer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';
import { Kafka, logLevel, type Consumer as KafkajsConsumer, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import {
  FAST_GROUP_PROPS,
  LineProcess,
  waitForBalancedGroup,
  waitUntil,
} from '../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

/**
 * Different clients in one group. Group protocol names are client-specific: kafkajs offers only
 * `RoundRobinAssigner`, librdkafka `range` then `roundrobin`, platformatic `roundrobin`. A member
 * sharing no protocol with the group gets INCONSISTENT_GROUP_PROTOCOL (23), as from Kafka, and
 * the group carries on; members that share one agree on it.
 */
describe('mixed clients in one consumer group', () => {
  let broker: TestBroker;
  let admin: Admin;
  let kafka: Kafka;
  let producer: Producer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    kafka = new Kafka({
      clientId: 'mixed',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 500 },
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.close();
    await broker.close();
  });

  async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
    const messages = [];
    for (let p = 0; p < partitions; p++)
      for (let i = 0; i < perPartition; i++)
        messages.push({ partition: p, value: `${tag}-p${p}-${i}` });
    await producer.send({ topic, acks: -1, messages });
    return messages.map((m) => m.value);
  }

  function kcatMember(groupId: string, topic: string): LineProcess {
    const member = new LineProcess('kcat', [
      '-b',
      broker.bootstrap,
      '-G',
      groupId,
      topic,
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'heartbeat.interval.ms=100',
      '-X',
      'session.timeout.ms=6000',
      '-u',
      '-f',
      '%p %s\\n',
    ]);
    cleanups.push(() => member.stop('SIGKILL'));
    return member;
  }

  /** A kafkajs member; `errors` collects what makes it crash (run() rejecting or CRASH). */
  async function kafkajsMember(groupId: string, topic: string, seen: Set<string>, errors: Error[]) {
    const consumer: KafkajsConsumer = kafka.consumer({
      groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 100,
      maxWaitTimeInMs: 100,
      retry: { retries: 0 },
    });
    cleanups.push(() => consumer.disconnect());
    consumer.on(consumer.events.CRASH, (e) => {
      errors.push(e.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer
      .run({
        eachMessage: async ({ message }) => {
          seen.add(message.value?.toString() ?? '');
          return Promise.resolve();
        },
      })
      .catch((err: unknown) => {
        errors.push(err as Error);
      });
    return consumer;
  }

  it('refuses kcat (range, roundrobin) in a kafkajs (RoundRobinAssigner) group; kafkajs keeps consuming', async () => {
    const topic = 'mixed-js-first';
    const groupId = 'mixed-js-first';
    await admin.createTopic(topic, 3, 1);
    const seen = new Set<string>();
    const errors: Error[] = [];
    await kafkajsMember(groupId, topic, seen, errors);
    const d = await waitForBalancedGroup(admin, groupId, topic, 3, 1);
    expect(d.protocol).toBe('RoundRobinAssigner');

    const kcat = kcatMember(groupId, topic);
    await waitUntil('kcat to report the refused join', () =>
      /Inconsistent group protocol/i.test(kcat.stderr),
    );
    const values = await produce(topic, 3, 20, 'js');
    await waitUntil('kafkajs to consume every record', () => values.every((v) => seen.has(v)));
    const after = await admin.groups.describe(groupId);
    expect(after.state).toBe('Stable');
    expect(after.members).toHaveLength(1);
    expect(after.protocol).toBe('RoundRobinAssigner');
    expect(kcat.lines).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses kafkajs in a kcat group with INCONSISTENT_GROUP_PROTOCOL; kcat keeps consuming', async () => {
    const topic = 'mixed-kcat-first';
    const groupId = 'mixed-kcat-first';
    await admin.createTopic(topic, 3, 1);
    const kcat = kcatMember(groupId, topic);
    const d = await waitForBalancedGroup(admin, groupId, topic, 3, 1);
    expect(d.protocol).toBe('range');

    const seen = new Set<string>();
    const errors: Error[] = [];
    await kafkajsMember(groupId, topic, seen, errors);
    const error = await waitUntil('kafkajs to fail its join', () => errors[0]);
    expect(error).toMatchObject({ type: 'INCONSISTENT_GROUP_PROTOCOL' });

    const values = await produce(topic, 3, 20, 'kcat');
    await waitUntil('kcat to consume every record', () => {
      const got = new Set(kcat.lines.map((l) => l.split(' ')[1]));
      return values.every((v) => got.has(v));
    });
    const after = await admin.groups.describe(groupId);
    expect(after.members).toHaveLength(1);
    expect(after.members[0]?.clientId).toBe('rdkafka');
    expect(seen.size).toBe(0);
  });

  it('lets @platformatic/kafka and kcat share a group on roundrobin, the one protocol both offer', async () => {
    // platformatic joins first and so leads the group: it computes the assignment. The other way
    // round librdkafka 2.0.2 leads, cannot parse platformatic's subscription (version 1 without
    // the owned partitions v1 adds: "Failed to parse MemberMetadata ... Bad message format") and
    // leaves it without partitions; that is between the two clients, and Kafka does the same.
    const topic = 'mixed-roundrobin';
    const groupId = 'mixed-roundrobin';
    await admin.createTopic(topic, 4, 1);
    const pk = new Consumer({
      groupId,
      clientId: 'pk-mixed',
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      sessionTimeout: 6000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 100,
      maxWaitTime: 100,
    });
    const stream: MessagesStream<string, string, string, string> = await pk.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
    });
    cleanups.push(async () => {
      await stream.close();
      await pk.close();
    });
    const byPk = new Set<string>();
    stream.on('data', (m) => byPk.add(m.value));
    await waitForBalancedGroup(admin, groupId, topic, 4, 1);

    const kcat = kcatMember(groupId, topic);
    const d = await waitForBalancedGroup(admin, groupId, topic, 4, 2);
    expect(d.protocol).toBe('roundrobin');
    expect(d.members.map((m) => m.clientId).sort()).toEqual(['pk-mixed', 'rdkafka']);
    const values = await produce(topic, 4, 25, 'rr');
    await waitUntil('the two members to consume every record', () => {
      const byKcat = new Set(kcat.lines.map((l) => l.split(' ')[1]));
      return values.every((v) => byKcat.has(v) || byPk.has(v));
    });
    expect(byPk.size).toBeGreaterThan(0);
    expect(kcat.lines.filter((l) => l.includes('rr-')).length).toBeGreaterThan(0);
  });
});
