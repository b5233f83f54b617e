import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { Consumer } from '../../../core/client/consumer/consumer.js';
import type { ConsumerRecord } from '../../../core/client/consumer/types.js';
import { consumeWithRetry, DLQ_HEADERS } from '../../../core/client/dlq.js';
import { consumeUntil, TestWriter } from '../../helpers/consumer-fixtures.js';
import { FAST_GROUP_PROPS, LineProcess, waitUntil } from '../../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';

const WORKER = fileURLToPath(new URL('../../helpers/dlq-worker.ts', import.meta.url));

function header(record: ConsumerRecord, key: string): string | undefined {
  return record.headers.find((h) => h.key === key)?.value?.toString();
}

/** consumeWithRetry: retries with backoff, dead letters with context, at least once across crashes. */
describe('consumeWithRetry and the dead-letter queue', () => {
  let broker: TestBroker;
  let admin: Admin;
  let writer: TestWriter;
  const open: Consumer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    writer = await TestWriter.connect(broker.bootstrap);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await writer.close();
    await admin.close();
    await broker.close();
  });

  function consumer(groupId?: string): Consumer {
    const c = new Consumer({
      bootstrap: broker.bootstrap,
      ...(groupId === undefined ? {} : { groupId }),
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 300,
    });
    open.push(c);
    return c;
  }

  /** Every record of `topic` (all partitions), read without a group. */
  async function readAll(topic: string, count: number): Promise<ConsumerRecord[]> {
    const c = consumer();
    c.assign(await c.partitionsFor(topic));
    const out: ConsumerRecord[] = [];
    await consumeUntil(c, (r) => r.length >= count, out);
    return out;
  }

  it('retries failing records with backoff, then dead-letters them with context headers', async () => {
    await admin.createTopic('orders', 2, 1);
    for (let p = 0; p < 2; p++) {
      await writer.write(
        'orders',
        p,
        Array.from({ length: 50 }, (_, i) => ({
          key: Buffer.from(`key-${p}-${i}`),
          value: Buffer.from(i % 10 === 3 ? `poison-${p}-${i}` : `ok-${p}-${i}`),
          headers: [{ key: 'origin', value: Buffer.from('test') }],
          timestamp: 1_700_000_000_000 + i,
        })),
      );
    }
    const c = consumer('dlq-1');
    c.subscribe(['orders']);
    const attempts = new Map<string, number[]>();
    const stop = new AbortController();
    const started = Date.now();
    let finished = 0;
    const finish = (): void => {
      if (++finished === 100) stop.abort();
    };
    const result = await consumeWithRetry(
      c,
      (record) => {
        const key = `${record.partition}-${record.offset}`;
        attempts.set(key, [...(attempts.get(key) ?? []), Date.now()]);
        if (record.value?.toString().startsWith('poison') === true)
          throw new TypeError(`bad record ${key}`);
        finish();
      },
      {
        maxAttempts: 3,
        backoff: { initialMs: 20, maxMs: 30, multiplier: 2 },
        signal: stop.signal,
        onDeadLetter: finish,
      },
    );
    expect(result).toEqual({ handled: 90, deadLettered: 10 });
    for (const [key, times] of attempts) {
      const poison = Number(key.split('-')[1]) % 10 === 3;
      expect(times).toHaveLength(poison ? 3 : 1);
      if (poison) {
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(19);
        expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(29);
      }
    }
    const committed = await admin.groups.committedOffsets('dlq-1');
    expect(committed.map((o) => o.offset)).toEqual([50, 50]);

    const dead = await readAll('orders.dlq', 10);
    expect(dead).toHaveLength(10);
    for (const r of dead) {
      const [, p, i] = (r.value?.toString() ?? '').split('-');
      expect(r.key?.toString()).toBe(`key-${p}-${i}`);
      expect(r.timestamp).toBe(1_700_000_000_000 + Number(i));
      expect(header(r, 'origin')).toBe('test');
      expect(header(r, DLQ_HEADERS.topic)).toBe('orders');
      expect(header(r, DLQ_HEADERS.partition)).toBe(p);
      expect(header(r, DLQ_HEADERS.offset)).toBe(i);
      expect(header(r, DLQ_HEADERS.exceptionClassName)).toBe('TypeError');
      expect(header(r, DLQ_HEADERS.exceptionMessage)).toBe(`bad record ${p}-${i}`);
      expect(header(r, DLQ_HEADERS.exceptionStacktrace)).toMatch(/^TypeError: bad record/);
      expect(header(r, DLQ_HEADERS.attempts)).toBe('3');
      const at = Number(header(r, DLQ_HEADERS.timestamp));
      expect(at).toBeGreaterThanOrEqual(started);
      expect(at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('loses nothing when the consumer is killed mid-run and restarted', async () => {
    const topic = 'payments';
    await admin.createTopic(topic, 2, 1);
    const perPartition = 1500;
    for (let p = 0; p < 2; p++) {
      for (let start = 0; start < perPartition; start += 500) {
        await writer.write(
          topic,
          p,
          Array.from({ length: 500 }, (_, j) => {
            const i = start + j;
            return { key: null, value: Buffer.from(i % 100 === 7 ? `poison-${i}` : `pay-${i}`) };
          }),
        );
      }
    }
    const worker = (): LineProcess =>
      new LineProcess(process.execPath, [
        '--import',
        'tsx',
        WORKER,
        broker.bootstrap,
        topic,
        'dlq-crash',
      ]);
    const handledLines = (w: LineProcess): string[] =>
      w.lines.filter((l) => l.startsWith('handled '));
    const first = worker();
    await waitUntil(
      'the first worker handled 600 records',
      () => handledLines(first).length >= 600,
      {
        timeoutMs: 60_000,
      },
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const second = worker();
    const poisonCount = (2 * perPartition) / 100;
    const expected = 2 * perPartition - poisonCount;
    const handled = (): Set<string> =>
      new Set([...handledLines(first), ...handledLines(second)].map((l) => l.slice(8)));
    await waitUntil(`all ${expected} good records handled`, () => handled().size >= expected, {
      timeoutMs: 90_000,
    });
    const dead = await readAll(`${topic}.dlq`, poisonCount);
    await second.stop('SIGTERM');
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < perPartition; i++) {
        if (i % 100 === 7) {
          const found = dead.some(
            (r) =>
              header(r, DLQ_HEADERS.partition) === `${p}` &&
              header(r, DLQ_HEADERS.offset) === `${i}`,
          );
          expect(found, `poison ${p}-${i} dead-lettered`).toBe(true);
        } else expect(handled().has(`${p} ${i}`), `${p}-${i} handled`).toBe(true);
      }
    }
    // At least once: the second run starts at the first one's last commit, not at the beginning.
    expect(handledLines(second).length).toBeLessThan(expected);
  });
});
