import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ManualClock, type Admin, type Producer } from '../../../core/index.js';
import { StreamsBuilder } from '../../../streams/dsl/streams-builder.js';
import type { ProcessorContext } from '../../../streams/runtime/processor.js';
import { DLQ_ERROR_HEADERS } from '../../../streams/runtime/default-error-handling.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import type { StreamsConfig } from '../../../streams/runtime/streams-config.js';
import type { StreamsState } from '../../../streams/runtime/streams-state.js';
import { Serdes } from '../../../streams/serde/index.js';
import { waitUntil } from '../../helpers/groups.js';
import { sendOrders, StreamsCluster, type TopicReader } from '../../helpers/streams-harness.js';
import {
  cleanerKeeps,
  cleanerTopology,
  rekeyTopology,
  type Order,
  type TaggedWord,
} from '../../helpers/streams-pipelines.js';

/** StreamsApp in this process against an embedded broker. */
describe('StreamsApp', () => {
  let cluster: StreamsCluster;
  let admin: Admin;
  let producer: Producer;
  const apps: StreamsApp[] = [];

  beforeAll(async () => {
    cluster = await StreamsCluster.start();
    ({ admin, producer } = cluster);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await cluster.closeReaders();
  });
  afterAll(() => cluster.close());

  function app(
    topology: ConstructorParameters<typeof StreamsApp>[0],
    config: Partial<StreamsConfig> & { 'application.id': string },
  ): StreamsApp {
    const a = new StreamsApp(
      topology,
      {
        'bootstrap.servers': cluster.bootstrap,
        'commit.interval.ms': 200,
        'consumer.fetch.max.wait.ms': 50,
        ...config,
      },
      { handleSignals: false },
    );
    apps.push(a);
    return a;
  }

  function reader(topic: string): Promise<TopicReader> {
    return cluster.reader(topic);
  }

  function running(a: StreamsApp): Promise<true> {
    return waitUntil(`app ${a.state} to run`, () => {
      if (a.state === 'ERROR') throw a.error ?? new Error('ERROR');
      return a.state === 'RUNNING' || undefined;
    });
  }

  it('reports CREATED → REBALANCING → RUNNING → PENDING_SHUTDOWN → NOT_RUNNING to listeners', async () => {
    await admin.createTopic('states-in', 2, 1);
    await admin.createTopic('states-out', 2, 1);
    const a = app(cleanerTopology('states-in', 'states-out'), { 'application.id': 'states' });
    const seen: [StreamsState, StreamsState][] = [];
    a.onStateChange((next, previous) => seen.push([previous, next]));
    expect(a.state).toBe('CREATED');
    await a.start();
    await running(a);
    await sendOrders(producer, 'states-in', 0, 30);
    const out = await reader('states-out');
    await out.until('20 records', (r) => r.records.length === 20);
    expect(await a.close({ timeoutMs: 10_000 })).toBe(true);
    expect(seen).toEqual([
      ['CREATED', 'REBALANCING'],
      ['REBALANCING', 'RUNNING'],
      ['RUNNING', 'PENDING_SHUTDOWN'],
      ['PENDING_SHUTDOWN', 'NOT_RUNNING'],
    ]);
    expect(a.metrics).toMatchObject({
      recordsProcessed: 30,
      recordsProduced: 20,
      recordsPending: 0,
      recordsCommitted: 30,
      errors: { deserialization: 0, processing: 0, production: 0 },
      activeTasks: 0,
    });
    expect(a.metrics.commits).toBeGreaterThan(0);
  });

  it('goes RUNNING → REBALANCING → RUNNING when a peer leaves and its tasks only arrive', async () => {
    await admin.createTopic('peer-in', 4, 1);
    await admin.createTopic('peer-out', 4, 1);
    const config = { 'application.id': 'peers' };
    const a = app(cleanerTopology('peer-in', 'peer-out'), config);
    await a.start();
    await running(a);
    const b = app(cleanerTopology('peer-in', 'peer-out'), config);
    await b.start();
    await waitUntil('both hold tasks', () => {
      if (a.state === 'ERROR' || b.state === 'ERROR') throw a.error ?? b.error ?? new Error();
      return (
        (a.state === 'RUNNING' && b.state === 'RUNNING' && a.metrics.activeTasks === 2) || undefined
      );
    });
    const seen: [StreamsState, StreamsState][] = [];
    a.onStateChange((next, previous) => seen.push([previous, next]));
    expect(await b.close({ timeoutMs: 10_000 })).toBe(true);
    await waitUntil(
      'a takes every task',
      () => (a.metrics.activeTasks === 4 && a.state === 'RUNNING') || undefined,
    );
    expect(seen).toEqual([
      ['RUNNING', 'REBALANCING'],
      ['REBALANCING', 'RUNNING'],
    ]);
  });

  it('fails to start, in ERROR, when a source topic is missing', async () => {
    const a = app(cleanerTopology('no-such-topic', 'x-out'), { 'application.id': 'missing' });
    const errors: (Error | undefined)[] = [];
    a.onStateChange((next, _previous, error) => {
      if (next === 'ERROR') errors.push(error);
    });
    await expect(a.start()).rejects.toThrow(/source topics missing: no-such-topic/);
    expect(a.state).toBe('ERROR');
    expect(errors[0]?.message).toMatch(/no-such-topic/);
    expect(a.error).toBe(errors[0]);
    await a.close();
    expect(a.state).toBe('NOT_RUNNING');
  });

  it('repartitions re-keyed records so equal new keys meet in one task', async () => {
    await admin.createTopic('words-in', 4, 1);
    await admin.createTopic('words-out', 4, 1);
    const topology = rekeyTopology('words-in', 'words-out');
    const config = { 'application.id': 'rekey', 'repartition.purge.interval.ms': 0 };
    const a = app(topology, config);
    const b = app(topology, config);
    await Promise.all([a.start(), b.start()]);
    expect(await admin.listTopics()).toContain('rekey-by-word-repartition');
    expect((await admin.describeTopic('rekey-by-word-repartition')).partitions).toHaveLength(4);
    const words = ['apple', 'pear', 'fig', 'kiwi', 'plum', 'lime', 'date', 'sloe'];
    const total = 400;
    await Promise.all(
      Array.from({ length: total }, (_, n) =>
        producer.send({
          topic: 'words-in',
          key: `src-${n}`,
          value: JSON.stringify({ word: words[n % words.length], n }),
        }),
      ),
    );
    const out = await reader('words-out');
    await out.until(
      `${total} tagged words`,
      (r) => new Set(r.values<TaggedWord>().map((w) => w.n)).size === total,
    );
    const tasksByWord = new Map<string, Set<string>>();
    for (const r of out.records) {
      const w = JSON.parse(r.value?.toString() ?? '') as TaggedWord;
      expect(r.key?.toString()).toBe(w.word);
      tasksByWord.set(w.word, (tasksByWord.get(w.word) ?? new Set()).add(w.task));
    }
    expect(tasksByWord.size).toBe(words.length);
    for (const [, tasks] of tasksByWord) {
      expect(tasks.size).toBe(1);
      expect([...tasks][0]).toMatch(/^1_\d$/);
    }
    // Once committed, the repartition topic's records are deleted, as Kafka Streams purges them.
    await waitUntil('the repartition topic purged', async () => {
      const { partitions } = await admin.describeTopic('rekey-by-word-repartition');
      return partitions.reduce((n, p) => n + p.logStartOffset, 0) === total || undefined;
    });
    // The two instances share the tasks of both sub-topologies (once a hand-over settles).
    const all = ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'].join();
    await waitUntil('the tasks shared by both instances', () => {
      const held = [...a.tasks, ...b.tasks].sort().join();
      return (held === all && a.tasks.length > 0 && b.tasks.length > 0) || undefined;
    });
  });

  it('dead-letters poison records with their bytes, headers and __streams.errors.* context', async () => {
    await admin.createTopic('poison-in', 2, 1);
    await admin.createTopic('poison-out', 2, 1);
    await admin.createTopic('poison-dlq', 1, 1);
    const a = app(cleanerTopology('poison-in', 'poison-out'), {
      'application.id': 'poison',
      'deserialization.exception.handler': 'log-and-continue',
      'errors.dead.letter.queue.topic.name': 'poison-dlq',
    });
    await a.start();
    await sendOrders(producer, 'poison-in', 0, 10);
    const bad = await producer.send({
      topic: 'poison-in',
      key: 'bad-1',
      value: '{"id": 10, "amount":',
      headers: { origin: 'test' },
    });
    await sendOrders(producer, 'poison-in', 11, 20);
    const dlq = await reader('poison-dlq');
    await dlq.until('one dead letter', (r) => r.records.length === 1);
    const out = await reader('poison-out');
    const expected = Array.from({ length: 20 }, (_, i) => i).filter(
      (i) => i !== 10 && cleanerKeeps(i),
    );
    await out.until('the good orders', (r) => r.records.length === expected.length);
    expect(
      out
        .values<Order>()
        .map((o) => o.id)
        .sort((x, y) => x - y),
    ).toEqual(expected);
    const letter = dlq.records[0]!;
    const header = (k: string): string | undefined =>
      letter.headers.find((h) => h.key === k)?.value?.toString();
    expect(letter.key?.toString()).toBe('bad-1');
    expect(letter.value?.toString()).toBe('{"id": 10, "amount":');
    expect(header('origin')).toBe('test');
    expect(header(DLQ_ERROR_HEADERS.exception)).toBe('SerdeError');
    expect(header(DLQ_ERROR_HEADERS.message)).toMatch(/json/i);
    expect(header(DLQ_ERROR_HEADERS.stacktrace)).toMatch(/SerdeError/);
    expect(header(DLQ_ERROR_HEADERS.topic)).toBe('poison-in');
    expect(header(DLQ_ERROR_HEADERS.partition)).toBe(String(bad.partition));
    expect(header(DLQ_ERROR_HEADERS.offset)).toBe(String(bad.offset));
    expect(a.metrics.errors.deserialization).toBe(1);
    expect(a.metrics.deadLettered).toBe(1);
  });

  it('hands records the broker refuses to the production handler and their output to the DLQ', async () => {
    await admin.createTopic('big-in', 1, 1);
    await admin.createTopic('big-out', 1, 1, { 'max.message.bytes': '200' });
    await admin.createTopic('big-dlq', 1, 1);
    const b = new StreamsBuilder();
    b.stream('big-in', { key: Serdes.string(), value: Serdes.string() })
      .mapValues((v) => v.repeat(100))
      .to('big-out', { key: Serdes.string(), value: Serdes.string() });
    const a = app(b.build(), {
      'application.id': 'big',
      'production.exception.handler': 'log-and-continue',
      'errors.dead.letter.queue.topic.name': 'big-dlq',
    });
    await a.start();
    const sent = await producer.send({ topic: 'big-in', key: 'k', value: 'abc' });
    const dlq = await reader('big-dlq');
    await dlq.until('the refused record dead-lettered', (r) => r.records.length === 1);
    const letter = dlq.records[0]!;
    const header = (k: string): string | undefined =>
      letter.headers.find((h) => h.key === k)?.value?.toString();
    expect(letter.value?.toString()).toBe('abc'.repeat(100));
    expect(header(DLQ_ERROR_HEADERS.topic)).toBe('big-in');
    expect(header(DLQ_ERROR_HEADERS.offset)).toBe(String(sent.offset));
    expect(a.state).toBe('RUNNING');
    expect(a.metrics.errors.production).toBe(1);
  });

  it("goes to ERROR when a processing error's handler answers fail, without committing it", async () => {
    await admin.createTopic('crash-in', 1, 1);
    await admin.createTopic('crash-out', 1, 1);
    const b = new StreamsBuilder();
    b.stream('crash-in', { key: Serdes.string(), value: Serdes.string() })
      .mapValues((v) => {
        if (v === 'boom') throw new Error('cannot map boom');
        return v.toUpperCase();
      })
      .to('crash-out', { key: Serdes.string(), value: Serdes.string() });
    const a = app(b.build(), { 'application.id': 'crash' });
    const failed = new Promise<Error | undefined>((resolve) => {
      a.onStateChange((next, _previous, error) => {
        if (next === 'ERROR') resolve(error);
      });
    });
    await a.start();
    for (const v of ['a', 'b', 'boom', 'c'])
      await producer.send({ topic: 'crash-in', key: v, value: v });
    const error = await failed;
    expect(`${error?.message} ${String((error?.cause as Error | undefined)?.message)}`).toMatch(
      /cannot map boom/,
    );
    expect(a.error).toBe(error);
    await a.close();
    const committed = await admin.groups.committedOffsets('crash');
    expect(committed.every((c) => c.offset <= 2)).toBe(true);
  });

  it('drives wall-clock punctuators from its timer and the injected clock', async () => {
    await admin.createTopic('tick-in', 1, 1);
    await admin.createTopic('tick-out', 1, 1);
    const clock = new ManualClock(1_000_000);
    const b = new StreamsBuilder();
    b.stream('tick-in', { key: Serdes.string(), value: Serdes.string() })
      .process<string, string>(() => {
        let ctx: ProcessorContext<string, string> | undefined;
        return {
          init(c) {
            ctx = c;
            c.schedule(1000, 'wall-clock', (ts) => {
              c.forward({ key: 'tick', value: String(ts), headers: {}, timestamp: ts });
            });
          },
          process(r) {
            ctx?.forward(r);
          },
        };
      })
      .to('tick-out', { key: Serdes.string(), value: Serdes.string() });
    const a = new StreamsApp(
      b.build(),
      { 'application.id': 'tick', 'bootstrap.servers': cluster.bootstrap },
      { handleSignals: false, clock, tickMs: 10 },
    );
    apps.push(a);
    await a.start();
    await running(a);
    await producer.send({ topic: 'tick-in', key: 'k', value: 'v' });
    const out = await reader('tick-out');
    await out.until('the record', (r) => r.records.length === 1);
    clock.advance(1000);
    await out.until('a punctuation', (r) => r.records.length === 2);
    expect(out.records[1]?.value?.toString()).toBe('1001000');
  });

  it('bounds the records in flight to the producer (backpressure) and still processes them all', async () => {
    await admin.createTopic('bp-in', 2, 1);
    await admin.createTopic('bp-out', 2, 1);
    await sendOrders(producer, 'bp-in', 0, 3000);
    const a = app(cleanerTopology('bp-in', 'bp-out'), {
      'application.id': 'bp',
      'max.pending.records': 50,
      'consumer.max.poll.records': 20,
      'producer.linger.ms': 20,
    });
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, a.metrics.recordsPending);
    }, 1);
    await a.start();
    const out = await reader('bp-out');
    await out.until('all orders', (r) => r.records.length === 2000);
    clearInterval(sampler);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(50 + 20);
  });
});
