/**
 * `npm run bench:streams-state` — state stores, three figures:
 *   1. memory per key of the in-memory key-value store (string keys `key-0000000`, int64
 *      values, through the typed layer), measured as heap growth after a GC over BENCH_KEYS
 *      (default 1,000,000) keys;
 *   2. restore time of a store with BENCH_KEYS keys from its changelog: the changelog is written
 *      to one partition of a fjord broker (a child process), then restored by the StateRestorer
 *      through the restore consumer, as a task does after a rebalance;
 *   3. records/s of a count per key (not windowed: a `groupByKey().count()`) run by StreamsApp
 *      over BENCH_RECORDS (default 1,000,000) records with BENCH_DISTINCT (default 10,000) keys
 *      over 8 partitions, timed until every input is processed and every output and changelog
 *      record acknowledged.
 * Run with `--expose-gc` (the npm script does) for a meaningful memory figure.
 */
import { Admin, Producer, silentLogger } from '../../core/index.js';
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import { clusterChangelogReader } from '../../streams/runtime/changelog-reader.js';
import { StateRestorer } from '../../streams/runtime/state-restorer.js';
import { StreamsApp } from '../../streams/runtime/streams-app.js';
import type { Task } from '../../streams/runtime/task.js';
import { Serdes } from '../../streams/serde/index.js';
import { Stores } from '../../streams/state/index.js';
import { withBrokerProcess } from '../helpers/broker-process.js';
import { nowNs, rate, untilProcessed } from './stats.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const DISTINCT = Number(process.env.BENCH_DISTINCT ?? 10_000);
const PARTITIONS = 8;

const keyOf = (i: number): string => `key-${String(i).padStart(7, '0')}`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function countsStore(
  log?: (key: Buffer, value: Buffer | null) => void,
): ReturnType<ReturnType<typeof Stores.keyValueStoreBuilder<string, number>>['build']> {
  return Stores.keyValueStoreBuilder('counts', Serdes.string(), Serdes.int64()).build({
    applicationId: 'bench-state',
    taskName: '0_0',
    partition: 0,
    changelogTopic: 'bench-state-counts-changelog',
    changelog: log === undefined ? undefined : { write: log },
  });
}

function memoryPerKey(): void {
  gc();
  const before = process.memoryUsage().heapUsed;
  const { store } = countsStore();
  const kv = store;
  for (let i = 0; i < KEYS; i++) kv.put(keyOf(i), i);
  gc();
  const after = process.memoryUsage().heapUsed;
  const perKey = (after - before) / KEYS;
  console.log(
    `${'in-memory store'.padEnd(28)} ${perKey.toFixed(0)} B/key heap over ${KEYS} keys ` +
      `(12 B key + 8 B value)${(globalThis as { gc?: unknown }).gc === undefined ? ' [no --expose-gc]' : ''}`,
  );
  if (kv.get(keyOf(KEYS - 1)) !== KEYS - 1) throw new Error('lost a key');
}

async function fillChangelog(bootstrap: string, topic: string): Promise<void> {
  const producer = new Producer({ bootstrap, acks: 1, lingerMs: 5 });
  const chunk = 1000;
  const value = Buffer.alloc(8);
  for (let from = 0; from < KEYS; from += chunk * 8) {
    const sends: Promise<unknown>[] = [];
    for (let c = from; c < Math.min(KEYS, from + chunk * 8); c += chunk) {
      const batch = Array.from({ length: Math.min(chunk, KEYS - c) }, (_, i) => ({
        topic,
        partition: 0,
        key: keyOf(c + i),
        value,
      }));
      sends.push(producer.sendBatch(batch));
    }
    await Promise.all(sends);
  }
  await producer.close();
}

async function restoreTime(bootstrap: string, admin: Admin): Promise<void> {
  const topic = 'bench-state-counts-changelog';
  await admin.createTopic(topic, 1, 1, { 'cleanup.policy': 'compact' });
  await fillChangelog(bootstrap, topic);
  const built = countsStore();
  const task = {
    id: { subtopology: 0, partition: 0 },
    stateStores: [{ name: 'counts', kind: 'key-value' as const, changelogTopic: topic, built }],
  } as unknown as Task;
  const reader = clusterChangelogReader(admin, { bootstrap, clientId: 'bench-restore' });
  const restorer = new StateRestorer(reader, silentLogger, () => Date.now());
  const start = nowNs();
  await restorer.restore([task]);
  const elapsed = nowNs() - start;
  const n = built.store.approximateNumEntries();
  if (n !== KEYS) throw new Error(`restored ${n} keys, expected ${KEYS}`);
  console.log(rate(`restore ${KEYS} keys`, KEYS, KEYS * (12 + 8), elapsed));
}

async function countThroughput(bootstrap: string, admin: Admin): Promise<void> {
  await admin.createTopic('bench-count-in', PARTITIONS, 1);
  await admin.createTopic('bench-count-out', PARTITIONS, 1);
  const producer = new Producer({ bootstrap, acks: 1, lingerMs: 5 });
  const chunk = 1000;
  for (let from = 0; from < RECORDS; from += chunk * 8) {
    const sends: Promise<unknown>[] = [];
    for (let c = from; c < Math.min(RECORDS, from + chunk * 8); c += chunk) {
      const batch = Array.from({ length: Math.min(chunk, RECORDS - c) }, (_, i) => ({
        topic: 'bench-count-in',
        key: keyOf((c + i) % DISTINCT),
        value: 'v',
      }));
      sends.push(producer.sendBatch(batch));
    }
    await Promise.all(sends);
  }
  await producer.close();
  const b = new StreamsBuilder();
  b.stream('bench-count-in', { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts' })
    .toStream()
    .to('bench-count-out', { key: Serdes.string(), value: Serdes.nullable(Serdes.int64()) });
  const app = new StreamsApp(
    b.build(),
    {
      'application.id': 'bench-count',
      'bootstrap.servers': bootstrap,
      'commit.interval.ms': 30_000,
    },
    { handleSignals: false },
  );
  const start = nowNs();
  await app.start();
  await untilProcessed(app, RECORDS);
  const elapsed = nowNs() - start;
  await app.close();
  console.log(rate(`count, ${DISTINCT} keys`, RECORDS, RECORDS * 13, elapsed));
}

async function main(): Promise<void> {
  memoryPerKey();
  gc();
  await withBrokerProcess(async (_broker, bootstrap) => {
    const admin = await Admin.connect(bootstrap);
    try {
      await restoreTime(bootstrap, admin);
      await countThroughput(bootstrap, admin);
    } finally {
      await admin.close();
    }
  });
}

await main();
