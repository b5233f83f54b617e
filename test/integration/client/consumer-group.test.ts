import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import type { ConsumerOptions } from '../../../core/client/consumer/consumer-options.js';
import type { ConsumerRecord, TopicPartition } from '../../../core/client/consumer/types.js';
import { consumeUntil, TestWriter } from '../../helpers/consumer-fixtures.js';
import { FAST_GROUP_PROPS, waitUntil } from '../../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';

/** The fjord consumer in consumer groups on a fjord broker. */
describe('Consumer in a group', () => {
  let broker: TestBroker;
  let admin: Admin;
  let writer: TestWriter;
  const open: Consumer[] = [];
  let n = 0;

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    writer = await TestWriter.connect(broker.bootstrap);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await writer.close();
    await admin.close();
    await broker.close();
  });

  async function topic(partitions: number): Promise<string> {
    const name = `group-topic-${++n}`;
    await admin.createTopic(name, partitions, 1);
    return name;
  }

  function consumer(groupId: string, options: Partial<ConsumerOptions> = {}): Consumer {
    const c = new Consumer({
      bootstrap: broker.bootstrap,
      groupId,
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 200,
      autoCommitIntervalMs: 100,
      ...options,
    });
    open.push(c);
    return c;
  }

  /** Iterates in the background (so rebalances can run) into `sink`, until closed. */
  function drain(c: Consumer, sink: ConsumerRecord[]): Promise<unknown> {
    return consumeUntil(c, () => false, sink);
  }

  const committed = async (group: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await admin.groups.committedOffsets(group)).map((o) => [
        `${o.topic}-${o.partition}`,
        o.offset,
      ]),
    );

  it('auto-commits what was processed; the next member of the group resumes after it', async () => {
    const t = await topic(1);
    await writer.writeValues(t, 0, 300);
    const c1 = consumer('auto-1');
    c1.subscribe([t]);
    await consumeUntil(c1, (r) => r.length >= 300);
    // Asking for more marks the last batch processed; the auto-commit timer then commits it.
    expect(await c1.poll(AbortSignal.timeout(200))).toBeUndefined();
    await waitUntil(
      'offset 300 committed',
      async () => (await committed('auto-1'))[`${t}-0`] === 300,
    );
    await c1.close();
    await writer.writeValues(t, 0, 5, 'late');
    const c2 = consumer('auto-1');
    c2.subscribe([t]);
    const [batch] = await consumeUntil(c2, (r) => r.length >= 5);
    expect(batch!.records[0]!.offset).toBe(300);
  });

  it('commits explicitly given offsets and all positions, and nothing more without auto commit', async () => {
    const t = await topic(2);
    await writer.writeValues(t, 0, 300);
    await writer.writeValues(t, 1, 10);
    const c1 = consumer('explicit-1', { enableAutoCommit: false, maxPollRecords: 100 });
    c1.subscribe([t]);
    await consumeUntil(c1, (r) => r.length >= 110);
    await c1.commit([{ topic: t, partition: 0, offset: 50 }]);
    expect(await committed('explicit-1')).toEqual({ [`${t}-0`]: 50 });
    await c1.commit();
    expect(await committed('explicit-1')).toEqual({ [`${t}-0`]: 100, [`${t}-1`]: 10 });
    await c1.close();
    expect(await committed('explicit-1')).toEqual({ [`${t}-0`]: 100, [`${t}-1`]: 10 });
    const c2 = consumer('explicit-1');
    c2.subscribe([t]);
    const seen: ConsumerRecord[] = [];
    await consumeUntil(c2, (r) => r.length >= 200, seen);
    expect(seen.map((r) => r.offset)).toEqual(Array.from({ length: 200 }, (_, i) => 100 + i));
  });

  it('awaits async rebalance listeners before the rebalance goes on', async () => {
    const t = await topic(2);
    await writer.writeValues(t, 0, 100);
    await writer.writeValues(t, 1, 100);
    const events: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let revoking = false;
    const c1 = consumer('listeners-1', {
      listeners: {
        onAssigned: (ps) => void events.push(`c1 assigned ${ps.length}`),
        onRevoked: async (ps) => {
          events.push(`c1 revoking ${ps.length}`);
          revoking = true;
          await gate;
          events.push('c1 revoked');
        },
      },
    });
    c1.subscribe([t]);
    const sink1: ConsumerRecord[] = [];
    const run1 = drain(c1, sink1);
    await waitUntil('c1 has both partitions', () => c1.assignment().length === 2);
    const c2 = consumer('listeners-1', {
      listeners: {
        onAssigned: async (ps: readonly TopicPartition[]) => {
          await new Promise((resolve) => setImmediate(resolve));
          // Seeking here proves the listener ran before positions were looked up.
          for (const tp of ps) c2.seek({ ...tp, offset: 90 });
          events.push(`c2 assigned ${ps.length}`);
        },
      },
    });
    c2.subscribe([t]);
    const sink2: ConsumerRecord[] = [];
    const run2 = drain(c2, sink2);
    await waitUntil('c1 revoking', () => revoking);
    // A negative can only be shown over some time: a few heartbeats' worth.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.some((e) => e.startsWith('c2 assigned'))).toBe(false);
    release();
    await waitUntil('c2 consumed its partition', () => sink2.length >= 10);
    expect(events.indexOf('c1 revoked')).toBeLessThan(events.indexOf('c2 assigned 1'));
    expect(sink2[0]!.offset).toBe(90);
    await c1.close();
    await c2.close();
    await Promise.all([run1, run2]);
  });

  it('leaves the group on close; the others take over from the committed offsets', async () => {
    const t = await topic(4);
    for (let p = 0; p < 4; p++) await writer.writeValues(t, p, 50, `p${p}-`);
    const options = { sessionTimeoutMs: 30_000 };
    const [c1, c2] = [consumer('leave-1', options), consumer('leave-1', options)];
    const s1: ConsumerRecord[] = [];
    const s2: ConsumerRecord[] = [];
    c1.subscribe([t]);
    c2.subscribe([t]);
    const runs = [drain(c1, s1), drain(c2, s2)];
    await waitUntil('all 200 records consumed', () => s1.length + s2.length >= 200);
    await waitUntil(
      'offsets committed',
      async () =>
        Object.values(await committed('leave-1')).every((o) => o === 50) &&
        Object.keys(await committed('leave-1')).length === 4,
    );
    const started = Date.now();
    await c1.close();
    await waitUntil('c2 owns all four partitions', () => c2.assignment().length === 4);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await admin.groups.describe('leave-1')).members).toHaveLength(1);
    for (let p = 0; p < 4; p++) await writer.writeValues(t, p, 5, `late${p}-`);
    await waitUntil('c2 consumed the new records', () => s1.length + s2.length >= 220);
    const all = [...s1, ...s2].map((r) => `${r.partition}-${r.offset}`);
    expect(new Set(all).size).toBe(all.length);
    await c2.close();
    await Promise.all(runs);
  });

  it('cooperative-sticky revokes only the partitions that move', async () => {
    const t = await topic(6);
    const revoked: string[] = [];
    const c1 = consumer('coop-1', {
      assignors: ['cooperative-sticky'],
      listeners: { onRevoked: (ps) => void revoked.push(...ps.map((p) => `${p.partition}`)) },
    });
    c1.subscribe([t]);
    const runs = [drain(c1, [])];
    await waitUntil('c1 owns all six', () => c1.assignment().length === 6);
    const c2 = consumer('coop-1', { assignors: ['cooperative-sticky'] });
    c2.subscribe([t]);
    runs.push(drain(c2, []));
    await waitUntil(
      'three partitions each',
      () => c1.assignment().length === 3 && c2.assignment().length === 3,
    );
    expect(revoked.sort()).toEqual(
      c2
        .assignment()
        .map((p) => `${p.partition}`)
        .sort(),
    );
    expect((await admin.groups.describe('coop-1')).protocol).toBe('cooperative-sticky');
    await c1.close();
    await c2.close();
    await Promise.all(runs);
  });

  it('subscribes by pattern and picks up matching topics created later', async () => {
    await admin.createTopic('rx-one', 1, 1);
    await writer.writeValues('rx-one', 0, 3);
    const c = consumer('pattern-1', { metadataMaxAgeMs: 300 });
    c.subscribe(/^rx-/);
    const seen: ConsumerRecord[] = [];
    const run = drain(c, seen);
    await waitUntil('rx-one read', () => seen.length >= 3);
    await admin.createTopic('rx-two', 2, 1);
    await writer.writeValues('rx-two', 1, 4);
    await waitUntil('rx-two read', () => seen.filter((r) => r.topic === 'rx-two').length >= 4);
    expect(c.assignment().map((tp) => `${tp.topic}-${tp.partition}`)).toEqual([
      'rx-one-0',
      'rx-two-0',
      'rx-two-1',
    ]);
    await c.close();
    await run;
  });

  it('keeps a static member in the group across a restart, without a rebalance', async () => {
    const t = await topic(4);
    let c2Revocations = 0;
    const a1 = consumer('static-1', { groupInstanceId: 'static-a' });
    const b = consumer('static-1', {
      groupInstanceId: 'static-b',
      listeners: {
        onRevoked: () => {
          c2Revocations++;
        },
      },
    });
    a1.subscribe([t]);
    b.subscribe([t]);
    const runs = [drain(a1, []), drain(b, [])];
    await waitUntil(
      'two members with two partitions each',
      () => a1.assignment().length === 2 && b.assignment().length === 2,
    );
    const before = a1.assignment();
    const revocationsBefore = c2Revocations;
    await a1.close();
    const group = await admin.groups.describe('static-1');
    expect(group.members.map((m) => m.groupInstanceId).sort()).toEqual(['static-a', 'static-b']);
    const a2 = consumer('static-1', { groupInstanceId: 'static-a' });
    a2.subscribe([t]);
    runs.push(drain(a2, []));
    await waitUntil(
      'the restarted member has its partitions back',
      () => a2.assignment().length === 2,
    );
    expect(a2.assignment()).toEqual(before);
    expect(c2Revocations).toBe(revocationsBefore);
    await a2.close();
    await b.close();
    await Promise.all(runs);
  });
});
