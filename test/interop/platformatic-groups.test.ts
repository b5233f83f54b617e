import {
  Consumer,
  Producer,
  stringDeserializers,
  stringSerializers,
  type MessagesStream,
} from '@platformatic/kafka';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { FAST_GROUP_PROPS, waitForBalancedGroup, waitUntil } from '../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

type StringStream = MessagesStream<string, string, string, string>;

/**
 * @platformatic/kafka 1.35.0, unmodified, in a consumer group: FindCoordinator v4 (batched keys),
 * JoinGroup v6, SyncGroup v4, Heartbeat v4, OffsetFetch v8 and OffsetCommit v8, all flexible,
 * with its `roundrobin` assignor, through `consumer.consume()` streams.
 */
describe('@platformatic/kafka consumer groups against fjord', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer<string, string, string, string>;
  const open: { consumer: Consumer<string, string, string, string>; stream: StringStream }[] = [];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    producer = new Producer({
      clientId: 'pk-group-producer',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
    });
  });
  afterEach(async () => {
    for (const { consumer, stream } of open.splice(0)) {
      await stream.close().catch(() => undefined);
      await consumer.close().catch(() => undefined);
    }
  });
  afterAll(async () => {
    await producer.close();
    await admin.close();
    await broker.close();
  });

  async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
    const messages = [];
    for (let p = 0; p < partitions; p++)
      for (let i = 0; i < perPartition; i++)
        messages.push({ topic, partition: p, key: `k${i}`, value: `${tag}-p${p}-${i}` });
    await producer.send({ messages });
    return messages.map((m) => m.value);
  }

  /** Starts a member; `seen` collects `value → consumer` for every record it receives. */
  async function member(groupId: string, topic: string, name: string, seen: Map<string, string[]>) {
    const consumer = new Consumer({
      groupId,
      clientId: name,
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      sessionTimeout: 6000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 100,
      maxWaitTime: 100,
    });
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: 100,
    });
    open.push({ consumer, stream });
    stream.on('data', (message) => {
      seen.set(message.value, [...(seen.get(message.value) ?? []), name]);
    });
    return { consumer, stream };
  }

  it('round-trips records through a consume() stream, shares partitions and resumes from commits', async () => {
    const topic = 'pk-groups';
    const groupId = 'pk-group';
    await admin.createTopic(topic, 4, 1);
    const seen = new Map<string, string[]>();

    await member(groupId, topic, 'pk-one', seen);
    const alone = await waitForBalancedGroup(admin, groupId, topic, 4, 1);
    expect(alone.protocol).toBe('roundrobin');
    expect(alone.members[0]?.subscription?.topics).toEqual([topic]);
    expect(alone.members[0]?.clientId).toBe('pk-one');
    const first = await produce(topic, 4, 50, 'first');
    await waitUntil('the first member to consume every record', () =>
      first.every((v) => seen.has(v)),
    );

    await waitUntil('the first commits to reach the log end', async () => {
      const offsets = await admin.groups.committedOffsets(groupId);
      return offsets.length === 4 && offsets.every((o) => o.offset === 50);
    });

    await member(groupId, topic, 'pk-two', seen);
    const shared = await waitForBalancedGroup(admin, groupId, topic, 4, 2);
    expect(shared.members.map((m) => m.assignment[0]?.partitions.length)).toEqual([2, 2]);
    const second = await produce(topic, 4, 50, 'second');
    await waitUntil('the two members to consume every record', () =>
      second.every((v) => seen.has(v)),
    );
    // At least once: platformatic 1.35.0 hands out what a fetch in flight during the rebalance
    // returned, so a record of a partition that just moved can reach its old owner as well.
    const consumers = new Set(second.flatMap((v) => seen.get(v) ?? []));
    expect(consumers).toEqual(new Set(['pk-one', 'pk-two']));
    expect(first.filter((v) => seen.get(v)?.length !== 1)).toEqual([]);

    await waitUntil('the commits to reach the log end', async () => {
      const offsets = await admin.groups.committedOffsets(groupId);
      return offsets.length === 4 && offsets.every((o) => o.offset === 100);
    });
    for (const { consumer, stream } of open.splice(0)) {
      await stream.close();
      await consumer.close();
    }
    await waitUntil('the group to be empty', async () =>
      (await admin.groups.describe(groupId)).state === 'Empty' ? true : undefined,
    );

    const third = await produce(topic, 4, 10, 'third');
    const resumed = new Map<string, string[]>();
    await member(groupId, topic, 'pk-three', resumed);
    await waitUntil('the resumed member to consume the new records', () =>
      third.every((v) => resumed.has(v)),
    );
    // Exactly the new records: the group resumed at its commits.
    expect([...resumed.keys()].sort()).toEqual([...third].sort());
    expect([...resumed.values()].every((names) => names.length === 1)).toBe(true);
  });
});
