import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { produceHandler } from '../../../core/broker/handlers/produce.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import {
  ATTRIBUTES_OFFSET,
  Attributes,
  MAGIC_OFFSET,
  updateBatchCrc,
} from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { encodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, answered, batchOf } from '../../helpers/data-plane.js';

describe('Produce validation', () => {
  let plane: DataPlane;

  beforeEach(() => {
    plane = new DataPlane();
    plane.createTopic('orders', 1);
    plane.createTopic('tiny', 1, { 'max.message.bytes': '200' });
    plane.createTopic('changelog', 1, { 'cleanup.policy': 'compact' });
    plane.topics.create('__consumer_offsets', 1, {});
  });
  afterEach(async () => {
    await plane.close();
  });

  /** Log end and size of every partition, to prove a refusal left the logs alone. */
  function logs(): string {
    return plane.registry
      .describe()
      .map((p) => `${p.topic}-${p.partition}:${p.logEndOffset}/${p.sizeBytes}`)
      .join(' ');
  }

  async function expectRefused(
    topic: string,
    partition: number,
    records: Buffer | null,
    errorCode: number,
    options: { acks?: number; version?: number } = {},
  ): Promise<void> {
    const before = logs();
    const answer = await plane.produce(topic, partition, records, options);
    expect(answer).toEqual({
      index: partition,
      errorCode,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
    });
    expect(logs()).toBe(before);
  }

  it('answers Produce v0-2 with UNSUPPORTED_VERSION for every partition', async () => {
    for (const version of [0, 1, 2])
      await expectRefused('orders', 0, batchOf(1), ErrorCode.UNSUPPORTED_VERSION, { version });
  });

  it('refuses acks other than -1, 0 and 1 with INVALID_REQUIRED_ACKS', async () => {
    for (const acks of [2, -2, 5])
      await expectRefused('orders', 0, batchOf(1), ErrorCode.INVALID_REQUIRED_ACKS, { acks });
  });

  it('refuses unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await expectRefused('missing', 0, batchOf(1), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await expectRefused('orders', 1, batchOf(1), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await expectRefused('orders', -1, batchOf(1), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('refuses a batch whose CRC does not match with CORRUPT_MESSAGE', async () => {
    const batch = batchOf(3);
    batch[batch.length - 2]! ^= 0x55;
    await expectRefused('orders', 0, batch, ErrorCode.CORRUPT_MESSAGE);
  });

  it('refuses a truncated batch with CORRUPT_MESSAGE', async () => {
    await expectRefused('orders', 0, batchOf(3).subarray(0, 70), ErrorCode.CORRUPT_MESSAGE);
  });

  it('refuses anything but exactly one magic-2 batch with INVALID_RECORD', async () => {
    await expectRefused('orders', 0, null, ErrorCode.INVALID_RECORD);
    await expectRefused(
      'orders',
      0,
      Buffer.concat([batchOf(1), batchOf(1)]),
      ErrorCode.INVALID_RECORD,
    );
    const magic1 = batchOf(1);
    magic1.writeInt8(1, MAGIC_OFFSET);
    await expectRefused('orders', 0, magic1, ErrorCode.INVALID_RECORD);
  });

  it('refuses control and transactional batches from clients with INVALID_RECORD', async () => {
    const control = batchOf(1);
    control.writeInt16BE(Attributes.CONTROL, ATTRIBUTES_OFFSET);
    updateBatchCrc(control);
    await expectRefused('orders', 0, control, ErrorCode.INVALID_RECORD);
    const transactional = batchOf(1, {
      transactional: true,
      producerId: 7,
      producerEpoch: 0,
      baseSequence: 0,
    });
    await expectRefused('orders', 0, transactional, ErrorCode.INVALID_RECORD);
  });

  it('refuses zstd below Produce v7 with UNSUPPORTED_COMPRESSION_TYPE, and takes it at v7', async () => {
    const zstd = batchOf(3, { compression: CompressionType.ZSTD });
    for (const version of [3, 4, 5, 6])
      await expectRefused('orders', 0, Buffer.from(zstd), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, {
        version,
      });
    expect((await plane.produce('orders', 0, zstd, { version: 7 })).errorCode).toBe(0);
  });

  it('takes gzip at Produce v3', async () => {
    const answer = await plane.produce('orders', 0, batchOf(2, { compression: 1 }), {
      version: 3,
    });
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    expect(answer.baseOffset).toBe(0);
  });

  it('refuses a batch above max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const batch = batchOf(20);
    expect(batch.length).toBeGreaterThan(200);
    await expectRefused('tiny', 0, batch, ErrorCode.MESSAGE_TOO_LARGE);
    expect((await plane.produce('tiny', 0, batchOf(1))).errorCode).toBe(ErrorCode.NONE);
  });

  it('refuses a record without a key on a compacted topic with INVALID_RECORD', async () => {
    const keyless = encodeRecordBatch([{ key: null, value: Buffer.from('v') }], { now: 1 });
    await expectRefused('changelog', 0, keyless, ErrorCode.INVALID_RECORD);
  });

  it('refuses writes to internal topics with INVALID_TOPIC_EXCEPTION', async () => {
    await expectRefused('__consumer_offsets', 0, batchOf(1), ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('refuses an idempotent batch with a negative sequence with INVALID_RECORD', async () => {
    const batch = batchOf(1, { producerId: 3, producerEpoch: 0, baseSequence: -1 });
    await expectRefused('orders', 0, batch, ErrorCode.INVALID_RECORD);
  });

  it('fails one partition without failing the others of the request', async () => {
    const bad = batchOf(1);
    bad[bad.length - 1]! ^= 1;
    const response = answered(
      await plane.call(produceHandler, ApiKey.PRODUCE, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [
          { name: 'orders', partitionData: [{ index: 0, records: bad }] },
          { name: 'missing', partitionData: [{ index: 0, records: batchOf(1) }] },
          { name: 'tiny', partitionData: [{ index: 0, records: batchOf(1) }] },
        ],
      }),
    );
    expect(response.responses.map((t) => t.partitionResponses[0]!.errorCode)).toEqual([
      ErrorCode.CORRUPT_MESSAGE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.NONE,
    ]);
    expect(plane.registry.get('orders', 0)!.log.logEndOffset).toBe(0);
    expect(plane.registry.get('tiny', 0)!.log.logEndOffset).toBe(1);
  });
});
