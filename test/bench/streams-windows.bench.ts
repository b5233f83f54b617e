/**
 * `npm run bench:streams-windows` — a windowed count over BENCH_RECORDS (default 1,000,000)
 * records with BENCH_KEYS (default 10,000) distinct keys, 1 ms of event time apart (1-minute
 * tumbling windows, so ~17 windows per key), in two settings:
 *   - operator: the TestDriver (in memory, no broker, one partition), count → toStream, store
 *     without changelog: the cost of the windowed aggregation itself, serdes included;
 *   - app: `StreamsApp` against one fjord broker (a child process) over BENCH_PARTITIONS
 *     (default 4) partitions, count with its changelog, suppressed until the windows close, the
 *     final counts written to a topic; timed from start until every record is processed and
 *     every output and changelog record acknowledged, twice: without the record cache
 *     (`statestore.cache.max.bytes=0`, one changelog record per update) and with the DSL's
 *     default caching (10 MiB, Kafka's default: one changelog and downstream record per window
 *     per commit); each run
 *     also reports the time until its close (the final commit flushes the cache) and the
 *     changelog records written.
 */
import * as os from 'node:os';

import { Admin, Producer } from '../../core/index.js';
import {
  BufferConfig,
  Serdes,
  StreamsApp,
  StreamsBuilder,
  Suppressed,
  TestDriver,
  TimeWindows,
} from '../../streams/index.js';
import { withBrokerProcess } from '../helpers/broker-process.js';
import { nowNs, rate } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);
const VALUE = Buffer.from('click');
const RECORD_BYTES = 16;

const keyOf = (i: number): string => `user-${(i * 7919) % KEYS}`;

function operator(): bigint {
  const b = new StreamsBuilder();
  b.stream('clicks', { key: Serdes.string(), value: Serdes.bytes() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(MINUTE))
    .count({ name: 'clicks-per-minute', logging: false })
    .toStream()
    .foreach(() => undefined);
  const driver = new TestDriver(b.build());
  const input = driver.createInputTopic('clicks', Serdes.string(), Serdes.bytes());
  const start = nowNs();
  for (let i = 0; i < RECORDS; i++) input.pipeInput(keyOf(i), VALUE, { timestamp: T0 + i });
  const elapsed = nowNs() - start;
  driver.close();
  return elapsed;
}

async function fill(bootstrap: string, topic: string): Promise<void> {
  const producer = new Producer({ bootstrap, acks: 1, lingerMs: 5 });
  const chunk = 1000;
  for (let from = 0; from < RECORDS; from += chunk * 8) {
    const sends: Promise<unknown>[] = [];
    for (let c = from; c < Math.min(RECORDS, from + chunk * 8); c += chunk) {
      const batch = Array.from({ length: Math.min(chunk, RECORDS - c) }, (_, j) => ({
        topic,
        key: keyOf(c + j),
        value: VALUE,
        timestamp: T0 + c + j,
      }));
      sends.push(producer.sendBatch(batch));
    }
    await Promise.all(sends);
  }
  await producer.close();
}

interface AppRun {
  readonly processedNs: bigint;
  readonly closedNs: bigint;
}

async function app(bootstrap: string, id: string, cached: boolean): Promise<AppRun> {
  const b = new StreamsBuilder();
  b.stream('clicks', { key: Serdes.string(), value: Serdes.bytes() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(MINUTE))
    .count({ name: 'clicks-per-minute' })
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('final-counts', { value: Serdes.int64() });
  // The DSL caches its stores by default: the app's cache size alone decides.
  const topology = b.build();
  const streams = new StreamsApp(
    topology,
    {
      'application.id': id,
      'bootstrap.servers': bootstrap,
      'commit.interval.ms': 30_000,
      'statestore.cache.max.bytes': cached ? 10 * 1024 * 1024 : 0,
    },
    { handleSignals: false },
  );
  const start = nowNs();
  await streams.start();
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      const m = streams.metrics;
      if (streams.state === 'ERROR') {
        clearInterval(check);
        reject(streams.error ?? new Error('app failed'));
      } else if (m.recordsProcessed >= RECORDS && m.recordsPending === 0) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
  const processedNs = nowNs() - start;
  await streams.close();
  return { processedNs, closedNs: nowNs() - start };
}

async function main(): Promise<void> {
  console.log(
    `windowed count bench: ${RECORDS.toLocaleString()} records, ${KEYS.toLocaleString()} keys, ` +
      `1-minute tumbling windows, ${os.cpus().length} CPUs`,
  );
  console.log(
    rate('operator (TestDriver, in memory)', RECORDS, RECORDS * RECORD_BYTES, operator()),
  );
  await withBrokerProcess(
    async (_broker, bootstrap) => {
      const admin = await Admin.connect(bootstrap);
      await admin.createTopic('clicks', PARTITIONS, 1);
      await admin.createTopic('final-counts', PARTITIONS, 1);
      await fill(bootstrap, 'clicks');
      for (const cached of [false, true]) {
        const id = cached ? 'windowed-count-cached' : 'windowed-count';
        const run = await app(bootstrap, id, cached);
        const label = `StreamsApp (${PARTITIONS} partitions, changelog, suppress, ${cached ? '10 MiB cache' : 'no cache'})`;
        console.log(rate(label, RECORDS, RECORDS * RECORD_BYTES, run.processedNs));
        const ends = await admin.listOffsets(
          `${id}-clicks-per-minute-changelog`,
          'latest',
          Array.from({ length: PARTITIONS }, (_, p) => p),
        );
        const changelog = [...ends.values()].reduce((n, o) => n + o.offset, 0);
        console.log(
          `${'  until closed (final commit)'.padEnd(label.length)} ` +
            `${(Number(run.closedNs) / 1e9).toFixed(2)} s; changelog records: ${changelog.toLocaleString()}`,
        );
      }
      await admin.close();
    },
    ['--override', 'group.initial.rebalance.delay.ms=0'],
  );
}

await main();
