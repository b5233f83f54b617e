import * as path from 'node:path';

import { Broker } from '../broker/broker.js';
import { parseBrokerConfig } from '../broker/broker-config.js';
import { Admin } from '../client/admin.js';
import { KafkaConnection } from '../network/client-connection.js';
import { ApiKey } from '../protocol/messages/index.js';
import { CompressionType } from '../protocol/records/compression.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../protocol/records/record-batch.js';
import { ErrorCode } from '../util/error-codes.js';
import { FjordError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { stopOnSignal } from './broker-command.js';

const TOPIC = 'demo-events';

/**
 * `npm start`: an embedded broker on 127.0.0.1:9092 (data under `.fjord-data/broker`, metrics on
 * :9308), a demo topic, a few records produced and consumed over the Kafka protocol, and then the
 * broker keeps serving — point kcat or any Kafka client at it — until Ctrl-C.
 */
export async function runBrokerDemo(options: {
  dataDir: string;
  port: number;
  metricsPort: number;
}): Promise<void> {
  const logger = createLogger('fjord');
  const broker = await Broker.start({
    config: parseBrokerConfig({
      listeners: `PLAINTEXT://127.0.0.1:${options.port}`,
      'log.dirs': path.join(options.dataDir, 'broker'),
      'num.partitions': '3',
    }),
    logger,
    metricsPort: options.metricsPort,
  });
  const admin = await Admin.connect(broker.bootstrap, 'fjord-demo');
  try {
    await admin.createTopic(TOPIC, 3, 1, { 'retention.ms': String(24 * 3600 * 1000) });
  } catch (err) {
    if (!(err instanceof FjordError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
  }
  await admin.close();

  const connection = await KafkaConnection.connect('127.0.0.1', broker.port, {
    clientId: 'fjord-demo',
  });
  await connection.apiVersions();
  const events = ['signed-up', 'added-to-cart', 'checked-out'].map((action, i) => ({
    key: Buffer.from(`user-${i}`),
    value: Buffer.from(JSON.stringify({ action, at: new Date().toISOString() })),
    headers: [{ key: 'source', value: Buffer.from('npm-start') }],
  }));
  const produced = await connection.send(
    ApiKey.PRODUCE,
    connection.pickVersion(ApiKey.PRODUCE, 7),
    {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: TOPIC,
          partitionData: [
            { index: 0, records: encodeRecordBatch(events, { compression: CompressionType.LZ4 }) },
          ],
        },
      ],
    },
  );
  const base = produced.responses[0]?.partitionResponses[0]?.baseOffset ?? 0;
  console.log(`produced ${events.length} records to ${TOPIC}-0 at offset ${base}`);
  const fetched = await connection.send(ApiKey.FETCH, connection.pickVersion(ApiKey.FETCH, 12), {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [
      {
        topic: TOPIC,
        partitions: [{ partition: 0, fetchOffset: base, partitionMaxBytes: 1 << 20 }],
      },
    ],
  });
  const records = fetched.responses[0]?.partitions[0]?.records;
  const bytes = Buffer.isBuffer(records)
    ? records
    : Buffer.concat(Array.isArray(records) ? records : []);
  for (const { pos } of iterateBatches(bytes)) {
    for (const r of decodeRecordBatch(bytes, pos).records) {
      if (r.offset >= base)
        console.log(
          `consumed offset ${r.offset}: ${r.key?.toString() ?? ''} → ${r.value?.toString() ?? ''}`,
        );
    }
  }
  await connection.close();
  console.log(
    `fjord broker serving on ${broker.bootstrap} (metrics: http://127.0.0.1:${broker.metricsPort ?? '-'}/metrics). ` +
      `Try: kcat -b ${broker.bootstrap} -t ${TOPIC} -C -e   —   Ctrl-C stops it.`,
  );
  await stopOnSignal(broker);
}
