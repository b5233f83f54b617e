/**
 * A kafkajs 2.2.4 group member in its own process, for tests that kill it with SIGKILL. Run with
 * `node --import tsx test/helpers/kafkajs-group-member.ts` and configure it through the
 * environment:
 *
 * - MEMBER_BOOTSTRAP, MEMBER_GROUP, MEMBER_TOPIC, MEMBER_CLIENT_ID
 * - MEMBER_SESSION_TIMEOUT_MS, MEMBER_HEARTBEAT_MS
 * - MEMBER_NO_COMMIT_PREFIX: records whose value starts with it are processed but never
 *   committed, so a test can prove the group resumes from the last commit.
 *
 * It commits explicitly after each batch (autoCommit off) and prints one JSON line per event on
 * stdout: `{"event":"join","memberId":…,"assignment":{topic:[p…]}}`,
 * `{"event":"batch","partition":p,"offsets":[…],"values":[…]}` (after processing, before
 * committing) and `{"event":"commit","partition":p,"offset":o}` (after the commit succeeded).
 */
import { Kafka, logLevel } from 'kafkajs';

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const topic = env('MEMBER_TOPIC');
const noCommitPrefix = process.env.MEMBER_NO_COMMIT_PREFIX;
const print = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const kafka = new Kafka({
  clientId: env('MEMBER_CLIENT_ID', 'kafkajs-member'),
  brokers: [env('MEMBER_BOOTSTRAP')],
  logLevel: logLevel.NOTHING,
  retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 1000 },
});
const consumer = kafka.consumer({
  groupId: env('MEMBER_GROUP'),
  sessionTimeout: Number(env('MEMBER_SESSION_TIMEOUT_MS', '3000')),
  heartbeatInterval: Number(env('MEMBER_HEARTBEAT_MS', '200')),
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  print({ event: 'join', memberId: e.payload.memberId, assignment: e.payload.memberAssignment });
});
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async (payload) => {
    const { batch } = payload;
    const messages = batch.messages;
    const last = messages.at(-1);
    if (last === undefined) return;
    const values = messages.map((m) => m.value?.toString() ?? '');
    print({
      event: 'batch',
      partition: batch.partition,
      offsets: messages.map((m) => Number(m.offset)),
      values,
    });
    const committable = messages.filter(
      (m) =>
        noCommitPrefix === undefined || !(m.value?.toString() ?? '').startsWith(noCommitPrefix),
    );
    const lastCommittable = committable.at(-1);
    // Commit only up to a record the test allows (contiguously from the start of the batch).
    if (lastCommittable !== undefined && committable.length === messages.length) {
      const offset = String(Number(lastCommittable.offset) + 1);
      await consumer.commitOffsets([{ topic, partition: batch.partition, offset }]);
      print({ event: 'commit', partition: batch.partition, offset: Number(offset) });
    }
    await payload.heartbeat();
  },
});
