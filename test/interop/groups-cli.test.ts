import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  deleteGroups,
  describeGroup,
  listGroups,
  resetOffsets,
  type ResetOptions,
} from '../../core/cli/groups-verbs.js';
import { Admin } from '../../core/client/admin.js';
import {
  FAST_GROUP_PROPS,
  runFjord,
  tableRows,
  waitForBalancedGroup,
  waitUntil,
} from '../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

/**
 * `fjord groups list|describe|reset-offsets|delete` against groups that kafkajs 2.2.4 consumers
 * form: output modelled on kafka-consumer-groups.sh, and offset resets proven by consuming again.
 * The verbs run in-process (what the CLI prints, as text); the last test runs the `fjord` binary
 * from source for its wiring: stdout, `fjord: …` one-line errors and exit codes.
 */
describe('fjord groups', () => {
  let broker: TestBroker;
  let admin: Admin;
  let kafka: Kafka;
  let producer: Producer;
  let active: Consumer;
  const fjord = (...args: string[]) =>
    runFjord(['groups', ...args], { FJORD_BOOTSTRAP_SERVERS: broker.bootstrap });

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    kafka = new Kafka({
      clientId: 'groups-cli',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 1000 },
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await admin.createTopic('cli-active', 2, 1);
    await produce('cli-active', 2, [10, 10], 'act');
    active = (await consume('cli-active-group', 'cli-active', 20, false)).consumer;
    await waitForBalancedGroup(admin, 'cli-active-group', 'cli-active', 2, 1);
  });
  afterAll(async () => {
    await active.disconnect();
    await producer.disconnect();
    await admin.close();
    await broker.close();
  });

  /** Produces `perPartition[p]` records to each partition, with timestamps from `timestampMs`. */
  async function produce(
    topic: string,
    partitions: number,
    perPartition: readonly number[],
    tag: string,
    timestampMs?: number,
  ): Promise<string[]> {
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < (perPartition[p] ?? 0); i++) {
        messages.push({
          partition: p,
          value: `${tag}-p${p}-${i}`,
          ...(timestampMs === undefined ? {} : { timestamp: String(timestampMs + i) }),
        });
      }
    }
    await producer.send({ topic, acks: -1, messages });
    return messages.map((m) => m.value);
  }

  /**
   * Runs a kafkajs member of `groupId` until it has consumed `count` records and committed up to
   * the log end; then leaves the group unless `keep`. Resolves with the values it consumed.
   */
  async function consume(groupId: string, topic: string, count: number, leave = true) {
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 100,
      maxWaitTimeInMs: 100,
    });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        values.push(message.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    await waitUntil(`${groupId} to consume ${count} records and commit them`, async () => {
      if (values.length < count) return false;
      const ends = await admin.listOffsets(topic, 'latest');
      const committed = await admin.groups.committedOffsets(groupId, [topic]);
      return [...ends].every(
        ([p, end]) =>
          end.offset === 0 || committed.find((c) => c.partition === p)?.offset === end.offset,
      );
    });
    if (leave) await consumer.disconnect();
    return { consumer, values };
  }

  const committed = async (groupId: string): Promise<number[]> =>
    (await admin.groups.committedOffsets(groupId)).map((c) => c.offset);

  const reset = (groupId: string, options: Partial<ResetOptions>) =>
    resetOffsets(admin, groupId, { topic: [], ...options });
  const planned = (text: string) =>
    tableRows(text)
      .slice(1)
      .map((row) => row[3]);

  it('lists groups, with states and filtered by state', async () => {
    await admin.createTopic('cli-list', 1, 1);
    await produce('cli-list', 1, [5], 'list');
    await consume('cli-list-empty', 'cli-list', 5);

    expect((await listGroups(admin, {})).split('\n')).toEqual(
      expect.arrayContaining(['cli-active-group', 'cli-list-empty']),
    );
    const rows = tableRows(await listGroups(admin, { state: true }));
    expect(rows[0]).toEqual(['GROUP', 'STATE']);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['cli-active-group', 'Stable'],
        ['cli-list-empty', 'Empty'],
      ]),
    );
    const empty = tableRows(await listGroups(admin, { state: 'empty,dead' })).map((r) => r[0]);
    expect(empty).toContain('cli-list-empty');
    expect(empty).not.toContain('cli-active-group');
  });

  it('describes a group: partitions with lag, members, state; an unknown group fails', async () => {
    await produce('cli-active', 2, [3, 0], 'lagging');
    await waitUntil(
      'the active member to commit the new records',
      async () => (await committed('cli-active-group')).join() === '13,10',
    );
    const [header, ...rows] = tableRows(await describeGroup(admin, 'cli-active-group', {}));
    expect(header).toEqual([
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ]);
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      ['cli-active-group', 'cli-active', '0', '13', '13', '0'],
      ['cli-active-group', 'cli-active', '1', '10', '10', '0'],
    ]);
    expect(rows.every((r) => r[8] === 'groups-cli' && r[6]?.startsWith('groups-cli-'))).toBe(true);

    const [stateHeader, stateRow] = tableRows(
      await describeGroup(admin, 'cli-active-group', { state: true }),
    );
    expect(stateHeader).toEqual([
      'GROUP',
      'COORDINATOR',
      '(ID)',
      'ASSIGNMENT-STRATEGY',
      'STATE',
      '#MEMBERS',
    ]);
    expect(stateRow).toEqual([
      'cli-active-group',
      `127.0.0.1:${broker.port}`,
      '(1)',
      'RoundRobinAssigner',
      'Stable',
      '1',
    ]);
    const members = await describeGroup(admin, 'cli-active-group', {
      members: true,
      verbose: true,
    });
    expect(tableRows(members)[1]?.slice(3)).toEqual(['groups-cli', '2', 'cli-active(0,1)']);

    const emptyGroup = await describeGroup(admin, 'cli-list-empty', {});
    expect(emptyGroup).toMatch(/^Consumer group 'cli-list-empty' has no active members\.\n\n/);
    expect(tableRows(emptyGroup).at(-1)).toEqual([
      'cli-list-empty',
      'cli-list',
      '0',
      '5',
      '5',
      '0',
      '-',
      '-',
      '-',
    ]);
    await expect(describeGroup(admin, 'no-such-group', {})).rejects.toThrow(
      "consumer group 'no-such-group' does not exist",
    );
  });

  it('refuses to reset the offsets of an active group, even as a dry run', async () => {
    const before = await committed('cli-active-group');
    for (const mode of [{ execute: true }, { dryRun: true }]) {
      await expect(
        reset('cli-active-group', { topic: ['cli-active'], toEarliest: true, ...mode }),
      ).rejects.toThrow(
        "assignments can only be reset if the group 'cli-active-group' is inactive, but the current state is Stable",
      );
    }
    expect(await committed('cli-active-group')).toEqual(before);
  });

  it('plans without changing anything unless --execute; resets by shift, offset and the log ends', async () => {
    const topic = 'cli-reset';
    const groupId = 'cli-reset-group';
    await admin.createTopic(topic, 2, 1);
    await produce(topic, 2, [20, 30], 'reset');
    await consume(groupId, topic, 50);
    expect(await committed(groupId)).toEqual([20, 30]);

    const dry = await reset(groupId, { topic: [topic], toEarliest: true, dryRun: true });
    expect(tableRows(dry.text)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      [groupId, topic, '0', '0'],
      [groupId, topic, '1', '0'],
    ]);
    expect(dry.warnings).toEqual([]);
    const neither = await reset(groupId, { topic: [topic], toEarliest: true });
    expect(neither.warnings).toEqual([
      'nothing was changed: add --execute to reset, or --dry-run to only show',
    ]);
    expect(await committed(groupId)).toEqual([20, 30]);

    const cases: [Partial<ResetOptions>, number[], RegExp?][] = [
      [{ shiftBy: '-5' }, [15, 25]],
      [{ toOffset: '25' }, [20, 25], /higher than the latest offset of cli-reset-0; using 20/],
      [{ toEarliest: true }, [0, 0]],
      [{ shiftBy: '3' }, [3, 3]],
      [{ toLatest: true }, [20, 30]],
      [{ shiftBy: '-100' }, [0, 0], /lower than the earliest offset/],
    ];
    for (const [spec, expected, warning] of cases) {
      const planOnly = await reset(groupId, { topic: [topic], ...spec, dryRun: true });
      const done = await reset(groupId, { topic: [topic], ...spec, execute: true });
      expect(planned(planOnly.text), JSON.stringify(spec)).toEqual(expected.map(String));
      expect(planned(done.text)).toEqual(expected.map(String));
      expect(await committed(groupId), JSON.stringify(spec)).toEqual(expected);
      if (warning !== undefined) expect(done.warnings.join('\n')).toMatch(warning);
    }

    const onePartition = await reset(groupId, {
      topic: [`${topic}:1`],
      toOffset: '7',
      execute: true,
    });
    expect(tableRows(onePartition.text)).toHaveLength(2);
    expect(await committed(groupId)).toEqual([0, 7]);

    await expect(
      reset(groupId, { topic: [topic], byDuration: '10m', execute: true }),
    ).rejects.toThrow(/bad duration "10m"/);
    await expect(
      reset(groupId, { topic: [topic], toEarliest: true, toLatest: true, execute: true }),
    ).rejects.toThrow(/give exactly one of/);
    await expect(reset(groupId, { toEarliest: true, execute: true })).rejects.toThrow(
      /--all-topics/,
    );
    expect(await committed(groupId)).toEqual([0, 7]);
  });

  it('rewinds a stopped group with --to-datetime so that it re-reads exactly the records from then on', async () => {
    const topic = 'cli-datetime';
    const groupId = 'cli-datetime-group';
    await admin.createTopic(topic, 3, 1);
    const pivotMs = Date.now() - 60_000;
    const early = await produce(topic, 3, [10, 5, 0], 'early', pivotMs - 30_000);
    const late = await produce(topic, 3, [7, 0, 4], 'late', pivotMs);
    expect((await consume(groupId, topic, early.length + late.length)).values.sort()).toEqual(
      [...early, ...late].sort(),
    );

    const result = await reset(groupId, {
      topic: [topic],
      toDatetime: new Date(pivotMs).toISOString(),
      execute: true,
    });
    // Partition 1 has nothing that late: it goes to its log end, as in Kafka.
    expect(planned(result.text)).toEqual(['10', '5', '0']);
    expect((await consume(groupId, topic, late.length)).values.sort()).toEqual([...late].sort());
  });

  it('rewinds with --by-duration relative to now', async () => {
    const topic = 'cli-duration';
    const groupId = 'cli-duration-group';
    await admin.createTopic(topic, 2, 1);
    const now = Date.now();
    const old = await produce(topic, 2, [6, 6], 'old', now - 2 * 3_600_000);
    const recent = await produce(topic, 2, [3, 5], 'recent', now - 30 * 60_000);
    await consume(groupId, topic, old.length + recent.length);
    const result = await resetOffsets(
      admin,
      groupId,
      { topic: [], allTopics: true, byDuration: 'PT1H', execute: true },
      now,
    );
    expect(planned(result.text)).toEqual(['6', '6']);
    expect((await consume(groupId, topic, recent.length)).values.sort()).toEqual(
      [...recent].sort(),
    );
  });

  it('deletes empty groups with their offsets and refuses active or unknown ones', async () => {
    await admin.createTopic('cli-delete', 1, 1);
    await produce('cli-delete', 1, [3], 'del');
    await consume('cli-delete-group', 'cli-delete', 3);

    await expect(deleteGroups(admin, ['cli-active-group'])).rejects.toThrow(
      "group 'cli-active-group' could not be deleted: NON_EMPTY_GROUP (the group still has active members)",
    );
    expect(await deleteGroups(admin, ['cli-delete-group'])).toBe(
      "Deletion of requested consumer groups ('cli-delete-group') was successful.",
    );
    expect((await listGroups(admin, {})).split('\n')).not.toContain('cli-delete-group');
    expect(await admin.groups.committedOffsets('cli-delete-group')).toEqual([]);
    await expect(deleteGroups(admin, ['cli-delete-group', 'cli-list-empty'])).rejects.toThrow(
      "group 'cli-delete-group' could not be deleted: GROUP_ID_NOT_FOUND (the group does not exist); deleted: 'cli-list-empty'",
    );
  });

  it('runs as the fjord binary: tables on stdout, one-line errors on stderr, exit codes', async () => {
    await admin.createTopic('cli-binary', 1, 1);
    await produce('cli-binary', 1, [4], 'bin');
    await consume('cli-binary-a', 'cli-binary', 4);
    await consume('cli-binary-b', 'cli-binary', 4);
    const b = ['--bootstrap-server', broker.bootstrap];
    const [list, describeOk, missing, refused, noExecute, deleted, notDeleted] = await Promise.all([
      fjord('list'),
      runFjord(['groups', 'describe', 'cli-binary-a', ...b], { FJORD_BOOTSTRAP_SERVERS: '' }),
      fjord('describe', 'no-such-group'),
      fjord(
        'reset-offsets',
        'cli-active-group',
        '--topic',
        'cli-active',
        '--to-earliest',
        '--execute',
      ),
      fjord('reset-offsets', 'cli-binary-a', '--topic', 'cli-binary', '--to-earliest'),
      fjord('delete', 'cli-binary-b'),
      fjord('delete', 'no-such-group'),
    ]);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    // (cli-binary-b is being deleted meanwhile.)
    expect(list.stdout.split('\n')).toEqual(
      expect.arrayContaining(['cli-active-group', 'cli-binary-a']),
    );
    expect(describeOk).toMatchObject({ code: 0, stderr: '' });
    expect(describeOk.stdout).toMatch(
      /^\nConsumer group 'cli-binary-a' has no active members\.\n\nGROUP +TOPIC/,
    );
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: "fjord: consumer group 'no-such-group' does not exist\n",
    });
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "fjord: assignments can only be reset if the group 'cli-active-group' is inactive, but the current state is Stable\n",
    });
    expect(noExecute.code).toBe(0);
    expect(noExecute.stderr).toBe(
      'fjord: warning: nothing was changed: add --execute to reset, or --dry-run to only show\n',
    );
    expect(tableRows(noExecute.stdout)).toEqual([
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      ['cli-binary-a', 'cli-binary', '0', '0'],
    ]);
    expect(await committed('cli-binary-a')).toEqual([4]);
    expect(deleted).toEqual({
      code: 0,
      stdout: "Deletion of requested consumer groups ('cli-binary-b') was successful.\n",
      stderr: '',
    });
    expect(notDeleted).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "fjord: group 'no-such-group' could not be deleted: GROUP_ID_NOT_FOUND (the group does not exist)\n",
    });
  });
});
