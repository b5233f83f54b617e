import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { listOffsetsHandler } from '../../../core/broker/handlers/list-offsets.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type {
  ListOffsetsPartitionResponse,
  ListOffsetsTopic,
} from '../../../core/protocol/messages/index.js';
import { encodeRecordBatch } from '../../../core/protocol/records/record-batch.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, T0, answered, batchOf } from '../../helpers/data-plane.js';

const LATEST = -1;
const EARLIEST = -2;

describe('ListOffsets', () => {
  let plane: DataPlane;

  beforeEach(async () => {
    plane = new DataPlane();
    plane.createTopic('orders', 2);
    // Offsets 0-2 at T0..T0+2, then 3-5 at T0+100..T0+102.
    await plane.produce('orders', 0, batchOf(3));
    await plane.produce(
      'orders',
      0,
      encodeRecordBatch(
        [0, 1, 2].map((i) => ({
          key: null,
          value: Buffer.from(`late${i}`),
          timestamp: T0 + 100 + i,
        })),
      ),
    );
  });
  afterEach(async () => {
    await plane.close();
  });

  async function list(
    topics: ListOffsetsTopic[],
    version = 5,
  ): Promise<ListOffsetsPartitionResponse[][]> {
    const response = answered(
      await plane.call(listOffsetsHandler, ApiKey.LIST_OFFSETS, version, {
        replicaId: -1,
        isolationLevel: 0,
        topics,
      }),
    );
    expect(response.throttleTimeMs ?? 0).toBe(0);
    return response.topics.map((t) => [...t.partitions]);
  }

  async function one(timestamp: number, version = 5): Promise<ListOffsetsPartitionResponse> {
    const [[answer]] = (await list(
      [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp }] }],
      version,
    )) as [[ListOffsetsPartitionResponse]];
    return answer;
  }

  it('answers -1 with the high watermark and -2 with the log start', async () => {
    expect(await one(LATEST)).toEqual({
      partitionIndex: 0,
      errorCode: 0,
      timestamp: -1,
      offset: 6,
      leaderEpoch: 0,
    });
    expect(await one(EARLIEST)).toMatchObject({ errorCode: 0, offset: 0, timestamp: -1 });
  });

  it('moves the earliest offset with DeleteRecords', async () => {
    plane.registry.get('orders', 0)!.deleteRecordsBefore(4);
    expect((await one(EARLIEST)).offset).toBe(4);
  });

  it('finds the first offset whose timestamp is at least the one asked for', async () => {
    expect(await one(T0)).toMatchObject({ errorCode: 0, offset: 0, timestamp: T0 });
    expect(await one(T0 + 1)).toMatchObject({ offset: 1, timestamp: T0 + 1 });
    expect(await one(T0 + 50)).toMatchObject({ offset: 3, timestamp: T0 + 100 });
    expect(await one(T0 + 102)).toMatchObject({ offset: 5, timestamp: T0 + 102 });
    expect(await one(0)).toMatchObject({ offset: 0, timestamp: T0 });
  });

  it('answers offset -1 and timestamp -1 when every record is older', async () => {
    expect(await one(T0 + 103)).toEqual({
      partitionIndex: 0,
      errorCode: 0,
      timestamp: -1,
      offset: -1,
      leaderEpoch: -1,
    });
  });

  it('answers an empty partition with offset 0 for both ends and -1 by time', async () => {
    const [[latest, earliest, byTime]] = (await list([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 1, timestamp: LATEST },
          { partitionIndex: 1, timestamp: EARLIEST },
          { partitionIndex: 1, timestamp: T0 },
        ],
      },
    ])) as [ListOffsetsPartitionResponse[]];
    // A partition named three times is a malformed request, answered INVALID_REQUEST each time.
    for (const answer of [latest, earliest, byTime])
      expect(answer!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const [[only]] = (await list([
      { name: 'orders', partitions: [{ partitionIndex: 1, timestamp: LATEST }] },
    ])) as [[ListOffsetsPartitionResponse]];
    expect(only).toMatchObject({ errorCode: 0, offset: 0, leaderEpoch: -1 });
  });

  it('answers unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const answers = await list([
      { name: 'missing', partitions: [{ partitionIndex: 0, timestamp: LATEST }] },
      { name: 'orders', partitions: [{ partitionIndex: 7, timestamp: LATEST }] },
    ]);
    expect(answers.flat().map((a) => [a.errorCode, a.offset, a.timestamp])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1],
    ]);
  });

  it.each([1, 2, 3, 4, 5])('answers v%i, with a leader epoch from v4', async (version) => {
    const answer = await one(LATEST, version);
    expect(answer.offset).toBe(6);
    expect(answer.leaderEpoch).toBe(version >= 4 ? 0 : -1);
  });
});
