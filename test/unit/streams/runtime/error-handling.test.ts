import { describe, expect, it } from 'vitest';

import type { Logger } from '../../../../core/index.js';
import {
  DLQ_ERROR_HEADERS,
  SerdeError,
  Serdes,
  StreamsBuilder,
  StreamsError,
  TestDriver,
  type ErrorContext,
  type TestDriverOptions,
} from '../../../../streams/index.js';

interface Order {
  readonly id: string;
  readonly amount: number;
}

const s = Serdes.string();
const bytes = Serdes.nullable(Serdes.bytes());
const orders = Serdes.json<Order>();

function recordingLogger(): {
  logger: Logger;
  lines: { level: string; fields: object; msg: string }[];
} {
  const lines: { level: string; fields: object; msg: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, msg: string): void => {
      lines.push({ level, fields, msg });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, lines };
}

function pipeline(options: TestDriverOptions) {
  const b = new StreamsBuilder();
  b.stream('orders', { key: s, value: orders })
    .mapValues((o) => {
      if (o.amount < 0) throw new RangeError(`negative amount in ${o.id}`);
      return { ...o, amount: o.amount * 100 };
    })
    .to('orders-clean');
  const driver = new TestDriver(b.build(), { partitions: 2, ...options });
  return {
    driver,
    raw: driver.createInputTopic('orders', s, Serdes.string()),
    typed: driver.createInputTopic('orders', s, orders),
    out: driver.createOutputTopic('orders-clean', s, orders),
    dlq: driver.createOutputTopic('orders-dlq', bytes, bytes),
  };
}

describe('deserialization errors', () => {
  it('writes a poison record to the DLQ with its raw bytes, headers and context headers', () => {
    const { driver, raw, typed, out, dlq } = pipeline({
      errors: { deserialization: 'log-and-continue', deadLetterQueueTopic: 'orders-dlq' },
    });
    raw.pipeInput('bad', '{not json', { timestamp: 77, headers: { trace: 't-9' }, partition: 1 });
    typed.pipeInput('good', { id: 'good', amount: 1 });
    expect(out.readKeyValuesToList()).toEqual([['good', { id: 'good', amount: 100 }]]);
    const dead = dlq.readRecord();
    expect(dead.key).toEqual(Buffer.from('bad'));
    expect(dead.value).toEqual(Buffer.from('{not json'));
    expect(dead.timestamp).toBe(77);
    const h = dead.headers;
    expect(h.trace).toEqual(Buffer.from('t-9'));
    expect(h[DLQ_ERROR_HEADERS.exception]?.toString()).toBe('SerdeError');
    expect(h[DLQ_ERROR_HEADERS.message]?.toString()).toMatch(/json, topic 'orders' \(value\)/);
    expect(h[DLQ_ERROR_HEADERS.stacktrace]?.toString()).toMatch(/^SerdeError: /);
    expect(h[DLQ_ERROR_HEADERS.topic]?.toString()).toBe('orders');
    expect(h[DLQ_ERROR_HEADERS.partition]?.toString()).toBe('1');
    expect(h[DLQ_ERROR_HEADERS.offset]?.toString()).toBe('0');
    expect(dlq.isEmpty()).toBe(true);
    expect(driver.errorCounters).toEqual({
      deserialization: 1,
      processing: 0,
      production: 0,
      deadLettered: 1,
    });
  });

  it('fails by default: process throws a StreamsError and the task stays dead', () => {
    const { raw, typed, dlq } = pipeline({ errors: { deadLetterQueueTopic: 'orders-dlq' } });
    let error: unknown;
    try {
      raw.pipeInput('bad', 'nope', { partition: 0 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StreamsError);
    expect(error).toMatchObject({ stage: 'deserialization', taskId: '0_0' });
    expect((error as StreamsError).cause).toBeInstanceOf(SerdeError);
    // the DLQ record is written before the task fails (KIP-1034)
    expect(dlq.queueSize()).toBe(1);
    expect(() => {
      typed.pipeInput('x', { id: 'x', amount: 1 }, { partition: 0 });
    }).toThrow(StreamsError);
    // another task is unaffected
    expect(() => {
      typed.pipeInput('x', { id: 'x', amount: 1 }, { partition: 1 });
    }).not.toThrow();
  });

  it('log-and-continue logs each skipped record with task and position, and counts it', () => {
    const { logger, lines } = recordingLogger();
    const { driver, raw, out } = pipeline({
      logger,
      errors: { deserialization: 'log-and-continue' },
    });
    raw.pipeInput('a', '{', { partition: 1 });
    raw.pipeInput('b', '}', { partition: 1 });
    expect(out.isEmpty()).toBe(true);
    expect(driver.errorCounters.deserialization).toBe(2);
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(2);
    expect(warns[1]?.fields).toMatchObject({
      stage: 'deserialization',
      task: '0_1',
      topic: 'orders',
      partition: 1,
      offset: 1,
    });
  });

  it('treats a negative event time as a deserialization error', () => {
    const contexts: ErrorContext[] = [];
    const { driver, typed, out } = pipeline({
      errors: {
        deserialization: (ctx) => {
          contexts.push(ctx);
          return 'continue';
        },
      },
    });
    typed.pipeInput('a', { id: 'a', amount: 1 }, { timestamp: -1 });
    expect(out.isEmpty()).toBe(true);
    expect(contexts[0]?.error.message).toMatch(/invalid timestamp -1/);
    expect(driver.errorCounters.deserialization).toBe(1);
  });
});

describe('processing errors', () => {
  it('sends an exception in mapValues to the handler with the node and the raw input', () => {
    const contexts: ErrorContext[] = [];
    const { driver, typed, out, dlq } = pipeline({
      errors: {
        processing: (ctx) => {
          contexts.push(ctx);
          return 'continue';
        },
        deadLetterQueueTopic: 'orders-dlq',
      },
    });
    typed.pipeInput('neg', { id: 'neg', amount: -1 }, { partition: 0 });
    typed.pipeInput('pos', { id: 'pos', amount: 2 }, { partition: 0 });
    expect(out.readValuesToList()).toEqual([{ id: 'pos', amount: 200 }]);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      stage: 'processing',
      nodeName: 'KSTREAM-MAPVALUES-0000000001',
      taskId: '0_0',
      input: { topic: 'orders', partition: 0, offset: 0 },
    });
    expect(contexts[0]?.error).toBeInstanceOf(RangeError);
    const dead = dlq.readRecord();
    expect(JSON.parse(dead.value?.toString() ?? '')).toEqual({ id: 'neg', amount: -1 });
    expect(dead.headers[DLQ_ERROR_HEADERS.exception]?.toString()).toBe('RangeError');
    expect(driver.errorCounters.processing).toBe(1);
  });

  it('fails by default with the node in the error', () => {
    const { typed } = pipeline({});
    expect(() => {
      typed.pipeInput('neg', { id: 'neg', amount: -1 });
    }).toThrow(/processing error at KSTREAM-MAPVALUES-0000000001: negative amount in neg/);
  });

  it('sends an exception of a punctuator to the processing handler', () => {
    const contexts: ErrorContext[] = [];
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: s }).process(() => ({
      init: (ctx) => {
        ctx.schedule(100, 'wall-clock', () => {
          throw new Error('tick failed');
        });
      },
      process: () => undefined,
    }));
    const driver = new TestDriver(b.build(), {
      errors: { processing: (ctx) => (contexts.push(ctx), 'continue') },
    });
    driver.advanceWallClockTime(100);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      stage: 'processing',
      nodeName: 'KSTREAM-PROCESSOR-0000000001',
    });
    expect(contexts[0]?.input).toBeUndefined();
  });
});

describe('production errors', () => {
  it('sends a serialization failure at a sink to the production handler, DLQ with the input bytes', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: Serdes.json<number>() }).to('out', { value: Serdes.int32() });
    const contexts: ErrorContext[] = [];
    const driver = new TestDriver(b.build(), {
      errors: {
        production: (ctx) => (contexts.push(ctx), 'continue'),
        deadLetterQueueTopic: 'dlq',
      },
    });
    const input = driver.createInputTopic('in', s, Serdes.json<number>());
    input.pipeInput('frac', 1.5);
    input.pipeInput('int', 2);
    expect(driver.createOutputTopic('out', s, Serdes.int32()).readKeyValuesToList()).toEqual([
      ['int', 2],
    ]);
    expect(contexts[0]).toMatchObject({ stage: 'production', nodeName: 'KSTREAM-SINK-0000000001' });
    expect(contexts[0]?.error).toBeInstanceOf(SerdeError);
    expect(contexts[0]?.error.message).toMatch(/\(value\)/);
    const dead = driver.createOutputTopic('dlq', bytes, bytes).readRecord();
    expect(dead.value?.toString()).toBe('1.5');
    expect(driver.errorCounters).toMatchObject({ production: 1, deadLettered: 1 });
  });

  it('fails by default', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: s, value: Serdes.json<number>() }).to('out', { value: Serdes.int32() });
    const driver = new TestDriver(b.build());
    expect(() => {
      driver.createInputTopic('in', s, Serdes.json<number>()).pipeInput('frac', 1.5);
    }).toThrow(
      expect.objectContaining({
        stage: 'production',
        nodeName: 'KSTREAM-SINK-0000000001',
      }) as Error,
    );
  });
});
