/**
 * `npm run bench:replication` — three broker processes over one etcd: unmodified kafkajs 2.2.4,
 * then fjord's producer (which is fast enough for the brokers to be the limit), each producing
 * BENCH_RECORDS (default 1,000,000) records of 100 B to an RF=1 topic with acks=1, then to an RF=3
 * topic (min.insync.replicas=2) with acks=all, 1,000 records per send, 8 sends in flight.
 * fjord's producer runs twice: with the default batch.size (16 KiB: each broker request carries
 * little, and RF=3 triples the requests) and with 1 MiB batches, as throughput-tuned producers
 * use; each pair prints its RF=3 / RF=1 ratio. Then the failover time of the RF=3 partition: from SIGKILL of its leader to the first acks=all
 * produce answered by the new one (dominated by the broker session, BENCH_SESSION_MS).
 */
import { Kafka, logLevel } from 'kafkajs';

import { Producer } from '../../core/client/producer/producer.js';
import { KafkaConnection } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import { startEtcd } from '../helpers/etcd-process.js';
import { startProcessCluster } from '../helpers/process-cluster.js';
import type { ProcessCluster } from '../helpers/process-cluster.js';
import { produceValues } from '../helpers/wire-client.js';
import { nowNs, percentiles, rate } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SESSION_MS = Number(process.env.BENCH_SESSION_MS ?? 3000);
const PER_SEND = 1000;
const IN_FLIGHT = 8;

async function createTopic(cluster: ProcessCluster, name: string, rf: number): Promise<void> {
  const conn = await KafkaConnection.connect('127.0.0.1', cluster.ports()[0] ?? 0);
  try {
    const response = await conn.send(ApiKey.CREATE_TOPICS, 5, {
      topics: [
        {
          name,
          numPartitions: 1,
          replicationFactor: rf,
          assignments: [],
          configs: rf > 1 ? [{ name: 'min.insync.replicas', value: '2' }] : [],
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    if (response.topics[0]?.errorCode !== 0) throw new Error(`cannot create ${name}`);
  } finally {
    await conn.close();
  }
}

/** The 16 distinct sends the runs cycle through: PER_SEND keyed records of 100 B each. */
function sendBatches(): { key: string; value: Buffer }[][] {
  const value = Buffer.alloc(90, 120);
  return Array.from({ length: 16 }, (_, b) =>
    Array.from({ length: PER_SEND }, (_, i) => ({
      key: `key-${String((b * PER_SEND + i) % 1e6).padStart(6, '0')}`,
      value,
    })),
  );
}

/** Runs RECORDS / PER_SEND sends, IN_FLIGHT at a time; the elapsed time and each send's latency. */
async function driveSends(
  send: (n: number) => Promise<unknown>,
): Promise<{ elapsed: bigint; latency: number[] }> {
  const latency: number[] = [];
  const sends = Math.ceil(RECORDS / PER_SEND);
  let next = 0;
  const start = nowNs();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < sends) {
        const n = next++;
        const t = nowNs();
        await send(n);
        latency.push(Number(nowNs() - t));
      }
    }),
  );
  return { elapsed: nowNs() - start, latency };
}

async function produceRun(bootstrap: string[], topic: string, acks: number): Promise<string> {
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const batches = sendBatches();
  const { elapsed, latency } = await driveSends((n) =>
    producer.send({ topic, acks, messages: batches[n % batches.length]! }),
  );
  await producer.disconnect();
  return `${rate(`${topic} acks=${acks}`, RECORDS, RECORDS * 100, elapsed)}  send(1000) latency ${percentiles(latency)}`;
}

interface FjordResult {
  readonly line: string;
  readonly recordsPerSecond: number;
}

async function fjordRun(
  bootstrap: string[],
  topic: string,
  acks: 1 | 'all',
  batchSize: number,
): Promise<FjordResult> {
  const producer = new Producer({
    bootstrap: bootstrap.join(','),
    clientId: 'bench',
    acks,
    batchSize,
  });
  await producer.connect();
  const batches = sendBatches().map((records) => records.map((r) => ({ topic, ...r })));
  const { elapsed, latency } = await driveSends((n) =>
    producer.sendBatch(batches[n % batches.length]!),
  );
  await producer.close();
  return {
    line: `${rate(`${topic} acks=${acks}`, RECORDS, RECORDS * 100, elapsed)}  sendBatch(1000) latency ${percentiles(latency)}`,
    recordsPerSecond: RECORDS / (Number(elapsed) / 1e9),
  };
}

/** fjord's producer on RF=1 then RF=3, with the RF=3 / RF=1 throughput ratio. */
async function fjordPair(bootstrap: string[], batchSize: number): Promise<void> {
  const label = `fjord batch.size ${batchSize >= 1 << 20 ? `${batchSize >> 20} MiB` : `${batchSize >> 10} KiB`}`;
  const rf1 = await fjordRun(bootstrap, 'rf1', 1, batchSize);
  console.log(`${label} RF=1 ${rf1.line}`);
  const rf3 = await fjordRun(bootstrap, 'rf3', 'all', batchSize);
  console.log(`${label} RF=3 ${rf3.line}`);
  console.log(
    `${label}: RF=3 acks=all / RF=1 acks=1 = ${(rf3.recordsPerSecond / rf1.recordsPerSecond).toFixed(2)}`,
  );
}

async function leaderOf(cluster: ProcessCluster, topic: string) {
  const m = await cluster.metadata([topic]);
  const p = m.topics[0]?.partitions[0];
  const port = m.brokers.find((b) => b.nodeId === p?.leaderId)?.port;
  return { leader: p?.leaderId ?? -1, isr: p?.isrNodes.length ?? 0, port };
}

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const cluster = await startProcessCluster(etcd, 3, SESSION_MS);
  try {
    while ((await cluster.metadata(null)).brokers.length < 3)
      await new Promise((r) => setTimeout(r, 100));
    await createTopic(cluster, 'rf1', 1);
    await createTopic(cluster, 'rf3', 3);
    while ((await leaderOf(cluster, 'rf3')).isr < 3) await new Promise((r) => setTimeout(r, 50));
    const bootstrap = cluster.ports().map((p) => `127.0.0.1:${p}`);
    console.log(
      `replication bench: ${RECORDS.toLocaleString()} records of 100 B, ${PER_SEND} per send, ${IN_FLIGHT} in flight, 3 brokers`,
    );
    console.log(`kafkajs RF=1 ${await produceRun(bootstrap, 'rf1', 1)}`);
    console.log(`kafkajs RF=3 ${await produceRun(bootstrap, 'rf3', -1)}`);
    await fjordPair(bootstrap, 16_384);
    await fjordPair(bootstrap, 1 << 20);

    const { leader } = await leaderOf(cluster, 'rf3');
    const killedAt = Date.now();
    await cluster.signal(leader, 'SIGKILL');
    for (;;) {
      const now = await leaderOf(cluster, 'rf3').catch(() => undefined);
      if (now !== undefined && now.leader > 0 && now.leader !== leader && now.port !== undefined) {
        const conn = await KafkaConnection.connect('127.0.0.1', now.port);
        try {
          const r = await produceValues(conn, 'rf3', 0, ['after-failover'], { acks: -1 });
          if (r.errorCode === 0) break;
        } finally {
          await conn.close();
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(
      `failover: leader SIGKILL → first acks=all produce answered by the new leader in ${Date.now() - killedAt} ms (broker session ${SESSION_MS} ms)`,
    );
  } finally {
    await cluster.close();
    await etcd.stop();
  }
}

await main();
