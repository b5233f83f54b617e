import { describe, expect, it } from 'vitest';

import {
  Serdes,
  StreamsBuilder,
  TestDriver,
  type FixedKeyProcessorContext,
  type KStream,
} from '../../../../streams/index.js';

interface Click {
  readonly user: string;
  readonly page: string;
}

const s = Serdes.string();
const clicks = Serdes.json<Click>();

/** Tags each value with the task that processed it. */
function tagTask(stream: KStream<string, Click>): KStream<string, string> {
  return stream.processValues<string>(() => {
    let ctx: FixedKeyProcessorContext<string, string> | undefined;
    return {
      init: (c) => (ctx = c),
      process: (r) => {
        const t = ctx?.taskId;
        ctx?.forward({ ...r, value: `${r.value.page}@${t?.subtopology}_${t?.partition}` });
      },
    };
  });
}

function pipeClicks(driver: TestDriver): void {
  const input = driver.createInputTopic('clicks', s, clicks);
  const users = ['ann', 'bob', 'cid', 'dee', 'eve'];
  for (let i = 0; i < 40; i++) {
    const user = users[i % users.length] ?? 'ann';
    // keyed by session id, so one user's clicks land on several partitions
    input.pipeInput(
      `session-${i}`,
      { user, page: `p${i}` },
      { timestamp: i, headers: { i: String(i) } },
    );
  }
}

/** The task each user's records were processed by after the repartition. */
function tasksByUser(driver: TestDriver): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const r of driver.createOutputTopic('by-user', s, s).readRecordsToList()) {
    const task = r.value.split('@')[1] ?? '';
    byUser.set(r.key, (byUser.get(r.key) ?? new Set()).add(task));
  }
  return byUser;
}

describe('repartition', () => {
  it('explicit: records with equal new keys meet in one task across 4 partitions', () => {
    const b = new StreamsBuilder();
    tagTask(
      b
        .stream('clicks', { key: s, value: clicks })
        .selectKey((_k, c) => c.user)
        .repartition({ name: 'by-user' }),
    ).to('by-user', { value: s });
    const driver = new TestDriver(b.build(), { partitions: 4, applicationId: 'app' });
    expect(driver.taskNames()).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3']);
    pipeClicks(driver);
    const byUser = tasksByUser(driver);
    expect(byUser.size).toBe(5);
    for (const tasks of byUser.values()) expect(tasks.size).toBe(1);
    // the repartition topic is the app's internal topic, readable like any topic
    const internal = driver
      .createOutputTopic('app-by-user-repartition', s, clicks)
      .readRecordsToList();
    expect(internal).toHaveLength(40);
    expect(internal[3]?.headers).toEqual({ i: Buffer.from('3') });
    expect(internal[3]?.timestamp).toBe(3);
  });

  it('explicit with a partition count and a custom partitioner', () => {
    const b = new StreamsBuilder();
    b.stream('clicks', { key: s, value: clicks })
      .repartition({
        numberOfPartitions: 2,
        partitioner: (_t, _k, c, count) => (c.user === 'ann' ? 0 : count - 1),
      })
      .mapValues((c) => c.user)
      .to('out', { value: s });
    const driver = new TestDriver(b.build(), { partitions: 4 });
    expect(driver.taskNames()).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1']);
    pipeClicks(driver);
    const internal = driver
      .createOutputTopic('test-driver-KSTREAM-REPARTITION-0000000001-repartition', s, clicks)
      .readRecordsToList();
    for (const r of internal) expect(r.partition).toBe(r.value.user === 'ann' ? 0 : 1);
    expect(driver.createOutputTopic('out', s, s).queueSize()).toBe(40);
  });

  it('the required-repartition hook: a no-op on an unchanged key, a repartition after a key change', () => {
    const b = new StreamsBuilder();
    const source = b.stream('clicks', { key: s, value: clicks });
    expect(source.repartitionIfRequired('unused')).toBe(source);
    const rekeyed = source.selectKey((_k, c) => c.user);
    const grouped = rekeyed.repartitionIfRequired('clicks-per-user');
    expect(grouped).not.toBe(rekeyed);
    expect(grouped.repartitionRequired).toBe(false);
    tagTask(grouped).to('by-user', { value: s });
    const topology = b.build();
    expect(topology.internalTopics.map((t) => t.name)).toEqual(['clicks-per-user-repartition']);
    expect(topology.describe().toString()).toContain(
      'Processor: clicks-per-user-repartition-filter (stores: [])\n' +
        '      --> clicks-per-user-repartition-sink',
    );
    const driver = new TestDriver(topology, { partitions: 4 });
    pipeClicks(driver);
    const byUser = tasksByUser(driver);
    expect([...byUser.keys()].sort()).toEqual(['ann', 'bob', 'cid', 'dee', 'eve']);
    for (const tasks of byUser.values()) {
      expect(tasks.size).toBe(1);
      expect([...tasks][0]?.startsWith('1_')).toBe(true);
    }
  });

  it('the hook drops null keys before writing the repartition topic', () => {
    const b = new StreamsBuilder();
    b.stream('clicks', { key: s, value: clicks })
      .selectKey((_k, c): string | null => (c.user === 'ann' ? null : c.user))
      .repartitionIfRequired('g', { key: Serdes.nullable(s) })
      .to('out', { key: Serdes.nullable(s) });
    const driver = new TestDriver(b.build(), { partitions: 2 });
    pipeClicks(driver);
    const out = driver.createOutputTopic('out', Serdes.nullable(s), clicks).readRecordsToList();
    expect(out).toHaveLength(32);
    expect(out.every((r) => r.key !== null)).toBe(true);
  });
});
