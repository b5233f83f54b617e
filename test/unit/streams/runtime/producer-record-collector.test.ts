import { describe, expect, it, vi } from 'vitest';

import type { ProducerRecord, RecordMetadata } from '../../../../core/index.js';
import type { ErrorContext, ErrorResponse } from '../../../../streams/runtime/error-handling.js';
import { ProducerRecordCollector } from '../../../../streams/runtime/producer-record-collector.js';
import type { OutgoingRecord } from '../../../../streams/runtime/record-collector.js';

/** A producer whose sends settle when the test says so. */
class FakeProducer {
  readonly sent: { record: ProducerRecord; ack: () => void; fail: (e: Error) => void }[] = [];

  send(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => {
      this.sent.push({
        record,
        ack: () => {
          resolve({ topic: record.topic, partition: 0, offset: 0, timestamp: 0 });
        },
        fail: reject,
      });
    });
  }
}

function out(topic: string, value = 'v', extra: Partial<OutgoingRecord> = {}): OutgoingRecord {
  return { topic, key: null, value: Buffer.from(value), headers: {}, timestamp: 5, ...extra };
}

/** Lets settled promises run their callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(handle: (ctx: ErrorContext) => ErrorResponse = () => 'continue', dlq?: string) {
  const producer = new FakeProducer();
  const fatal: Error[] = [];
  const contexts: ErrorContext[] = [];
  const collector: ProducerRecordCollector = new ProducerRecordCollector({
    producer,
    errors: () => ({
      handle: (ctx) => {
        contexts.push(ctx);
        return handle(ctx);
      },
    }),
    onFatal: (e) => fatal.push(e),
    deadLetterTopic: dlq,
  });
  return { producer, fatal, contexts, collector };
}

describe('ProducerRecordCollector', () => {
  it('tells a record its offset once acknowledged, and not when its send failed', async () => {
    const { producer, collector } = setup();
    const offsets: number[] = [];
    collector.send(out('t', 'a', { onDelivered: (o) => offsets.push(o) }), undefined);
    collector.send(out('t', 'b', { onDelivered: (o) => offsets.push(o + 100) }), undefined);
    producer.sent[0]?.ack();
    producer.sent[1]?.fail(new Error('NOT_LEADER'));
    await collector.flush();
    expect(offsets).toEqual([0]);
    expect(producer.sent[0]?.record).not.toHaveProperty('onDelivered');
  });

  it("sends a sink partitioner's choice, looking the partition count up once per topic", async () => {
    const producer = new FakeProducer();
    const lookups: string[] = [];
    const collector = new ProducerRecordCollector({
      producer,
      errors: () => ({ handle: () => 'fail' }),
      onFatal: () => undefined,
      partitionCount: (topic) => {
        lookups.push(topic);
        return Promise.resolve(6);
      },
    });
    const lastPartition = (count: number): number => count - 1;
    collector.send(out('t', 'a', { partitioner: lastPartition }), undefined);
    collector.send(out('t', 'b', { partitioner: lastPartition }), undefined);
    collector.send(out('t', 'c', { partitioner: () => undefined }), undefined);
    await settle();
    collector.send(out('t', 'd', { partitioner: lastPartition }), undefined);
    expect(lookups).toEqual(['t']);
    expect(producer.sent.map((s) => [s.record.value?.toString(), s.record.partition])).toEqual([
      ['a', 5],
      ['b', 5],
      ['c', undefined],
      ['d', 5],
    ]);
  });

  it('fails a partitioned record when no partition count can be looked up', async () => {
    const { producer, contexts, collector } = setup();
    collector.send(out('t', 'a', { partitioner: () => 0 }), undefined);
    await settle();
    expect(producer.sent).toHaveLength(0);
    expect(contexts.map((c) => c.stage)).toEqual(['production']);
  });

  it('counts records pending until the broker acknowledges them', async () => {
    const { producer, collector } = setup();
    collector.send(out('a'), undefined);
    collector.forTask('0_1').send(out('b'), undefined);
    expect(collector.pending).toBe(2);
    producer.sent[0]?.ack();
    await settle();
    expect(collector.pending).toBe(1);
    producer.sent[1]?.ack();
    await settle();
    expect(collector.pending).toBe(0);
    expect(collector.stats).toEqual({ sent: 2, acknowledged: 2, failed: 0 });
  });

  it('flush waits for the records sent before it, not for those sent while it waits', async () => {
    const { producer, collector } = setup();
    collector.send(out('a'), undefined);
    const flushed = vi.fn();
    void collector.flush().then(flushed);
    collector.send(out('b'), undefined);
    await settle();
    expect(flushed).not.toHaveBeenCalled();
    producer.sent[0]?.ack();
    await settle();
    expect(flushed).toHaveBeenCalled();
    expect(collector.pending).toBe(1);
    const second = vi.fn();
    void collector.flush().then(second);
    await settle();
    expect(second).not.toHaveBeenCalled();
    producer.sent[1]?.ack();
    await settle();
    expect(second).toHaveBeenCalled();
  });

  it('resolves flush at once when nothing is pending', async () => {
    const { collector } = setup();
    await expect(collector.flush()).resolves.toBeUndefined();
  });

  it('hands a failed send to the production handler with its bytes, source and task', async () => {
    const { producer, collector, contexts, fatal } = setup(() => 'continue');
    const source = { topic: 'in', partition: 2, offset: 7 };
    collector.forTask('0_2').send(out('out', 'bytes'), source);
    const flushed = collector.flush();
    producer.sent[0]?.fail(new Error('NOT_LEADER'));
    await flushed;
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      stage: 'production',
      taskId: '0_2',
      source,
      output: { topic: 'out', key: null, value: Buffer.from('bytes') },
    });
    expect(contexts[0]?.error.message).toBe('NOT_LEADER');
    expect(fatal).toEqual([]);
    expect(collector.stats).toEqual({ sent: 1, acknowledged: 0, failed: 1 });
    expect(collector.pending).toBe(0);
  });

  it("reports a failure the handler answers 'fail' for as fatal", async () => {
    const { producer, collector, fatal } = setup(() => 'fail');
    collector.send(out('out'), undefined);
    producer.sent[0]?.fail(new Error('boom'));
    await collector.flush();
    expect(fatal[0]?.message).toMatch(/producing to out failed: boom/);
  });

  it('makes a flush wait for a dead letter written while handling a failure', async () => {
    const { producer, collector } = setup((ctx) => {
      collector.send(out('dlq', 'dead'), ctx.source);
      return 'continue';
    }, 'dlq');
    collector.send(out('out'), { topic: 'in', partition: 0, offset: 1 });
    const flushed = vi.fn();
    void collector.flush().then(flushed);
    producer.sent[0]?.fail(new Error('x'));
    await settle();
    expect(producer.sent[1]?.record.topic).toBe('dlq');
    expect(flushed).not.toHaveBeenCalled();
    producer.sent[1]?.ack();
    await settle();
    expect(flushed).toHaveBeenCalled();
  });

  it('treats a failed dead letter as fatal without handling it again', async () => {
    const { producer, collector, contexts, fatal } = setup(() => 'continue', 'dlq');
    collector.send(out('dlq'), undefined);
    producer.sent[0]?.fail(new Error('down'));
    await collector.flush();
    expect(contexts).toEqual([]);
    expect(fatal[0]?.message).toMatch(/dead letter to dlq failed/);
  });

  it('treats a throwing handler as fatal', async () => {
    const { producer, collector, fatal } = setup(() => {
      throw new Error('handler bug');
    });
    collector.send(out('out'), undefined);
    producer.sent[0]?.fail(new Error('x'));
    await collector.flush();
    expect(fatal[0]?.message).toBe('handler bug');
  });

  it('waitForRoom resolves once pending falls to the limit', async () => {
    const { producer, collector } = setup();
    for (let i = 0; i < 4; i++) collector.send(out('a'), undefined);
    const room = vi.fn();
    void collector.waitForRoom(2).then(room);
    producer.sent[0]?.ack();
    await settle();
    expect(room).not.toHaveBeenCalled();
    producer.sent[1]?.ack();
    await settle();
    expect(room).toHaveBeenCalled();
    await expect(collector.waitForRoom(5)).resolves.toBeUndefined();
  });

  it('passes partition, headers and timestamp to the producer, omitting empty headers', () => {
    const { producer, collector } = setup();
    collector.send(out('a', 'v', { partition: 3, headers: { h: 'x' } }), undefined);
    collector.send(out('b'), undefined);
    expect(producer.sent[0]?.record).toMatchObject({
      topic: 'a',
      partition: 3,
      headers: { h: 'x' },
      timestamp: 5,
    });
    expect(producer.sent[1]?.record).not.toHaveProperty('headers');
    expect(producer.sent[1]?.record).not.toHaveProperty('partition');
  });
});
