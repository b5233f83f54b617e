import { fileURLToPath } from 'node:url';

import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import {
  FAST_GROUP_PROPS,
  LineProcess,
  partitionKeys,
  waitForBalancedGroup,
  waitUntil,
  type AssignmentMap,
} from '../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

const MEMBER_SCRIPT = fileURLToPath(new URL('../helpers/kafkajs-group-member.ts', import.meta.url));
const SESSION_TIMEOUT_MS = 3000;
const HEARTBEAT_MS = 100;

/**
 * Everything one group's members saw: which member is inside eachBatch for which partition right
 * now (two at once is a violation), each member's latest assignment, and every record consumed.
 */
class GroupWatch {
  readonly violations: string[] = [];
  readonly assignments = new Map<string, AssignmentMap>();
  readonly memberIds = new Map<string, string>();
  /** value → times consumed. */
  readonly consumed = new Map<string, number>();
  /** `${member}/${partition}` → offsets in consumption order. */
  readonly offsets = new Map<string, number[]>();
  private readonly inside = new Map<number, string>();

  enter(member: string, partition: number): void {
    const other = this.inside.get(partition);
    if (other !== undefined && other !== member)
      this.violations.push(`partition ${partition} processed by ${member} while ${other} was`);
    this.inside.set(partition, member);
  }

  leave(member: string, partition: number): void {
    if (this.inside.get(partition) === member) this.inside.delete(partition);
  }

  record(member: string, partition: number, offset: number, value: string): void {
    this.consumed.set(value, (this.consumed.get(value) ?? 0) + 1);
    const key = `${member}/${partition}`;
    this.offsets.set(key, [...(this.offsets.get(key) ?? []), offset]);
  }

  hasAll(values: readonly string[]): boolean {
    return values.every((v) => this.consumed.has(v));
  }
}

describe('kafkajs consumer groups against fjord', () => {
  let broker: TestBroker;
  let admin: Admin;
  let kafka: Kafka;
  let producer: Producer;
  const running: Consumer[] = [];
  const children: LineProcess[] = [];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    kafka = new Kafka({
      clientId: 'kafkajs-groups',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 1000 },
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((c) => c.disconnect()));
    await Promise.allSettled(children.splice(0).map((c) => c.stop('SIGKILL')));
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.close();
    await broker.close();
  });

  /** Produces `perPartition` records to every partition; values are `${tag}-p${p}-${i}`. */
  async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
    const values: string[] = [];
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i++) {
        const value = `${tag}-p${p}-${i}`;
        values.push(value);
        messages.push({ partition: p, value });
      }
    }
    await producer.send({ topic, acks: -1, messages });
    return values;
  }

  async function startMember(groupId: string, topic: string, name: string, watch: GroupWatch) {
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_MS,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 100,
    });
    running.push(consumer);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      watch.assignments.set(name, e.payload.memberAssignment);
      watch.memberIds.set(name, e.payload.memberId);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        watch.enter(name, batch.partition);
        // Yield so that another member processing the same partition would overlap.
        await new Promise((resolve) => setImmediate(resolve));
        for (const m of batch.messages)
          watch.record(name, batch.partition, Number(m.offset), m.value?.toString() ?? '');
        watch.leave(name, batch.partition);
      },
    });
    return consumer;
  }

  /** Waits until the live members' own latest assignments match the coordinator's view. */
  async function expectAssignments(
    groupId: string,
    topic: string,
    partitions: number,
    watch: GroupWatch,
    live: readonly string[],
  ): Promise<void> {
    const d = await waitForBalancedGroup(admin, groupId, topic, partitions, live.length);
    await waitUntil(`${live.join(', ')} to see the coordinator's assignment`, () =>
      live.every((name) => {
        const member = d.members.find((m) => m.memberId === watch.memberIds.get(name));
        const own = watch.assignments.get(name);
        return (
          member !== undefined &&
          own !== undefined &&
          JSON.stringify(partitionKeys(own).sort()) ===
            JSON.stringify(
              partitionKeys({ [topic]: member.assignment[0]?.partitions ?? [] }).sort(),
            )
        );
      }),
    );
    const keys = live.flatMap((name) => partitionKeys(watch.assignments.get(name) ?? {}));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(partitions);
  }

  it('spreads six partitions over 1, then 3, then 2 members; one owner each, no record lost', async () => {
    const topic = 'js-groups-six';
    const groupId = 'js-six';
    await admin.createTopic(topic, 6, 1);
    const watch = new GroupWatch();
    const produced: string[] = [];

    await startMember(groupId, topic, 'm1', watch);
    await expectAssignments(groupId, topic, 6, watch, ['m1']);
    produced.push(...(await produce(topic, 6, 20, 'one')));
    await waitUntil('m1 to consume phase one', () => watch.hasAll(produced));

    const m2 = await startMember(groupId, topic, 'm2', watch);
    await startMember(groupId, topic, 'm3', watch);
    await expectAssignments(groupId, topic, 6, watch, ['m1', 'm2', 'm3']);
    produced.push(...(await produce(topic, 6, 20, 'three')));
    await waitUntil('three members to consume phase two', () => watch.hasAll(produced));

    await m2.disconnect();
    await expectAssignments(groupId, topic, 6, watch, ['m1', 'm3']);
    produced.push(...(await produce(topic, 6, 20, 'two')));
    await waitUntil('two members to consume phase three', () => watch.hasAll(produced));

    expect(watch.violations).toEqual([]);
    expect(produced.filter((v) => !watch.consumed.has(v))).toEqual([]);
    for (const [key, offsets] of watch.offsets) {
      const sorted = [...offsets].sort((a, b) => a - b);
      expect(offsets, `offsets of ${key} in order`).toEqual(sorted);
    }
  });

  it('gives every record to each of two groups on the same topic', async () => {
    const topic = 'js-groups-two';
    await admin.createTopic(topic, 4, 1);
    const a = new GroupWatch();
    const b = new GroupWatch();
    await Promise.all([
      startMember('js-two-a', topic, 'a1', a),
      startMember('js-two-a', topic, 'a2', a),
      startMember('js-two-b', topic, 'b1', b),
      startMember('js-two-b', topic, 'b2', b),
    ]);
    await expectAssignments('js-two-a', topic, 4, a, ['a1', 'a2']);
    await expectAssignments('js-two-b', topic, 4, b, ['b1', 'b2']);
    const produced = await produce(topic, 4, 50, 'both');
    await waitUntil(
      'both groups to consume everything',
      () => a.hasAll(produced) && b.hasAll(produced),
    );
    expect(a.violations).toEqual([]);
    expect(b.violations).toEqual([]);
    expect(a.consumed.size).toBe(produced.length);
    expect(b.consumed.size).toBe(produced.length);
  });

  it('moves a SIGKILLed member’s partitions to the survivor after the session timeout, resuming from its last commit', async () => {
    const topic = 'js-groups-kill';
    const groupId = 'js-kill';
    await admin.createTopic(topic, 6, 1);
    const child = new LineProcess(process.execPath, ['--import', 'tsx', MEMBER_SCRIPT], {
      MEMBER_BOOTSTRAP: broker.bootstrap,
      MEMBER_GROUP: groupId,
      MEMBER_TOPIC: topic,
      MEMBER_CLIENT_ID: 'doomed',
      MEMBER_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      MEMBER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      MEMBER_NO_COMMIT_PREFIX: 'uncommitted',
    });
    children.push(child);
    const childEvents = <T>(event: string): T[] =>
      child.lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string } & T)
        .filter((e) => e.event === event);
    await waitUntil('the child to join', () => childEvents('join').length > 0, {
      timeoutMs: 30_000,
    });

    const survivor = new GroupWatch();
    await startMember(groupId, topic, 'survivor', survivor);
    const d = await waitForBalancedGroup(admin, groupId, topic, 6, 2);
    const survivorId = await waitUntil('the survivor to join', () =>
      survivor.memberIds.get('survivor'),
    );
    const childPartitions =
      d.members.find((m) => m.memberId !== survivorId)?.assignment[0]?.partitions ?? [];
    expect(childPartitions.length).toBeGreaterThan(0);

    const childValues = (): Set<string> =>
      new Set(childEvents<{ values: string[] }>('batch').flatMap((e) => e.values));
    const consumedByAnyone = (values: readonly string[]): boolean => {
      const byChild = childValues();
      return values.every((v) => byChild.has(v) || survivor.consumed.has(v));
    };
    const committed = await produce(topic, 6, 20, 'committed');
    await waitUntil('both members to consume the first phase', () => consumedByAnyone(committed));
    const uncommitted = await produce(topic, 6, 5, 'uncommitted');
    await waitUntil('both members to consume the second phase', () =>
      consumedByAnyone(uncommitted),
    );

    expect(await child.stop('SIGKILL')).toBe('SIGKILL');
    const killedAt = Date.now();
    const lastCommits = new Map(
      (await admin.groups.committedOffsets(groupId))
        .filter((c) => childPartitions.includes(c.partition))
        .map((c) => [c.partition, c.offset]),
    );
    // The child committed the first phase and processed, but never committed, the second.
    for (const p of childPartitions) expect(lastCommits.get(p)).toBe(20);
    const after = await produce(topic, 6, 20, 'after');

    await waitUntil(
      'the survivor to own all six partitions',
      () => (survivor.assignments.get('survivor')?.[topic]?.length ?? 0) === 6,
      { timeoutMs: SESSION_TIMEOUT_MS + 10_000 },
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - 1000);
    // Including the second phase of the child's partitions again: it was never committed.
    await waitUntil('the survivor to consume everything left', () =>
      [...uncommitted, ...after].every((v) => survivor.consumed.has(v)),
    );

    for (const p of childPartitions) {
      expect(survivor.offsets.get(`survivor/${p}`)?.[0], `first offset of partition ${p}`).toBe(
        lastCommits.get(p),
      );
    }
    expect([...committed, ...uncommitted, ...after].filter((v) => !consumedByAnyone([v]))).toEqual(
      [],
    );
    expect(survivor.violations).toEqual([]);
  });

  it('keeps committed offsets and the group list across a broker restart; consumers resume where they were', async () => {
    const topic = 'js-groups-restart';
    await admin.createTopic(topic, 3, 1);
    const live = new GroupWatch();
    const stopped = new GroupWatch();
    await startMember('js-restart-live', topic, 'live', live);
    const stoppedMember = await startMember('js-restart-stopped', topic, 'stopped', stopped);
    await expectAssignments('js-restart-live', topic, 3, live, ['live']);
    await expectAssignments('js-restart-stopped', topic, 3, stopped, ['stopped']);
    const before = await produce(topic, 3, 30, 'before');
    await waitUntil('both groups to consume and commit the first phase', async () => {
      if (!live.hasAll(before) || !stopped.hasAll(before)) return false;
      for (const g of ['js-restart-live', 'js-restart-stopped']) {
        const offsets = await admin.groups.committedOffsets(g);
        if (offsets.length !== 3 || offsets.some((o) => o.offset !== 30)) return false;
      }
      return true;
    });
    await stoppedMember.disconnect();
    const committedBefore = await admin.groups.committedOffsets('js-restart-stopped');

    await admin.close();
    await broker.restart();
    admin = await Admin.connect(broker.bootstrap);

    const groups = (await admin.groups.list()).map((g) => g.groupId);
    expect(groups).toEqual(expect.arrayContaining(['js-restart-live', 'js-restart-stopped']));
    expect(await admin.groups.committedOffsets('js-restart-stopped')).toEqual(committedBefore);
    expect((await admin.groups.describe('js-restart-stopped')).state).toBe('Empty');

    const afterRestart = await produce(topic, 3, 30, 'after');
    const resumed = new GroupWatch();
    await startMember('js-restart-stopped', topic, 'resumed', resumed);
    await waitUntil(
      'both groups to consume the second phase',
      () => live.hasAll(afterRestart) && resumed.hasAll(afterRestart),
    );
    // Nothing from before the restart was read again: both resumed at their commits.
    expect([...resumed.consumed.keys()].sort()).toEqual([...afterRestart].sort());
    expect(before.filter((v) => live.consumed.get(v) !== 1)).toEqual([]);
  });
});
