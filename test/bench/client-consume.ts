/**
 * Consumer benchmarks, as functions the client benchmark's phases can call, and runnable on their
 * own: `npx tsx test/bench/client-consume.ts` (BENCH_RECORDS, default 1,000,000 records of
 * 100 B, over BENCH_PARTITIONS, default 8, partitions of a broker child process).
 *
 * - {@link benchConsume}: records/s reading `count` records with the fjord consumer (assign mode,
 *   no group) and with kafkajs 2.2.4 (group consumer, `eachBatch`, the only way it consumes).
 * - {@link benchEndToEndLatency}: a fjord producer (linger.ms=0) sends at a fixed rate while a
 *   fjord consumer reads; the latency from `send()` to the record reaching the consumer.
 */
import { Kafka, logLevel } from 'kafkajs';

import { Admin } from '../../core/client/admin.js';
import { Consumer } from '../../core/client/consumer/consumer.js';
import { Producer } from '../../core/client/producer/producer.js';
import { spawnBroker } from '../helpers/broker-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { nowNs } from './stats.js';

/** Records/s of each client over the same records. */
export interface ConsumeRates {
  readonly fjord: number;
  readonly kafkajs: number;
}

async function fjordConsume(bootstrap: string, topic: string, count: number): Promise<number> {
  const consumer = new Consumer({ bootstrap, autoOffsetReset: 'earliest' });
  try {
    consumer.assign(await consumer.partitionsFor(topic));
    const start = nowNs();
    let seen = 0;
    for await (const batch of consumer) {
      seen += batch.records.length;
      if (seen >= count) break;
    }
    return seen / (Number(nowNs() - start) / 1e9);
  } finally {
    await consumer.close();
  }
}

async function kafkajsConsume(bootstrap: string, topic: string, count: number): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${Date.now()}`, maxBytes: 52_428_800 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let start = 0n;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: ({ batch }) => {
        if (start === 0n) start = nowNs();
        seen += batch.messages.length;
        if (seen >= count) resolve();
        return Promise.resolve();
      },
    });
  });
  await done;
  const rate = seen / (Number(nowNs() - start) / 1e9);
  await consumer.disconnect();
  return rate;
}

/**
 * Reads `count` records of `topic` (which must hold that many) with each client.
 *
 * @example
 * ```ts
 * const { fjord, kafkajs } = await benchConsume('127.0.0.1:9092', 'bench', 1_000_000);
 * ```
 */
export async function benchConsume(
  bootstrap: string,
  topic: string,
  count: number,
): Promise<ConsumeRates> {
  const fjord = await fjordConsume(bootstrap, topic, count);
  const kafkajs = await kafkajsConsume(bootstrap, topic, count);
  return { fjord, kafkajs };
}

/** End-to-end latency percentiles, in milliseconds. */
export interface LatencyResult {
  readonly records: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Sends `ratePerSec` records a second for `durationS` seconds (fjord producer, linger.ms=0,
 * acks=1) to the empty topic `topic` while a fjord consumer reads it; the latency of each record
 * is the time from its `send()` to the consumer handing it out.
 */
export async function benchEndToEndLatency(
  bootstrap: string,
  topic: string,
  ratePerSec = 10_000,
  durationS = 20,
): Promise<LatencyResult> {
  const total = ratePerSec * durationS;
  const sentAt = new Float64Array(total);
  const latencies = new Float64Array(total);
  const consumer = new Consumer({ bootstrap, autoOffsetReset: 'earliest', fetchMaxWaitMs: 500 });
  consumer.assign(await consumer.partitionsFor(topic));
  let received = 0;
  const reading = (async () => {
    for await (const batch of consumer) {
      const now = performance.now();
      for (const r of batch.records) {
        const i = r.value?.readUInt32BE(0) ?? 0;
        latencies[received++] = now - (sentAt[i] ?? now);
      }
      if (received >= total) break;
    }
  })();
  const producer = new Producer({ bootstrap, lingerMs: 0, acks: 1 });
  await producer.connect();
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const value = Buffer.alloc(100);
    value.writeUInt32BE(i, 0);
    sentAt[i] = performance.now();
    sends.push(producer.send({ topic, value }));
  }
  await Promise.all(sends);
  await reading;
  await producer.close();
  await consumer.close();
  const sorted = latencies.subarray(0, received).sort();
  return {
    records: received,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
  };
}

async function main(): Promise<void> {
  const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
  const partitions = Number(process.env.BENCH_PARTITIONS ?? 8);
  const { dir, cleanup } = makeTempDir('fjord-bench-consume-');
  const broker = await spawnBroker(dir);
  const bootstrap = `127.0.0.1:${broker.port}`;
  try {
    const admin = await Admin.connect(bootstrap);
    await admin.createTopic('consume-bench', partitions, 1);
    await admin.createTopic('latency-bench', 1, 1);
    await admin.close();
    const producer = new Producer({ bootstrap, acks: 1 });
    const value = Buffer.alloc(90, 120);
    for (let i = 0; i < records; i += 1000) {
      await producer.sendBatch(
        Array.from({ length: Math.min(1000, records - i) }, (_, j) => ({
          topic: 'consume-bench',
          key: `key-${String((i + j) % 10_000).padStart(6, '0')}`,
          value,
        })),
      );
    }
    await producer.close();
    const rates = await benchConsume(bootstrap, 'consume-bench', records);
    console.log(
      `consume ${records} records of 100 B: fjord ${(rates.fjord / 1e6).toFixed(2)} M records/s, ` +
        `kafkajs ${(rates.kafkajs / 1e6).toFixed(2)} M records/s`,
    );
    const rate = Number(process.env.BENCH_RATE ?? 10_000);
    const seconds = Number(process.env.BENCH_SECONDS ?? 20);
    const l = await benchEndToEndLatency(bootstrap, 'latency-bench', rate, seconds);
    console.log(
      `end-to-end latency at ${rate} records/s for ${seconds} s (${l.records} records): ` +
        `p50 ${l.p50Ms.toFixed(2)} ms, p99 ${l.p99Ms.toFixed(2)} ms, p99.9 ${l.p999Ms.toFixed(2)} ms`,
    );
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    cleanup();
  }
}

if (process.argv[1]?.endsWith('client-consume.ts') === true) await main();
