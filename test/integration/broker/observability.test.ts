import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Broker } from '../../../core/broker/broker.js';
import { parseBrokerConfig } from '../../../core/broker/broker-config.js';
import { Admin } from '../../../core/client/admin.js';
import { KafkaConnection } from '../../../core/network/client-connection.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { encodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('broker metrics and health endpoints', () => {
  let broker: Broker;
  let cleanup: () => void;

  beforeAll(async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    broker = await Broker.start({
      config: parseBrokerConfig({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': temp.dir }),
      metricsPort: 0,
    });
  });
  afterAll(async () => {
    await broker.stop();
    cleanup();
  });

  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(`http://127.0.0.1:${broker.metricsPort}${path}`);
    return { status: response.status, text: await response.text() };
  };

  it('serves /healthz', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, text: 'ok\n' });
    expect((await get('/nope')).status).toBe(404);
  });

  it('counts bytes, requests by API and error code, latency, partitions and log end offsets', async () => {
    const admin = await Admin.connect(broker.bootstrap);
    await admin.createTopic('observed', 2, 1);
    await expect(admin.createTopic('observed', 2, 1)).rejects.toMatchObject({ code: 36 });
    await admin.close();
    const connection = await KafkaConnection.connect('127.0.0.1', broker.port);
    await connection.send(ApiKey.PRODUCE, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 'observed',
          partitionData: [
            {
              index: 1,
              records: encodeRecordBatch(
                [1, 2, 3].map((n) => ({ key: null, value: Buffer.from(String(n)) })),
              ),
            },
          ],
        },
      ],
    });
    await connection.close();

    const { status, text } = await get('/metrics');
    expect(status).toBe(200);
    const value = (line: RegExp): number => Number(line.exec(text)?.[1] ?? NaN);
    expect(value(/^fjord_bytes_in_total (\d+)/m)).toBeGreaterThan(100);
    expect(value(/^fjord_bytes_out_total (\d+)/m)).toBeGreaterThan(100);
    expect(value(/^fjord_requests_total\{api="CreateTopics",error="NONE"\} (\d+)/m)).toBe(1);
    expect(
      value(/^fjord_requests_total\{api="CreateTopics",error="TOPIC_ALREADY_EXISTS"\} (\d+)/m),
    ).toBe(1);
    expect(value(/^fjord_requests_total\{api="Produce",error="NONE"\} (\d+)/m)).toBe(1);
    expect(value(/^fjord_request_duration_seconds_count\{api="Produce"\} (\d+)/m)).toBe(1);
    expect(value(/^fjord_partitions (\d+)/m)).toBe(2);
    expect(value(/^fjord_log_end_offset\{topic="observed",partition="1"\} (\d+)/m)).toBe(3);
    expect(value(/^fjord_log_end_offset\{topic="observed",partition="0"\} (\d+)/m)).toBe(0);
  });
});
