import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fetchHandler } from '../../../core/broker/handlers/fetch.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { FetchPartition, FetchResponse } from '../../../core/protocol/messages/index.js';
import { batchBaseOffset, batchSize } from '../../../core/protocol/records/batch-header.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { iterateBatches } from '../../../core/protocol/records/record-batch.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, answered, batchOf, recordsOf } from '../../helpers/data-plane.js';

/** Base offsets of the batches in a fetched partition. */
function baseOffsets(records: Buffer): number[] {
  return [...iterateBatches(records)].map(({ pos }) => batchBaseOffset(records, pos));
}

describe('Fetch', () => {
  let plane: DataPlane;

  beforeEach(() => {
    plane = new DataPlane();
    plane.createTopic('orders', 2);
  });
  afterEach(async () => {
    await plane.close();
  });

  async function fetchMany(
    topics: { topic: string; partitions: FetchPartition[] }[],
    options: { maxBytes?: number; version?: number } = {},
  ): Promise<FetchResponse> {
    return answered(
      await plane.call(fetchHandler, ApiKey.FETCH, options.version ?? 12, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: options.maxBytes ?? 1 << 20,
        isolationLevel: 0,
        topics,
      }),
    );
  }

  describe('offsets and the high watermark', () => {
    it('answers an empty partition at offset 0 with nothing and no error', async () => {
      const data = await plane.fetch('orders', 0, 0);
      expect(data).toMatchObject({ errorCode: 0, highWatermark: 0, lastStableOffset: 0 });
      expect(recordsOf(data).length).toBe(0);
    });

    it('answers at the high watermark with nothing, past it with OFFSET_OUT_OF_RANGE', async () => {
      await plane.produce('orders', 0, batchOf(5));
      const atEnd = await plane.fetch('orders', 0, 5);
      expect(atEnd.errorCode).toBe(ErrorCode.NONE);
      expect(recordsOf(atEnd).length).toBe(0);
      for (const offset of [6, 1000]) {
        const past = await plane.fetch('orders', 0, offset);
        expect(past).toMatchObject({
          errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
          highWatermark: 5,
          logStartOffset: 0,
        });
        expect(recordsOf(past).length).toBe(0);
      }
    });

    it('answers below the log start with OFFSET_OUT_OF_RANGE', async () => {
      await plane.produce('orders', 0, batchOf(5));
      plane.registry.get('orders', 0)!.deleteRecordsBefore(3);
      expect(await plane.fetch('orders', 0, 2)).toMatchObject({
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        logStartOffset: 3,
      });
      expect((await plane.fetch('orders', 0, -1)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      expect((await plane.fetch('orders', 0, 3)).errorCode).toBe(ErrorCode.NONE);
    });

    it('starts with the whole batch that holds the fetch offset', async () => {
      await plane.produce('orders', 0, batchOf(3));
      await plane.produce('orders', 0, batchOf(3));
      expect(baseOffsets(recordsOf(await plane.fetch('orders', 0, 4)))).toEqual([3]);
    });

    it('answers unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async () => {
      for (const [topic, partition] of [
        ['missing', 0],
        ['orders', 2],
      ] as const) {
        expect(await plane.fetch(topic, partition, 0)).toMatchObject({
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
        });
      }
    });
  });

  describe('byte limits (KIP-74)', () => {
    it('returns a first batch larger than partition_max_bytes whole, and only it', async () => {
      const big = batchOf(50);
      await plane.produce('orders', 0, big);
      await plane.produce('orders', 0, batchOf(1));
      const records = recordsOf(await plane.fetch('orders', 0, 0, { partitionMaxBytes: 10 }));
      expect(records.length).toBe(big.length);
      expect(baseOffsets(records)).toEqual([0]);
    });

    it('returns a first batch larger than max_bytes whole', async () => {
      const big = batchOf(50);
      await plane.produce('orders', 0, big);
      const records = recordsOf(await plane.fetch('orders', 0, 0, { maxBytes: 1 }));
      expect(records.length).toBe(big.length);
    });

    it('returns only whole batches within partition_max_bytes', async () => {
      const sizes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const batch = batchOf(4);
        sizes.push(batch.length);
        await plane.produce('orders', 0, batch);
      }
      const limit = sizes[0]! + sizes[1]! + 10;
      const records = recordsOf(await plane.fetch('orders', 0, 0, { partitionMaxBytes: limit }));
      expect(baseOffsets(records)).toEqual([0, 4]);
    });

    it('gives the oversize allowance to the first non-empty partition only', async () => {
      const big = batchOf(50);
      await plane.produce('orders', 1, big);
      await plane.produce('orders', 0, batchOf(50));
      const response = await fetchMany(
        [
          {
            topic: 'orders',
            partitions: [
              { partition: 1, fetchOffset: 50, partitionMaxBytes: 10 }, // at its end: empty
              { partition: 1, fetchOffset: 0, partitionMaxBytes: 10 },
              { partition: 0, fetchOffset: 0, partitionMaxBytes: 10 },
            ],
          },
        ],
        { maxBytes: 10 },
      );
      const [empty, first, starved] = response.responses[0]!.partitions;
      expect(recordsOf(empty!).length).toBe(0);
      expect(recordsOf(first!).length).toBe(big.length);
      expect(starved).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 50 });
      expect(recordsOf(starved!).length).toBe(0);
    });

    it('shares max_bytes across partitions in request order', async () => {
      const a = batchOf(10);
      const b = batchOf(10);
      await plane.produce('orders', 0, a);
      await plane.produce('orders', 1, b);
      const response = await fetchMany(
        [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 },
              { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 },
            ],
          },
        ],
        { maxBytes: a.length + b.length - 1 },
      );
      const [p0, p1] = response.responses[0]!.partitions;
      expect(recordsOf(p0!).length).toBe(a.length);
      expect(recordsOf(p1!).length).toBe(0);
    });
  });

  it('answers a topic listed twice once per entry', async () => {
    await plane.produce('orders', 0, batchOf(2));
    await plane.produce('orders', 1, batchOf(3));
    const response = await fetchMany([
      { topic: 'orders', partitions: [{ partition: 1, fetchOffset: 0, partitionMaxBytes: 1000 }] },
      { topic: 'missing', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1000 }] },
      { topic: 'orders', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1000 }] },
    ]);
    expect(
      response.responses.map((t) => [t.topic, t.partitions.map((p) => p.highWatermark)]),
    ).toEqual([
      ['orders', [3]],
      ['missing', [-1]],
      ['orders', [2]],
    ]);
    expect(response).toMatchObject({ throttleTimeMs: 0, errorCode: 0, sessionId: 0 });
  });

  it('answers zstd batches below Fetch v10 with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    await plane.produce('orders', 0, batchOf(3, { compression: CompressionType.ZSTD }));
    await plane.produce('orders', 1, batchOf(3, { compression: CompressionType.LZ4 }));
    for (const version of [4, 9]) {
      const zstd = await plane.fetch('orders', 0, 0, { version });
      expect(zstd.errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      expect(recordsOf(zstd).length).toBe(0);
      expect((await plane.fetch('orders', 1, 0, { version })).errorCode).toBe(ErrorCode.NONE);
    }
    const v10 = await plane.fetch('orders', 0, 0, { version: 10 });
    expect(v10.errorCode).toBe(ErrorCode.NONE);
    expect(batchSize(recordsOf(v10))).toBe(recordsOf(v10).length);
  });

  it('answers every version from 4 to 12', async () => {
    await plane.produce('orders', 0, batchOf(2));
    for (let version = 4; version <= 12; version++) {
      const data = await plane.fetch('orders', 0, 0, { version });
      expect(data.errorCode).toBe(ErrorCode.NONE);
      expect(baseOffsets(recordsOf(data))).toEqual([0]);
    }
  });
});
