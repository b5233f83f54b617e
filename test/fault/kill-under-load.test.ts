import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { KafkaConnection } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import { CompressionType } from '../../core/protocol/records/compression.js';
import { encodeRecordBatch } from '../../core/protocol/records/record-batch.js';
import { spawnBroker } from '../helpers/broker-process.js';
import type { BrokerProcess } from '../helpers/broker-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { fetchAll } from '../helpers/wire-client.js';

const TOPIC = 'under-fire';
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 8);

interface Acked {
  partition: number;
  offset: number;
  value: string;
}

/** Produces continuously on several pipelined connections until the broker dies under it. */
async function produceUntilDeath(port: number, round: number, acked: Acked[]): Promise<void> {
  const connections = await Promise.all(
    [0, 1, 2].map(() => KafkaConnection.connect('127.0.0.1', port)),
  );
  await Promise.all(
    connections.map(async (connection, c) => {
      for (let n = 0; ; n++) {
        const partition = (c + n) % 3;
        const values = Array.from({ length: 20 }, (_, i) => `r${round}-c${c}-n${n}-i${i}`);
        const batch = encodeRecordBatch(
          values.map((v) => ({ key: Buffer.from(v.slice(0, 8)), value: Buffer.from(v.repeat(5)) })),
          { compression: n % 2 === 0 ? CompressionType.LZ4 : CompressionType.NONE },
        );
        let response;
        try {
          response = await connection.send(ApiKey.PRODUCE, 7, {
            transactionalId: null,
            acks: -1,
            timeoutMs: 5000,
            topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: batch }] }],
          });
        } catch {
          return; // The broker died: anything not acknowledged may or may not be there.
        }
        const p = response.responses[0]!.partitionResponses[0]!;
        expect(p.errorCode).toBe(0);
        values.forEach((v, i) =>
          acked.push({ partition, offset: p.baseOffset + i, value: v.repeat(5) }),
        );
      }
    }),
  );
}

/** Every stored record of a partition, checking offsets are dense. */
async function readPartition(
  connection: KafkaConnection,
  partition: number,
): Promise<Map<number, string>> {
  const records = await fetchAll(connection, TOPIC, partition);
  records.forEach((r, i) => {
    expect(r.offset).toBe(i);
  });
  return new Map(records.map((r) => [r.offset, r.value]));
}

describe('kill -9 under load, repeatedly', () => {
  let dir: string;
  let cleanup: () => void;
  let broker: BrokerProcess | undefined;
  beforeAll(() => ({ dir, cleanup } = makeTempDir('fjord-fault-')));
  afterAll(() => {
    broker?.child.kill('SIGKILL');
    cleanup();
  });

  it(`loses no acknowledged record over ${ROUNDS} crashes`, async () => {
    broker = await spawnBroker(dir, ['--override', 'log.segment.bytes=262144']);
    const admin = await Admin.connect(`127.0.0.1:${broker.port}`);
    await admin.createTopic(TOPIC, 3, 1);
    await admin.close();
    const acked: Acked[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const running = broker;
      const load = produceUntilDeath(running.port, round, acked);
      // Let the load build for a varying moment, then pull the plug mid-flight.
      await new Promise((resolve) => setTimeout(resolve, 200 + ((round * 137) % 500)));
      running.child.kill('SIGKILL');
      await running.exited;
      await load;
      broker = await spawnBroker(dir, ['--override', 'log.segment.bytes=262144']);
    }
    const connection = await KafkaConnection.connect('127.0.0.1', broker.port);
    const stored = await Promise.all([0, 1, 2].map((p) => readPartition(connection, p)));
    await connection.close();
    expect(acked.length).toBeGreaterThan(ROUNDS * 20);
    for (const record of acked) {
      const value = stored[record.partition]!.get(record.offset);
      if (value !== record.value) expect({ ...record, stored: value }).toEqual(record);
    }
    broker.child.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    broker = undefined;
  });
});
