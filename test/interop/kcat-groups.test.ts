import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import {
  FAST_GROUP_PROPS,
  LineProcess,
  runFjord,
  tableRows,
  waitForBalancedGroup,
  waitUntil,
} from '../helpers/groups.js';
import { run } from '../helpers/run.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

/**
 * kcat 1.7.1 (librdkafka 2.0.2) in balanced-consumer mode (`kcat -G group topic`): JoinGroup v5,
 * SyncGroup v3, Heartbeat v3, flexible OffsetFetch v7, OffsetCommit v7, LeaveGroup v1, with the
 * `range,roundrobin` assignors.
 */
describe('kcat balanced consumer groups against fjord', () => {
  let broker: TestBroker;
  let admin: Admin;
  const members: LineProcess[] = [];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
  });
  afterEach(async () => {
    await Promise.allSettled(members.splice(0).map((m) => m.stop('SIGKILL')));
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

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
      '-X',
      'auto.commit.interval.ms=100',
      '-u',
      '-q',
      '-f',
      '%p %o %s\\n',
    ]);
    members.push(member);
    return member;
  }

  async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
    const batches = Array.from({ length: partitions }, (_, p) =>
      Array.from({ length: perPartition }, (_, i) => `${tag}-p${p}-${i}`),
    );
    await Promise.all(
      batches.map((batch, p) =>
        run('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', String(p)], {
          input: batch.map((v) => `${v}\n`).join(''),
        }),
      ),
    );
    return batches.flat();
  }

  const consumed = (m: LineProcess): { partition: number; offset: number; value: string }[] =>
    m.lines.map((line) => {
      const [partition, offset, value] = line.split(' ');
      return { partition: Number(partition), offset: Number(offset), value: value ?? '' };
    });

  it('shares partitions between two kcat -G members and shows their commits in fjord groups describe', async () => {
    const topic = 'kcat-groups';
    const groupId = 'kcat-balanced';
    await admin.createTopic(topic, 6, 1);
    const a = kcatMember(groupId, topic);
    const b = kcatMember(groupId, topic);
    await waitForBalancedGroup(admin, groupId, topic, 6, 2);

    const produced = await produce(topic, 6, 50, 'kcat');
    await waitUntil('the two members to consume every record', () => {
      const seen = new Set([...consumed(a), ...consumed(b)].map((r) => r.value));
      return produced.every((v) => seen.has(v));
    });
    const partitionsOf = (m: LineProcess): Set<number> =>
      new Set(consumed(m).map((r) => r.partition));
    expect(partitionsOf(a).size).toBeGreaterThan(0);
    expect(partitionsOf(b).size).toBeGreaterThan(0);
    expect([...partitionsOf(a)].filter((p) => partitionsOf(b).has(p))).toEqual([]);
    expect(consumed(a).length + consumed(b).length).toBe(produced.length);

    await waitUntil('the commits to reach the log end', async () => {
      const offsets = await admin.groups.committedOffsets(groupId);
      return offsets.length === 6 && offsets.every((o) => o.offset === 50);
    });
    const [described, membersOut] = await Promise.all([
      runFjord(['groups', 'describe', groupId, '--bootstrap-server', broker.bootstrap]),
      runFjord([
        'groups',
        'describe',
        groupId,
        '--members',
        '--verbose',
        '--bootstrap-server',
        broker.bootstrap,
      ]),
    ]);
    expect(described.code).toBe(0);
    const [header, ...rows] = tableRows(described.stdout);
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
    expect(rows.map((r) => r.slice(0, 6))).toEqual(
      [0, 1, 2, 3, 4, 5].map((p) => [groupId, topic, String(p), '50', '50', '0']),
    );
    expect(new Set(rows.map((r) => r[6])).size).toBe(2);
    expect(rows.every((r) => r[6] !== '-' && r[8] === 'rdkafka')).toBe(true);

    const [, ...memberRows] = tableRows(membersOut.stdout);
    expect(memberRows).toHaveLength(2);
    expect(memberRows.reduce((n, r) => n + Number(r[4]), 0)).toBe(6);

    // A clean shutdown commits and leaves: the group is empty, its offsets stay.
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    const afterLeave = await runFjord(['groups', 'describe', groupId], {
      FJORD_BOOTSTRAP_SERVERS: broker.bootstrap,
    });
    expect(afterLeave.stdout).toContain(`Consumer group '${groupId}' has no active members.`);
    expect(
      tableRows(afterLeave.stdout)
        .filter((r) => r[0] === groupId)
        .map((r) => [r[3], r[5], r[6]]),
    ).toEqual(Array.from({ length: 6 }, () => ['50', '0', '-']));
  });

  it('resumes a restarted kcat -G member from the group’s commits', async () => {
    const topic = 'kcat-groups-resume';
    const groupId = 'kcat-resume';
    await admin.createTopic(topic, 2, 1);
    const first = await produce(topic, 2, 20, 'first');
    const a = kcatMember(groupId, topic);
    await waitUntil('the member to consume the first records', () => consumed(a).length === 40);
    await waitUntil('the commits to reach the log end', async () => {
      const offsets = await admin.groups.committedOffsets(groupId);
      return offsets.length === 2 && offsets.every((o) => o.offset === 20);
    });
    await a.stop('SIGTERM');
    expect(
      consumed(a)
        .map((r) => r.value)
        .sort(),
    ).toEqual([...first].sort());

    const second = await produce(topic, 2, 20, 'second');
    const b = kcatMember(groupId, topic);
    await waitUntil('the new member to consume the second records', () => consumed(b).length >= 40);
    expect(
      consumed(b)
        .map((r) => r.value)
        .sort(),
    ).toEqual([...second].sort());
  });
});
