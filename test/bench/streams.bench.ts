/**
 * `npm run bench:streams` — the streams runtime against the same work written by hand, one fjord
 * broker (a child process, so its CPU is not the client's), in one run.
 *
 * Input: BENCH_RECORDS (default 1,000,000) records of 100 B (10 B key, 90 B JSON value) over
 * BENCH_PARTITIONS (default 8) partitions. Work: parse the JSON value, keep orders with a
 * positive amount (two thirds), multiply the amount by 100, write JSON to an output topic.
 *   - baseline: core's Consumer (group, no auto commit) and Producer, records sent one by one;
 *     the output flushed and the offsets committed every 30 s and at the end;
 *   - streams: `StreamsBuilder` filter → mapValues → to, run by `StreamsApp` (at least once,
 *     commit.interval.ms 30000).
 * Each is timed from its start until every input record is processed and every output record
 * acknowledged. Phases alternate for BENCH_ROUNDS (default 2) rounds; the best of each is kept.
 */
import * as os from 'node:os';

import { Admin, Consumer, Producer } from '../../core/index.js';
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import { StreamsApp } from '../../streams/runtime/streams-app.js';
import { Serdes } from '../../streams/serde/index.js';
import { withBrokerProcess } from '../helpers/broker-process.js';
import { nowNs, rate, untilProcessed } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** `baseline` or `streams` to run one side only (for profiling). */
const ONLY = process.env.BENCH_ONLY;
const RECORD_BYTES = 100;
const KEY_BYTES = 10;
const COMMIT_INTERVAL_MS = 30_000;

interface Order {
  readonly id: number;
  readonly amount: number;
  readonly pad: string;
}

function keep(o: Order): boolean {
  return o.amount > 0;
}

function cents(o: Order): Order {
  return { ...o, amount: o.amount * 100 };
}

/** A 90-byte JSON value. */
function valueOf(id: number): Buffer {
  const head = JSON.stringify({ id, amount: id % 3 === 0 ? -1 : (id % 1000) + 1, pad: '' });
  const pad = 'x'.repeat(RECORD_BYTES - KEY_BYTES - head.length);
  return Buffer.from(JSON.stringify({ id, amount: id % 3 === 0 ? -1 : (id % 1000) + 1, pad }));
}

async function fill(bootstrap: string, topic: string): Promise<number> {
  const producer = new Producer({ bootstrap, acks: 1, lingerMs: 5 });
  let expected = 0;
  const chunk = 1000;
  for (let from = 0; from < RECORDS; from += chunk * 8) {
    const sends: Promise<unknown>[] = [];
    for (let c = from; c < Math.min(RECORDS, from + chunk * 8); c += chunk) {
      const batch = Array.from({ length: Math.min(chunk, RECORDS - c) }, (_, i) => {
        const id = c + i;
        if (id % 3 !== 0) expected++;
        return { topic, key: `k${String(id).padStart(KEY_BYTES - 1, '0')}`, value: valueOf(id) };
      });
      sends.push(producer.sendBatch(batch));
    }
    await Promise.all(sends);
  }
  await producer.close();
  return expected;
}

/** The work by hand: consume, parse, filter, map, produce; flush then commit. */
async function baseline(bootstrap: string, input: string, output: string): Promise<bigint> {
  const consumer = new Consumer({
    bootstrap,
    groupId: `baseline-${output}`,
    autoOffsetReset: 'earliest',
    enableAutoCommit: false,
    maxPollRecords: 1000,
  });
  const producer = new Producer({ bootstrap });
  await Promise.all([consumer.connect(), producer.connect()]);
  consumer.subscribe([input]);
  const start = nowNs();
  const processed = new Map<string, { topic: string; partition: number; offset: number }>();
  let seen = 0;
  let nextCommit = Date.now() + COMMIT_INTERVAL_MS;
  const commit = async (): Promise<void> => {
    const offsets = [...processed.values()];
    await producer.flush();
    await consumer.commit(offsets);
  };
  for await (const batch of consumer) {
    for (const r of batch.records) {
      const order = JSON.parse(r.value?.toString() ?? 'null') as Order;
      if (!keep(order)) continue;
      void producer
        .send({
          topic: output,
          key: r.key,
          value: JSON.stringify(cents(order)),
          timestamp: r.timestamp,
        })
        .catch((err: unknown) => {
          console.error('baseline send failed', err);
        });
    }
    seen += batch.records.length;
    const last = batch.records.at(-1);
    if (last !== undefined)
      processed.set(`${batch.topic}-${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: last.offset + 1,
      });
    if (Date.now() >= nextCommit) {
      nextCommit = Date.now() + COMMIT_INTERVAL_MS;
      await commit();
    }
    if (seen >= RECORDS) break;
  }
  await commit();
  const elapsed = nowNs() - start;
  await consumer.close();
  await producer.close();
  return elapsed;
}

/** The same work as a streams app. */
async function streams(bootstrap: string, input: string, output: string): Promise<bigint> {
  const b = new StreamsBuilder();
  b.stream(input, { key: Serdes.string(), value: Serdes.json<Order>() })
    .filter((_k, o) => keep(o))
    .mapValues(cents)
    .to(output, { key: Serdes.string(), value: Serdes.json<Order>() });
  const app = new StreamsApp(
    b.build(),
    {
      'application.id': `streams-${output}`,
      'bootstrap.servers': bootstrap,
      'commit.interval.ms': COMMIT_INTERVAL_MS,
    },
    { handleSignals: false },
  );
  const start = nowNs();
  await app.start();
  await untilProcessed(app, RECORDS);
  const elapsed = nowNs() - start;
  await app.close();
  return elapsed;
}

async function main(): Promise<void> {
  await withBrokerProcess(
    async (_broker, bootstrap) => {
      const admin = await Admin.connect(bootstrap);
      await admin.createTopic('bench-in', PARTITIONS, 1);
      const kept = await fill(bootstrap, 'bench-in');
      console.log(
        `streams bench: ${RECORDS.toLocaleString()} records of ${RECORD_BYTES} B over ${PARTITIONS} ` +
          `partitions, filter (keeps ${kept.toLocaleString()}) → mapValues → to, one fjord broker ` +
          `(child process), ${os.cpus().length} CPUs, best of ${ROUNDS}`,
      );
      const best = { baseline: Infinity, streams: Infinity };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, run] of [
          ['baseline', baseline],
          ['streams', streams],
        ] as const) {
          if (ONLY !== undefined && ONLY !== name) continue;
          const output = `bench-out-${name}-${round}`;
          await admin.createTopic(output, PARTITIONS, 1);
          const cpuBefore = process.cpuUsage();
          const elapsed = await run(bootstrap, 'bench-in', output);
          const cpu = process.cpuUsage(cpuBefore);
          console.log(
            `  round ${round + 1} ${rate(name, RECORDS, RECORDS * RECORD_BYTES, elapsed)}  ` +
              `client CPU ${((cpu.user + cpu.system) / RECORDS).toFixed(2)} µs/record`,
          );
          best[name] = Math.min(best[name], Number(elapsed));
        }
      }
      const line = (label: string, ns: number): string =>
        rate(label, RECORDS, RECORDS * RECORD_BYTES, BigInt(Math.round(ns)));
      console.log(line('consumer+producer baseline', best.baseline));
      console.log(line('StreamsApp (DSL)', best.streams));
      console.log(
        `StreamsApp / baseline: ${((best.baseline / best.streams) * 100).toFixed(1)}% of the ` +
          "baseline's records/s (target ≥ 80%)",
      );
      await admin.close();
    },
    ['--override', 'group.initial.rebalance.delay.ms=0'],
  );
}

await main();
