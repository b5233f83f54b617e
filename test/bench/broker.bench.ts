/**
 * `npm run bench:broker` — unmodified kafkajs 2.2.4 producing BENCH_RECORDS (default 1,000,000)
 * records of 100 B to a fjord broker (acks=1, 1,000 records per send, 8 sends in flight), then
 * kcat (librdkafka) consuming them back. The broker runs as a child process so its CPU time can be
 * read from /proc and reported per MB.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { Admin } from '../../core/client/admin.js';
import { spawnBroker } from '../helpers/broker-process.js';
import { run } from '../helpers/run.js';
import { nowNs, percentiles, rate } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PER_SEND = 1000;
const IN_FLIGHT = 8;
const TOPIC = 'bench';

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-bench-broker-'));
  const broker = await spawnBroker(dir);
  const pid = broker.child.pid!;
  try {
    const bootstrap = `127.0.0.1:${broker.port}`;
    const admin = await Admin.connect(bootstrap);
    await admin.createTopic(TOPIC, 1, 1);
    await admin.close();

    const kafka = new Kafka({
      clientId: 'bench',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = Buffer.alloc(90, 120);
    const batches = Array.from({ length: 16 }, (_, b) =>
      Array.from({ length: PER_SEND }, (_, i) => ({
        key: `key-${String((b * PER_SEND + i) % 1e6).padStart(6, '0')}`,
        value,
      })),
    );
    const sendLatency: number[] = [];
    const cpuBefore = cpuSeconds(pid);
    const start = nowNs();
    let next = 0;
    const sends = Math.ceil(RECORDS / PER_SEND);
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < sends) {
          const n = next++;
          const t = nowNs();
          await producer.send({ topic: TOPIC, acks: 1, messages: batches[n % batches.length]! });
          sendLatency.push(Number(nowNs() - t));
        }
      }),
    );
    const produceNs = nowNs() - start;
    const cpuProduce = cpuSeconds(pid) - cpuBefore;
    await producer.disconnect();
    const bytes = RECORDS * 100;
    console.log(
      `broker bench: ${RECORDS.toLocaleString()} records of 100 B, kafkajs acks=1, ${PER_SEND} per send, ${IN_FLIGHT} in flight`,
    );
    console.log(
      `${rate('kafkajs → fjord produce', RECORDS, bytes, produceNs)}  send(1000) latency ${percentiles(sendLatency)}`,
    );
    console.log(
      `  broker CPU: ${cpuProduce.toFixed(2)} s, ${((cpuProduce * 1000) / (bytes / 1e6)).toFixed(2)} ms per MB produced`,
    );

    const cpuBeforeConsume = cpuSeconds(pid);
    const consumeStart = nowNs();
    const { stdout } = await run(
      'kcat',
      [
        '-C',
        '-b',
        bootstrap,
        '-t',
        TOPIC,
        '-p',
        '0',
        '-o',
        'beginning',
        '-c',
        String(RECORDS),
        '-q',
        '-f',
        '%o\n',
      ],
      {
        timeoutMs: 600_000,
      },
    );
    const consumeNs = nowNs() - consumeStart;
    const cpuConsume = cpuSeconds(pid) - cpuBeforeConsume;
    const lines = stdout.toString().trim().split('\n');
    if (lines.length !== RECORDS || lines.at(-1) !== String(RECORDS - 1))
      throw new Error(`consumed ${lines.length} records`);
    console.log(rate('fjord → kcat consume', RECORDS, bytes, consumeNs));
    console.log(
      `  broker CPU: ${cpuConsume.toFixed(2)} s, ${((cpuConsume * 1000) / (bytes / 1e6)).toFixed(2)} ms per MB consumed`,
    );
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
