/**
 * A consumer process for the dead-letter-queue crash test, run as
 * `node --import tsx test/helpers/dlq-worker.ts BOOTSTRAP TOPIC GROUP`: consumes TOPIC in GROUP
 * with {@link consumeWithRetry}, failing every record whose value starts with `poison`, and
 * prints `handled <partition> <offset>` (synchronously, so a SIGKILL loses no line) for every
 * record it handled. SIGTERM stops it cleanly.
 */
import { writeSync } from 'node:fs';

import { Consumer } from '../../core/client/consumer/consumer.js';
import { consumeWithRetry } from '../../core/client/dlq.js';

const [bootstrap, topic, groupId] = process.argv.slice(2);
if (bootstrap === undefined || topic === undefined || groupId === undefined) {
  throw new Error('usage: dlq-worker BOOTSTRAP TOPIC GROUP');
}
const consumer = new Consumer({
  bootstrap,
  groupId,
  autoOffsetReset: 'earliest',
  maxPollRecords: 50,
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 300,
});
consumer.subscribe([topic]);
const stop = new AbortController();
process.once('SIGTERM', () => {
  stop.abort();
});
writeSync(1, 'started\n');
await consumeWithRetry(
  consumer,
  async (record) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (record.value?.toString().startsWith('poison') === true)
      throw new Error(`cannot handle ${record.offset}`);
    writeSync(1, `handled ${record.partition} ${record.offset}\n`);
  },
  { maxAttempts: 2, backoff: { initialMs: 5, maxMs: 10, multiplier: 2 }, signal: stop.signal },
);
await consumer.close();
