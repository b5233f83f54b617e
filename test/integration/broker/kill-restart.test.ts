import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../../../core/protocol/records/record-batch.js';
import { spawnBroker } from '../../helpers/broker-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const TOPIC = 'durable';

async function produce(
  connection: KafkaConnection,
  batch: number,
): Promise<{ offset: number; value: string }[]> {
  const values = Array.from({ length: 50 }, (_, i) => `batch-${batch}-record-${i}`);
  const response = await connection.send(ApiKey.PRODUCE, 7, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: TOPIC,
        partitionData: [
          {
            index: 0,
            records: encodeRecordBatch(
              values.map((v) => ({ key: Buffer.from(`k${batch}`), value: Buffer.from(v) })),
              { compression: batch % 2 === 0 ? CompressionType.NONE : CompressionType.ZSTD },
            ),
          },
        ],
      },
    ],
  });
  const p = response.responses[0]!.partitionResponses[0]!;
  expect(p.errorCode).toBe(0);
  return values.map((value, i) => ({ offset: p.baseOffset + i, value }));
}

async function readAll(connection: KafkaConnection): Promise<{ offset: number; value: string }[]> {
  const out: { offset: number; value: string }[] = [];
  let offset = 0;
  for (;;) {
    const response = await connection.send(ApiKey.FETCH, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [
        {
          topic: TOPIC,
          partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }],
        },
      ],
    });
    const records = response.responses[0]!.partitions[0]!.records;
    const bytes = Buffer.isBuffer(records)
      ? records
      : Buffer.concat(Array.isArray(records) ? records : []);
    if (bytes.length === 0) return out;
    for (const { pos } of iterateBatches(bytes)) {
      for (const r of decodeRecordBatch(bytes, pos).records)
        if (r.offset >= offset) out.push({ offset: r.offset, value: r.value!.toString() });
    }
    offset = out.at(-1)!.offset + 1;
  }
}

describe('a broker killed with SIGKILL', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = makeTempDir('fjord-kill-')));
  afterAll(() => {
    cleanup();
  });

  it('serves every acknowledged record, in order, after a restart', async () => {
    const first = await spawnBroker(dir);
    const admin = await Admin.connect(`127.0.0.1:${first.port}`);
    await admin.createTopic(TOPIC, 1, 1, { 'segment.bytes': '20000' });
    await admin.close();
    const connection = await KafkaConnection.connect('127.0.0.1', first.port);
    const acked: { offset: number; value: string }[] = [];
    for (let b = 0; b < 60; b++) acked.push(...(await produce(connection, b)));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await connection.close().catch(() => undefined);

    const second = await spawnBroker(dir);
    try {
      const again = await KafkaConnection.connect('127.0.0.1', second.port);
      expect(await readAll(again)).toEqual(acked);
      const next = await produce(again, 1000);
      expect(next[0]!.offset).toBe(acked.length);
      await again.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
