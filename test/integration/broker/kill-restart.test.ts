import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { spawnBroker } from '../../helpers/broker-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { fetchAll, produceValues } from '../../helpers/wire-client.js';
import type { StoredValue } from '../../helpers/wire-client.js';

const TOPIC = 'durable';

async function produce(connection: KafkaConnection, batch: number): Promise<StoredValue[]> {
  const values = Array.from({ length: 50 }, (_, i) => `batch-${batch}-record-${i}`);
  const compression = batch % 2 === 0 ? CompressionType.NONE : CompressionType.ZSTD;
  const { errorCode, records } = await produceValues(connection, TOPIC, 0, values, {
    compression,
    key: `k${batch}`,
  });
  expect(errorCode).toBe(0);
  return records;
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
    const acked: StoredValue[] = [];
    for (let b = 0; b < 60; b++) acked.push(...(await produce(connection, b)));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await connection.close().catch(() => undefined);

    const second = await spawnBroker(dir);
    try {
      const again = await KafkaConnection.connect('127.0.0.1', second.port);
      expect(await fetchAll(again, TOPIC, 0)).toEqual(acked);
      const next = await produce(again, 1000);
      expect(next[0]!.offset).toBe(acked.length);
      await again.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
