/**
 * `npm run bench:rebalance` — rebalance latency of unmodified kafkajs 2.2.4 consumer groups on a
 * fjord broker (a child process): for groups that reach 1, 10 and 50 members (BENCH_MEMBERS) on
 * a 100-partition topic, the time from a new member calling `run()` until every member of the
 * group has rejoined and started fetching again, over BENCH_REPEATS joins (default 5). Each join
 * is followed by the joiner leaving, timed from its runner stopping (just before its LeaveGroup)
 * until every remaining member fetches again.
 *
 * Rebalance latency is dominated by how soon the existing members notice the rebalance: kafkajs
 * heartbeats between fetches, so heartbeat.interval and the fetch max wait bound it. Both are
 * printed with the results (BENCH_HEARTBEAT_MS, BENCH_MAX_WAIT_MS; default 500 ms each), and the
 * broker runs with group.initial.rebalance.delay.ms=0 so an empty group forms at once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Kafka, logLevel, type Consumer } from 'kafkajs';

import { Admin } from '../../core/client/admin.js';
import { spawnBroker } from '../helpers/broker-process.js';

const MEMBER_COUNTS = (process.env.BENCH_MEMBERS ?? '1,10,50').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 500);
const MAX_WAIT_MS = Number(process.env.BENCH_MAX_WAIT_MS ?? 500);
const PARTITIONS = 100;
const TOPIC = 'rebalance';
const TIMEOUT_MS = 120_000;

/** One consumer and the times (ms, performance.now) of its latest join and first fetch after it. */
interface Member {
  readonly consumer: Consumer;
  joinedAt: number;
  fetchedAt: number;
  partitions: number;
  joinDurationMs: number;
  /** When its runner stopped (kafkajs' STOP event), just before it sends LeaveGroup. */
  stoppedAt: number;
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function startMember(kafka: Kafka, groupId: string): Promise<Member> {
  const consumer = kafka.consumer({
    groupId,
    heartbeatInterval: HEARTBEAT_MS,
    maxWaitTimeInMs: MAX_WAIT_MS,
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
  });
  const member: Member = {
    consumer,
    joinedAt: 0,
    fetchedAt: 0,
    partitions: 0,
    joinDurationMs: 0,
    stoppedAt: 0,
  };
  consumer.on(consumer.events.STOP, () => {
    member.stoppedAt = performance.now();
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.joinedAt = performance.now();
    member.fetchedAt = 0;
    member.joinDurationMs = e.payload.duration;
    member.partitions = Object.values(e.payload.memberAssignment).reduce(
      (n, ps) => n + ps.length,
      0,
    );
  });
  consumer.on(consumer.events.FETCH_START, () => {
    if (member.fetchedAt === 0 && member.joinedAt > 0) member.fetchedAt = performance.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({ eachBatch: () => Promise.resolve() });
  return member;
}

/** Resolves with the time every member had rejoined after `since` and fetched again. */
async function consumingAgain(members: readonly Member[], since: number): Promise<number> {
  await until(`${members.length} members to rejoin and fetch`, () =>
    members.every((m) => m.joinedAt > since && m.fetchedAt > 0),
  );
  const total = members.reduce((n, m) => n + m.partitions, 0);
  if (total !== PARTITIONS) throw new Error(`members own ${total} partitions, not ${PARTITIONS}`);
  return Math.max(...members.map((m) => m.fetchedAt));
}

/** Nearest-rank percentiles and every sample, in ms. */
function summary(samplesMs: readonly number[]): string {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number): string =>
    (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN).toFixed(0).padStart(5);
  const all = samplesMs.map((v) => v.toFixed(0)).join(' ');
  return `p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  max ${at(1)} ms  (${all})`;
}

/** Waits until the coordinator reports the group Stable with `members` all fetching. */
async function settled(admin: Admin, groupId: string, members: readonly Member[]): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const d = await admin.groups.describe(groupId);
    const owned = members.reduce((n, m) => n + m.partitions, 0);
    if (
      d.state === 'Stable' &&
      d.members.length === members.length &&
      owned === PARTITIONS &&
      members.every((m) => m.fetchedAt > 0)
    )
      return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not settle`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measure(admin: Admin, kafka: Kafka, size: number): Promise<string> {
  const groupId = `rebalance-${size}`;
  const stable: Member[] = [];
  for (let i = 0; i < size - 1; i++) stable.push(await startMember(kafka, groupId));
  if (stable.length > 0) await settled(admin, groupId, stable);
  const joins: number[] = [];
  const leaves: number[] = [];
  const joinerSyncs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const joiner = await startMember(kafka, groupId);
    joins.push((await consumingAgain([...stable, joiner], t0)) - t0);
    joinerSyncs.push(joiner.joinDurationMs);
    await joiner.consumer.disconnect();
    if (stable.length > 0) {
      // Timed from the joiner's STOP: kafkajs first waits for its fetch in flight to end.
      const t1 = joiner.stoppedAt;
      leaves.push((await consumingAgain(stable, t1)) - t1);
      await settled(admin, groupId, stable);
    }
  }
  await Promise.all(stable.map((m) => m.consumer.disconnect()));
  return [
    `${String(size).padStart(3)} members  join → consuming: ${summary(joins)}`,
    `             leave → consuming: ${stable.length === 0 ? 'n/a (group empties)' : summary(leaves)}`,
    `             joiner's JoinGroup+SyncGroup (kafkajs): ${summary(joinerSyncs)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-bench-rebalance-'));
  const broker = await spawnBroker(dir, [
    '--override',
    'group.initial.rebalance.delay.ms=0',
    '--override',
    'offsets.topic.num.partitions=10',
  ]);
  try {
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = await Admin.connect(bootstrap);
    await admin.createTopic(TOPIC, PARTITIONS, 1);
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    });
    console.log(
      `rebalance bench: kafkajs 2.2.4 consumers in one process, ${PARTITIONS} partitions, ` +
        `heartbeat ${HEARTBEAT_MS} ms, fetch max wait ${MAX_WAIT_MS} ms, ${REPEATS} joins per size, ` +
        `group.initial.rebalance.delay.ms=0`,
    );
    for (const size of MEMBER_COUNTS) console.log(await measure(admin, kafka, size));
    await admin.close();
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
