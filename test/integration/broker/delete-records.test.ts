import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { deleteRecordsHandler } from '../../../core/broker/handlers/delete-records.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { DeleteRecordsPartitionResult } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, answered, batchOf, recordsOf } from '../../helpers/data-plane.js';
import { decodeAll } from '../../helpers/log-records.js';

describe('DeleteRecords', () => {
  let plane: DataPlane;

  beforeEach(async () => {
    // Small segments, so deleting records also removes whole segments.
    plane = new DataPlane({ 'log.segment.bytes': '150' });
    plane.createTopic('orders', 1);
    plane.createTopic('changelog', 1, { 'cleanup.policy': 'compact' });
    for (let i = 0; i < 6; i++) await plane.produce('orders', 0, batchOf(2, {}, `b${i}-`));
  });
  afterEach(async () => {
    await plane.close();
  });

  async function deleteBefore(
    topic: string,
    offset: number,
    version = 2,
  ): Promise<DeleteRecordsPartitionResult> {
    const response = answered(
      await plane.call(deleteRecordsHandler, ApiKey.DELETE_RECORDS, version, {
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset }] }],
        timeoutMs: 1000,
      }),
    );
    expect(response.throttleTimeMs).toBe(0);
    return response.topics[0]!.partitions[0]!;
  }

  it('moves the low watermark, removes segments below it and hides the records', async () => {
    const log = plane.registry.get('orders', 0)!.log;
    const segmentsBefore = log.segmentCount;
    expect(segmentsBefore).toBeGreaterThan(2);
    expect(await deleteBefore('orders', 7)).toEqual({
      partitionIndex: 0,
      lowWatermark: 7,
      errorCode: 0,
    });
    expect(log.segmentCount).toBeLessThan(segmentsBefore);
    expect((await plane.fetch('orders', 0, 6)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const data = await plane.fetch('orders', 0, 7);
    expect(data.logStartOffset).toBe(7);
    expect(decodeAll(recordsOf(data)).find((r) => r.offset >= 7)?.value).toBe('b3-1');
  });

  it('treats -1 as the high watermark', async () => {
    expect(await deleteBefore('orders', -1)).toMatchObject({ lowWatermark: 12, errorCode: 0 });
    expect(recordsOf(await plane.fetch('orders', 0, 12)).length).toBe(0);
  });

  it('keeps the low watermark when asked for an offset below it', async () => {
    await deleteBefore('orders', 5);
    expect(await deleteBefore('orders', 2)).toMatchObject({ lowWatermark: 5, errorCode: 0 });
  });

  it('refuses offsets past the high watermark with OFFSET_OUT_OF_RANGE', async () => {
    for (const offset of [13, -5]) {
      expect(await deleteBefore('orders', offset)).toEqual({
        partitionIndex: 0,
        lowWatermark: -1,
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      });
    }
    expect(plane.registry.get('orders', 0)!.log.logStartOffset).toBe(0);
  });

  it('refuses compacted topics with POLICY_VIOLATION, as Apache', async () => {
    expect((await deleteBefore('changelog', 0)).errorCode).toBe(ErrorCode.POLICY_VIOLATION);
  });

  it('answers unknown topics with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await deleteBefore('missing', 0)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it.each([0, 1, 2])('answers v%i', async (version) => {
    expect(await deleteBefore('orders', 2, version)).toMatchObject({ lowWatermark: 2 });
  });

  it('keeps the new low watermark across a restart', async () => {
    await deleteBefore('orders', 9);
    await plane.restart();
    expect((await plane.fetch('orders', 0, 8)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await plane.fetch('orders', 0, 9)).logStartOffset).toBe(9);
  });
});
