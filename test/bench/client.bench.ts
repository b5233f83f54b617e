/**
 * `npm run bench:client` — fjord's clients against unmodified kafkajs 2.2.4, one fjord broker
 * (a child process, so its CPU time is read from /proc apart from the client's), in one run.
 *
 * Produce phases: BENCH_RECORDS (default 1,000,000) records of 100 B (10 B key, 90 B value) with
 * acks=1 to a topic of BENCH_PARTITIONS (default 8) partitions:
 *   - fjord `sendBatch()` of 1,000 records, 8 calls in flight (the shape kafkajs is driven with);
 *   - fjord `send()` per record, at most BENCH_WINDOW (default 10,000) unacknowledged;
 *   - kafkajs `send()` of 1,000 records, 8 in flight.
 * Each phase is one function returning a {@link PhaseResult}; consumer and end-to-end latency
 * phases slot into `PHASES` the same way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { Admin } from '../../core/client/admin.js';
import { Producer } from '../../core/client/producer/producer.js';
import type { ProducerOptions } from '../../core/client/producer/options.js';
import type { ProducerRecord } from '../../core/client/producer/producer-record.js';
import { spawnBroker } from '../helpers/broker-process.js';
import { benchConsume, benchEndToEndLatency } from './client-consume.js';
import { nowNs, rate } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 8);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 10_000);
const PER_SEND = 1000;
const IN_FLIGHT = 8;
const RECORD_BYTES = 100;
const KEY_BYTES = 10;

/** What every phase gets: where the broker is and how to read its CPU time. */
export interface BenchContext {
  readonly bootstrap: string;
  readonly brokerPid: number;
  /** Creates a fresh topic for a phase. */
  readonly createTopic: (name: string) => Promise<void>;
}

/** One phase's measurements. */
export interface PhaseResult {
  readonly label: string;
  readonly records: number;
  readonly bytes: number;
  readonly elapsedNs: bigint;
  readonly clientCpuS: number;
  readonly brokerCpuS: number;
}

type Phase = (ctx: BenchContext) => Promise<PhaseResult>;

function brokerCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const VALUE = Buffer.alloc(RECORD_BYTES - KEY_BYTES, 120);
const KEYS = Array.from({ length: 10_000 }, (_, i) => `key-${String(i).padStart(6, '0')}`);

/** Times `work`, with the client's and the broker's CPU seconds. */
async function measure(
  ctx: BenchContext,
  label: string,
  work: () => Promise<void>,
): Promise<PhaseResult> {
  const brokerBefore = brokerCpuSeconds(ctx.brokerPid);
  const cpuBefore = process.cpuUsage();
  const start = nowNs();
  await work();
  const elapsedNs = nowNs() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    label,
    records: RECORDS,
    bytes: RECORDS * RECORD_BYTES,
    elapsedNs,
    clientCpuS: (cpu.user + cpu.system) / 1e6,
    brokerCpuS: brokerCpuSeconds(ctx.brokerPid) - brokerBefore,
  };
}

function fjordProducer(ctx: BenchContext, extra: Partial<ProducerOptions> = {}): Producer {
  return new Producer({ bootstrap: ctx.bootstrap, clientId: 'bench', acks: 1, ...extra });
}

/** fjord: sendBatch() of 1,000 records, 8 calls in flight. */
async function produceFjordBatches(ctx: BenchContext): Promise<PhaseResult> {
  const topic = 'bench-fjord-batches';
  await ctx.createTopic(topic);
  const producer = fjordProducer(ctx);
  await producer.connect();
  const sends = Math.ceil(RECORDS / PER_SEND);
  const batches: ProducerRecord[][] = Array.from({ length: 16 }, (_, b) =>
    Array.from({ length: PER_SEND }, (_, i) => ({
      topic,
      key: KEYS[(b * PER_SEND + i) % KEYS.length]!,
      value: VALUE,
    })),
  );
  const result = await measure(ctx, 'fjord sendBatch(1000) ×8', async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < sends) {
          const n = next++;
          await producer.sendBatch(batches[n % batches.length]!);
        }
      }),
    );
  });
  await producer.close();
  return result;
}

/** fjord: send() per record, at most WINDOW records unacknowledged. */
async function produceFjordRecords(ctx: BenchContext): Promise<PhaseResult> {
  const topic = 'bench-fjord-records';
  await ctx.createTopic(topic);
  const producer = fjordProducer(ctx);
  await producer.connect();
  const result = await measure(ctx, `fjord send() window ${WINDOW}`, async () => {
    // Records of a partition are acknowledged in order, so awaiting every 1,000th record's
    // promise bounds what is outstanding.
    const marks: Promise<unknown>[] = [];
    let last: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < RECORDS; i++) {
      last = producer.send({ topic, key: KEYS[i % KEYS.length]!, value: VALUE });
      if (i % 1000 === 999) {
        marks.push(last);
        if (marks.length * 1000 > WINDOW) await marks.shift();
      }
    }
    await Promise.all([...marks, last]);
  });
  await producer.close();
  return result;
}

/** kafkajs: send() of 1,000 records, 8 in flight, acks=1. */
async function produceKafkajs(ctx: BenchContext): Promise<PhaseResult> {
  const topic = 'bench-kafkajs';
  await ctx.createTopic(topic);
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: [ctx.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const batches = Array.from({ length: 16 }, (_, b) =>
    Array.from({ length: PER_SEND }, (_, i) => ({
      key: KEYS[(b * PER_SEND + i) % KEYS.length]!,
      value: VALUE,
    })),
  );
  const sends = Math.ceil(RECORDS / PER_SEND);
  const result = await measure(ctx, 'kafkajs send(1000) ×8', async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < sends) {
          const n = next++;
          await producer.send({ topic, acks: 1, messages: batches[n % batches.length]! });
        }
      }),
    );
  });
  await producer.disconnect();
  return result;
}

/** The phases, in order. The consumer and end-to-end latency phases are added here. */
const PHASES: readonly Phase[] = [produceFjordBatches, produceFjordRecords, produceKafkajs];

function report(r: PhaseResult): string {
  const mb = r.bytes / 1e6;
  return (
    `${rate(r.label, r.records, r.bytes, r.elapsedNs)}  client CPU ${r.clientCpuS.toFixed(2)} s ` +
    `(${((r.clientCpuS * 1e6) / r.records).toFixed(2)} µs/record), ` +
    `broker CPU ${r.brokerCpuS.toFixed(2)} s (${((r.brokerCpuS * 1000) / mb).toFixed(2)} ms/MB)`
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-bench-client-'));
  const broker = await spawnBroker(dir);
  try {
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = await Admin.connect(bootstrap);
    const ctx: BenchContext = {
      bootstrap,
      brokerPid: broker.child.pid!,
      createTopic: (name) => admin.createTopic(name, PARTITIONS, 1),
    };
    console.log(
      `client bench: ${RECORDS.toLocaleString()} records of ${RECORD_BYTES} B, acks=1, ` +
        `${PARTITIONS} partitions, one fjord broker (child process), ${os.cpus().length} CPUs`,
    );
    const results: PhaseResult[] = [];
    for (const phase of PHASES) {
      const r = await phase(ctx);
      results.push(r);
      console.log(report(r));
    }
    const perSecond = (r: PhaseResult): number => r.records / (Number(r.elapsedNs) / 1e9);
    const kafkajs = results.find((r) => r.label.startsWith('kafkajs'));
    if (kafkajs !== undefined) {
      for (const r of results.filter((x) => x.label.startsWith('fjord'))) {
        console.log(`${r.label}: ${(perSecond(r) / perSecond(kafkajs)).toFixed(2)}× kafkajs`);
      }
    }

    // Consume what the first phase produced, with each client.
    const consumed = await benchConsume(bootstrap, 'bench-fjord-batches', RECORDS);
    const mbps = (rps: number): string => ((rps * RECORD_BYTES) / 1e6).toFixed(1);
    console.log(
      `${'fjord consumer (assign)'.padEnd(28)} ${(consumed.fjord / 1e6).toFixed(2)} M records/s  ${mbps(consumed.fjord)} MB/s`,
    );
    console.log(
      `${'kafkajs consumer (group)'.padEnd(28)} ${(consumed.kafkajs / 1e6).toFixed(2)} M records/s  ${mbps(consumed.kafkajs)} MB/s`,
    );
    console.log(`fjord consumer: ${(consumed.fjord / consumed.kafkajs).toFixed(2)}× kafkajs`);

    // End-to-end latency: producer linger.ms=0 at a fixed rate, consumer reading as it goes.
    const latencySeconds = Number(process.env.BENCH_LATENCY_S ?? 20);
    await admin.createTopic('bench-latency', 1, 1);
    const latency = await benchEndToEndLatency(bootstrap, 'bench-latency', 10_000, latencySeconds);
    console.log(
      `end-to-end latency, 10,000 records/s for ${latencySeconds} s (${latency.records} records): ` +
        `p50=${latency.p50Ms.toFixed(2)} ms p99=${latency.p99Ms.toFixed(2)} ms p99.9=${latency.p999Ms.toFixed(2)} ms`,
    );
    await admin.close();
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
