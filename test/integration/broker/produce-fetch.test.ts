import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { NO_RESPONSE } from '../../../core/broker/broker-context.js';
import { fetchHandler } from '../../../core/broker/handlers/fetch.js';
import { produceHandler } from '../../../core/broker/handlers/produce.js';
import { decodeRequest } from '../../../core/protocol/frame.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { ProduceRequest } from '../../../core/protocol/messages/index.js';
import {
  setBatchBaseOffset,
  setBatchPartitionLeaderEpoch,
} from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { TimestampType } from '../../../core/protocol/records/batch-header.js';
import { decodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, T0, answered, batchOf, recordsOf } from '../../helpers/data-plane.js';
import { decodeAll } from '../../helpers/log-records.js';
import { loadRequestFixtures, readFixtureFrame } from '../../helpers/request-fixtures.js';

/** `batch` as the broker stores it: base offset and leader epoch 0 stamped, nothing else. */
function stored(batch: Buffer, baseOffset: number): Buffer {
  const copy = Buffer.from(batch);
  setBatchBaseOffset(copy, 0, baseOffset);
  setBatchPartitionLeaderEpoch(copy, 0, 0);
  return copy;
}

describe('Produce and Fetch round trip', () => {
  let plane: DataPlane;

  beforeEach(() => {
    plane = new DataPlane();
    plane.createTopic('orders', 2);
  });
  afterEach(async () => {
    await plane.close();
  });

  it('serves produced batches byte for byte, offsets stamped, in every codec', async () => {
    const codecs = [
      CompressionType.NONE,
      CompressionType.GZIP,
      CompressionType.SNAPPY,
      CompressionType.LZ4,
      CompressionType.ZSTD,
    ];
    const sent = codecs.map((compression, i) => batchOf(3, { compression }, `c${i}-`));
    const expected: Buffer[] = [];
    for (const [i, batch] of sent.entries()) {
      const answer = await plane.produce('orders', 0, batch);
      expect(answer).toEqual({
        index: 0,
        errorCode: ErrorCode.NONE,
        baseOffset: i * 3,
        logAppendTimeMs: -1,
        logStartOffset: 0,
      });
      expected.push(stored(batch, i * 3));
    }
    const data = await plane.fetch('orders', 0, 0);
    expect(data.errorCode).toBe(ErrorCode.NONE);
    expect(data.highWatermark).toBe(15);
    expect(data.lastStableOffset).toBe(15);
    expect(data.logStartOffset).toBe(0);
    expect(data.abortedTransactions).toEqual([]);
    expect(data.preferredReadReplica).toBe(-1);
    expect(recordsOf(data).equals(Buffer.concat(expected))).toBe(true);
    expect(decodeAll(recordsOf(data)).map((r) => r.value)).toEqual(
      sent.flatMap((_, i) => [`c${i}-0`, `c${i}-1`, `c${i}-2`]),
    );
  });

  it('answers every partition of a multi-topic request in request order', async () => {
    plane.createTopic('payments', 1);
    const response = answered(
      await plane.call(produceHandler, ApiKey.PRODUCE, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [
          {
            name: 'orders',
            partitionData: [
              { index: 1, records: batchOf(2) },
              { index: 0, records: batchOf(1) },
            ],
          },
          { name: 'payments', partitionData: [{ index: 0, records: batchOf(4) }] },
        ],
      }),
    );
    expect(response.throttleTimeMs).toBe(0);
    expect(
      response.responses.map((t) => [t.name, t.partitionResponses.map((p) => p.index)]),
    ).toEqual([
      ['orders', [1, 0]],
      ['payments', [0]],
    ]);
    expect(plane.registry.get('orders', 1)?.highWatermark).toBe(2);
    expect(plane.registry.get('orders', 0)?.highWatermark).toBe(1);
    expect(plane.registry.get('payments', 0)?.highWatermark).toBe(4);
  });

  it('appends with acks=0 but answers nothing', async () => {
    const response = await plane.call(produceHandler, ApiKey.PRODUCE, 7, {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batchOf(2) }] }],
    });
    expect(response).toBe(NO_RESPONSE);
    expect(plane.registry.get('orders', 0)?.highWatermark).toBe(2);
  });

  it('answers nothing with acks=0 even when a partition fails', async () => {
    const response = await plane.call(produceHandler, ApiKey.PRODUCE, 7, {
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [{ name: 'missing', partitionData: [{ index: 0, records: batchOf(2) }] }],
    });
    expect(response).toBe(NO_RESPONSE);
  });

  it('answers acks=-1 once the batch is committed: the high watermark already covers it', async () => {
    const answer = await plane.produce('orders', 0, batchOf(5), { acks: -1 });
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    const handle = plane.registry.get('orders', 0)!;
    expect(handle.highWatermark).toBe(5);
    expect(handle.log.logEndOffset).toBe(5);
  });

  it('stamps LogAppendTime and reports it when the topic asks for it', async () => {
    plane.createTopic('stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
    plane.clock.set(T0 + 5000);
    const answer = await plane.produce('stamped', 0, batchOf(2));
    expect(answer.logAppendTimeMs).toBe(T0 + 5000);
    const batch = recordsOf(await plane.fetch('stamped', 0, 0));
    const { header, records } = decodeRecordBatch(batch);
    expect(header.maxTimestamp).toBe(T0 + 5000);
    expect(records.every((r) => r.timestamp === T0 + 5000)).toBe(true);
    expect(header.attributes & 0x08).toBe(TimestampType.LOG_APPEND_TIME << 3);
  });

  it('appends batches of one partition in the order requests arrive', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => plane.produce('orders', 0, batchOf(1, {}, `r${i}-`))),
    );
    expect(answers.map((a) => a.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const values = decodeAll(recordsOf(await plane.fetch('orders', 0, 0))).map((r) => r.value);
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}-0`));
  });
});

describe('Produce frames captured from real clients', () => {
  const fixtures = loadRequestFixtures().filter((f) => f.apiKey === ApiKey.PRODUCE);
  const clients = [...new Set(fixtures.map((f) => f.client))];

  it.each(clients)('accepts every %s batch and serves it back unchanged', async (client) => {
    const plane = new DataPlane();
    try {
      plane.createTopic('fx', 1);
      const expected: Buffer[] = [];
      for (const fixture of fixtures.filter((f) => f.client === client)) {
        const request = decodeRequest(readFixtureFrame(fixture).subarray(4));
        const body = request.body as ProduceRequest;
        const records = body.topicData[0]!.partitionData[0]!.records!;
        const original = Buffer.from(records);
        const handle = plane.registry.get('fx', 0)!;
        const before = handle.log.logEndOffset;
        const response = await produceHandler(plane.broker, body, {
          header: request.header,
          clientHost: '127.0.0.1',
          connectionId: 1,
        });
        if (body.acks === 0) expect(response, fixture.file).toBe(NO_RESPONSE);
        else
          expect(answered(response).responses[0]!.partitionResponses[0], fixture.file).toEqual({
            index: 0,
            errorCode: ErrorCode.NONE,
            baseOffset: before,
            logAppendTimeMs: -1,
            logStartOffset: 0,
          });
        expected.push(stored(original, before));
      }
      const fetched = answered(
        await plane.call(fetchHandler, ApiKey.FETCH, 11, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 24,
          isolationLevel: 1,
          topics: [
            {
              topic: 'fx',
              partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 24 }],
            },
          ],
        }),
      );
      expect(recordsOf(fetched.responses[0]!.partitions[0]!).equals(Buffer.concat(expected))).toBe(
        true,
      );
    } finally {
      await plane.close();
    }
  });
});
