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
 *   4. the persistent (LMDB) store: heap and disk per key over BENCH_KEYS keys, its full
 *      restore from the same changelog, and its restart from a checkpoint (reopen, then restore
 *      only the last BENCH_TAIL, default 10,000, changelog records);
 *   5. the count per key with the Processor API over the in-memory and the persistent store,
 *      each without and with the record cache (10 MiB), reporting the changelog records.
 * Run with `--expose-gc` (the npm script does) for a meaningful memory figure.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { Admin, Producer, silentLogger } from '../../core/index.js';
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import { clusterChangelogReader } from '../../streams/runtime/changelog-reader.js';
import { StateRestorer } from '../../streams/runtime/state-restorer.js';
import { StreamsApp } from '../../streams/runtime/streams-app.js';
import type { Task } from '../../streams/runtime/task.js';
import { Serdes } from '../../streams/serde/index.js';
import { Stores, type CachingStoreBuilder } from '../../streams/state/index.js';
import { withBrokerProcess } from '../helpers/broker-process.js';
import { storeCountTopology } from '../helpers/stateful-pipelines.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { nowNs, rate, untilProcessed } from './stats.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const DISTINCT = Number(process.env.BENCH_DISTINCT ?? 10_000);
const PARTITIONS = 8;
const TAIL = Number(process.env.BENCH_TAIL ?? 10_000);

function diskBytes(dir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    bytes += e.isDirectory() ? diskBytes(p) : statSync(p).blocks * 512;
  }
  return bytes;
}

const keyOf = (i: number): string => `key-${String(i).padStart(7, '0')}`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function countsStore(
  log?: (key: Buffer, value: Buffer | null) => void,
  stateDir?: string,
): ReturnType<ReturnType<typeof Stores.keyValueStoreBuilder<string, number>>['build']> {
  return Stores.keyValueStoreBuilder(
    stateDir === undefined
      ? Stores.inMemoryKeyValueStore('counts')
      : Stores.persistentKeyValueStore('counts'),
    Serdes.string(),
    Serdes.int64(),
  ).build({
    applicationId: 'bench-state',
    taskName: '0_0',
    partition: 0,
    changelogTopic: 'bench-state-counts-changelog',
    changelog: log === undefined ? undefined : { write: log },
    stateDir,
  });
}

function persistentPerKey(stateDir: string): void {
  gc();
  const before = process.memoryUsage().heapUsed;
  const { store } = countsStore(undefined, stateDir);
  for (let i = 0; i < KEYS; i++) store.put(keyOf(i), i);
  store.flush();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (store.get(keyOf(KEYS - 1)) !== KEYS - 1) throw new Error('lost a key');
  store.close();
  const disk = diskBytes(join(stateDir, 'bench-state', '0_0', 'counts'));
  console.log(
    `${'persistent store (LMDB)'.padEnd(28)} ${((after - before) / KEYS).toFixed(1)} B/key heap, ` +
      `${(disk / KEYS).toFixed(1)} B/key on disk over ${KEYS} keys`,
  );
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

/** Restores `built` from `from` to the changelog's end; returns the time taken. */
async function restoreInto(
  bootstrap: string,
  admin: Admin,
  built: ReturnType<typeof countsStore>,
  from: number,
): Promise<bigint> {
  const topic = 'bench-state-counts-changelog';
  const withCheckpoint = { ...built, checkpointOffset: () => from };
  const task = {
    id: { subtopology: 0, partition: 0 },
    stateStores: [
      { name: 'counts', kind: 'key-value' as const, changelogTopic: topic, built: withCheckpoint },
    ],
  } as unknown as Task;
  const reader = clusterChangelogReader(admin, { bootstrap, clientId: 'bench-restore' });
  const restorer = new StateRestorer(reader, silentLogger, () => Date.now());
  const start = nowNs();
  await restorer.restore([task]);
  built.store.flush();
  return nowNs() - start;
}

async function restoreTime(bootstrap: string, admin: Admin, stateDir: string): Promise<void> {
  const topic = 'bench-state-counts-changelog';
  await admin.createTopic(topic, 1, 1, { 'cleanup.policy': 'compact' });
  await fillChangelog(bootstrap, topic);
  const built = countsStore();
  const elapsed = await restoreInto(bootstrap, admin, built, 0);
  const n = built.store.approximateNumEntries();
  if (n !== KEYS) throw new Error(`restored ${n} keys, expected ${KEYS}`);
  console.log(rate(`restore ${KEYS} keys`, KEYS, KEYS * (12 + 8), elapsed));
  built.store.close();
  const persistent = countsStore(undefined, stateDir);
  persistent.wipe();
  const full = await restoreInto(bootstrap, admin, persistent, 0);
  console.log(rate(`restore ${KEYS} keys, LMDB`, KEYS, KEYS * (12 + 8), full));
  persistent.store.close();
  // A restart: open the files again, restore only the changelog past the checkpoint.
  const start = nowNs();
  const reopened = countsStore(undefined, stateDir);
  const tail = await restoreInto(bootstrap, admin, reopened, KEYS - TAIL);
  const total = nowNs() - start;
  if (reopened.store.approximateNumEntries() !== KEYS) throw new Error('lost keys on reopen');
  reopened.store.close();
  console.log(
    `${'restart from checkpoint'.padEnd(28)} reopen + restore the last ${TAIL} records: ` +
      `${(Number(total) / 1e6).toFixed(0)} ms (restore ${(Number(tail) / 1e6).toFixed(0)} ms)`,
  );
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
  for (const persistent of [false, true])
    for (const caching of [false, true])
      await storeCount(bootstrap, admin, { persistent, caching });
}

/** The Processor API count over BENCH_RECORDS records, in one store setting. */
async function storeCount(
  bootstrap: string,
  admin: Admin,
  options: { readonly persistent: boolean; readonly caching: boolean },
): Promise<void> {
  const id = `bench-papi-${options.persistent ? 'lmdb' : 'mem'}-${options.caching ? 'cache' : 'nocache'}`;
  const state = makeTempDir('fjord-bench-state-');
  const topology = storeCountTopology('bench-count-in', `${id}-out`, options);
  const store = topology.stateStore('counts') as CachingStoreBuilder | undefined;
  if (store?.cachingEnabled !== options.caching) throw new Error('caching not as asked');
  await admin.createTopic(`${id}-out`, PARTITIONS, 1);
  const app = new StreamsApp(
    topology,
    {
      'application.id': id,
      'bootstrap.servers': bootstrap,
      'commit.interval.ms': 30_000,
      'state.dir': state.dir,
      'statestore.cache.max.bytes': options.caching ? 10 * 1024 * 1024 : 0,
    },
    { handleSignals: false },
  );
  try {
    const start = nowNs();
    await app.start();
    await untilProcessed(app, RECORDS);
    const processed = nowNs() - start;
    await app.close();
    const closed = nowNs() - start;
    const ends = await admin.listOffsets(
      `${id}-counts-changelog`,
      'latest',
      Array.from({ length: PARTITIONS }, (_, p) => p),
    );
    const changelog = [...ends.values()].reduce((n, o) => n + o.offset, 0);
    const label = `count (PAPI, ${options.persistent ? 'LMDB' : 'in memory'}, ${options.caching ? 'cache' : 'no cache'})`;
    console.log(
      `${rate(label, RECORDS, RECORDS * 13, processed)}; closed after ` +
        `${(Number(closed) / 1e9).toFixed(2)} s; changelog records: ${changelog}`,
    );
  } finally {
    state.cleanup();
  }
}

async function main(): Promise<void> {
  memoryPerKey();
  gc();
  const state = makeTempDir('fjord-bench-lmdb-');
  try {
    persistentPerKey(state.dir);
    gc();
    await withBrokerProcess(async (_broker, bootstrap) => {
      const admin = await Admin.connect(bootstrap);
      try {
        await restoreTime(bootstrap, admin, state.dir);
        await countThroughput(bootstrap, admin);
      } finally {
        await admin.close();
      }
    });
  } finally {
    state.cleanup();
  }
}

await main();
