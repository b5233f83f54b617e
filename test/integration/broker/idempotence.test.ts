import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { initProducerIdHandler } from '../../../core/broker/handlers/init-producer-id.js';
import { PRODUCER_STATE_FILE } from '../../../core/broker/local-partition.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { DataPlane, answered, batchOf, recordsOf } from '../../helpers/data-plane.js';
import { decodeAll } from '../../helpers/log-records.js';

/** A batch of `count` records from producer `producerId` at `epoch`, starting at `sequence`. */
function idempotent(producerId: number, epoch: number, sequence: number, count = 2): Buffer {
  return batchOf(
    count,
    { producerId, producerEpoch: epoch, baseSequence: sequence },
    `p${producerId}e${epoch}s${sequence}-`,
  );
}

describe('idempotent produce', () => {
  let plane: DataPlane;

  beforeEach(() => {
    plane = new DataPlane();
    plane.createTopic('orders', 1);
  });
  afterEach(async () => {
    await plane.close();
  });

  async function send(batch: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
    const { errorCode, baseOffset } = await plane.produce('orders', 0, batch);
    return { errorCode, baseOffset };
  }

  function logEnd(): number {
    return plane.registry.get('orders', 0)!.log.logEndOffset;
  }

  async function producerId(): Promise<number> {
    const response = answered(
      await plane.call(initProducerIdHandler, ApiKey.INIT_PRODUCER_ID, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1,
        producerEpoch: -1,
      }),
    );
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.producerEpoch).toBe(0);
    return response.producerId;
  }

  it('answers a retried batch with its original offset and does not append it again', async () => {
    const pid = await producerId();
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await send(idempotent(pid, 0, 2))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await send(idempotent(pid, 0, 2))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(logEnd()).toBe(4);
    const values = decodeAll(recordsOf(await plane.fetch('orders', 0, 0))).map((r) => r.value);
    expect(values).toEqual([`p${pid}e0s0-0`, `p${pid}e0s0-1`, `p${pid}e0s2-0`, `p${pid}e0s2-1`]);
  });

  it('recognises any of the last five batches, and answers an older retry with 45', async () => {
    const pid = await producerId();
    for (let i = 0; i < 6; i++) await send(idempotent(pid, 0, i * 2));
    for (let i = 1; i < 6; i++)
      expect(await send(idempotent(pid, 0, i * 2))).toEqual({ errorCode: 0, baseOffset: i * 2 });
    expect((await send(idempotent(pid, 0, 0))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(logEnd()).toBe(12);
  });

  it('answers a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and appends nothing', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    expect(await send(idempotent(pid, 0, 5))).toEqual({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      baseOffset: -1,
    });
    expect(logEnd()).toBe(2);
    expect((await send(idempotent(pid, 0, 2))).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers a stale epoch with INVALID_PRODUCER_EPOCH', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 1, 0));
    expect(await send(idempotent(pid, 0, 2))).toEqual({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
      baseOffset: -1,
    });
    expect(logEnd()).toBe(2);
  });

  it('takes an epoch bump only at sequence 0', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await send(idempotent(pid, 0, 2));
    expect((await send(idempotent(pid, 1, 4))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(await send(idempotent(pid, 1, 0))).toEqual({ errorCode: 0, baseOffset: 4 });
    expect((await send(idempotent(pid, 0, 4))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('accepts any first sequence from a producer it has no state for', async () => {
    expect(await send(idempotent(9001, 3, 777))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect((await send(idempotent(9001, 3, 779))).errorCode).toBe(ErrorCode.NONE);
  });

  it('keeps producers apart', async () => {
    const a = await producerId();
    const b = await producerId();
    expect(a).not.toBe(b);
    await send(idempotent(a, 0, 0));
    expect(await send(idempotent(b, 0, 0))).toEqual({ errorCode: 0, baseOffset: 2 });
  });

  it('keeps producer state across a clean restart', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await send(idempotent(pid, 0, 2));
    await plane.restart();
    expect(fs.existsSync(path.join(plane.dir, 'orders-0', PRODUCER_STATE_FILE))).toBe(true);
    expect(await send(idempotent(pid, 0, 2))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect((await send(idempotent(pid, 0, 9))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(await send(idempotent(pid, 0, 4))).toEqual({ errorCode: 0, baseOffset: 4 });
    expect(logEnd()).toBe(6);
  });

  it('rebuilds producer state from the log after a crash', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await send(idempotent(pid, 0, 2));
    plane.crash();
    expect(fs.existsSync(path.join(plane.dir, 'orders-0', PRODUCER_STATE_FILE))).toBe(false);
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect((await send(idempotent(pid, 0, 6))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(logEnd()).toBe(4);
  });

  it('combines the snapshot with a scan of what was appended after it', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await plane.restart(); // snapshot at offset 2
    await send(batchOf(3)); // a plain producer in between
    await send(idempotent(pid, 0, 2));
    const other = await producerId();
    await send(idempotent(other, 0, 0));
    plane.crash(); // no new snapshot: the scan must find offsets 2..8
    const handle = plane.registry.get('orders', 0);
    expect(handle).toBeUndefined(); // opened lazily by the next request
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await send(idempotent(pid, 0, 2))).toEqual({ errorCode: 0, baseOffset: 5 });
    expect(await send(idempotent(other, 0, 0))).toEqual({ errorCode: 0, baseOffset: 7 });
    expect((await send(idempotent(other, 0, 4))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect(logEnd()).toBe(9);
  });

  it('ignores a snapshot that claims more than the log holds and rescans', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await plane.restart();
    const file = path.join(plane.dir, 'orders-0', PRODUCER_STATE_FILE);
    await plane.registry.close();
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as { offset: number };
    fs.writeFileSync(file, JSON.stringify({ ...snapshot, offset: 1000, producers: [] }));
    await plane.restart();
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(logEnd()).toBe(2);
  });

  it('rescans when the snapshot is unreadable', async () => {
    const pid = await producerId();
    await send(idempotent(pid, 0, 0));
    await plane.restart();
    await plane.registry.close();
    fs.writeFileSync(path.join(plane.dir, 'orders-0', PRODUCER_STATE_FILE), '{"version":');
    await plane.restart();
    expect(await send(idempotent(pid, 0, 0))).toEqual({ errorCode: 0, baseOffset: 0 });
  });
});

describe('InitProducerId', () => {
  let plane: DataPlane;

  beforeEach(() => {
    plane = new DataPlane();
  });
  afterEach(async () => {
    await plane.close();
  });

  it.each([0, 1, 2, 3, 4])(
    'hands out a fresh producer id with epoch 0 at v%i, ignoring what is sent',
    async (version) => {
      const ids = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const response = answered(
          await plane.call(initProducerIdHandler, ApiKey.INIT_PRODUCER_ID, version, {
            transactionalId: null,
            transactionTimeoutMs: 5000,
            // platformatic sends 0/0 (KIP-360 fields, v3+); the broker ignores them.
            ...(version >= 3 ? { producerId: 0, producerEpoch: 0 } : {}),
          }),
        );
        expect(response).toMatchObject({ throttleTimeMs: 0, errorCode: 0, producerEpoch: 0 });
        expect(response.producerId).toBeGreaterThanOrEqual(0);
        ids.add(response.producerId);
      }
      expect(ids.size).toBe(3);
    },
  );

  it('never reuses an id after a restart', async () => {
    const first = answered(
      await plane.call(initProducerIdHandler, ApiKey.INIT_PRODUCER_ID, 1, {
        transactionalId: null,
        transactionTimeoutMs: 5000,
      }),
    ).producerId;
    await plane.restart();
    const second = answered(
      await plane.call(initProducerIdHandler, ApiKey.INIT_PRODUCER_ID, 1, {
        transactionalId: null,
        transactionTimeoutMs: 5000,
      }),
    ).producerId;
    expect(second).toBeGreaterThan(first);
  });

  it('refuses transactional ids with INVALID_REQUEST: fjord has no transactions', async () => {
    for (const transactionalId of ['txn-1', '']) {
      const response = answered(
        await plane.call(initProducerIdHandler, ApiKey.INIT_PRODUCER_ID, 4, {
          transactionalId,
          transactionTimeoutMs: 5000,
          producerId: -1,
          producerEpoch: -1,
        }),
      );
      expect(response).toEqual({
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_REQUEST,
        producerId: -1,
        producerEpoch: -1,
      });
    }
  });
});
