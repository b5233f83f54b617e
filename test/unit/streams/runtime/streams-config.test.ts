import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../../core/index.js';
import { Serdes } from '../../../../streams/serde/index.js';
import {
  taskEnvironment,
  type TaskEnvironmentDeps,
} from '../../../../streams/runtime/app-environment.js';
import {
  parseStreamsConfig,
  type StreamsConfig,
} from '../../../../streams/runtime/streams-config.js';

const BASE = { 'application.id': 'app', 'bootstrap.servers': '127.0.0.1:9092' } as const;

function parse(extra: Record<string, unknown>): ReturnType<typeof parseStreamsConfig> {
  return parseStreamsConfig({ ...BASE, ...extra });
}

describe('parseStreamsConfig', () => {
  it("applies Kafka Streams' at-least-once defaults", () => {
    const c = parseStreamsConfig(BASE);
    expect(c).toMatchObject({
      applicationId: 'app',
      bootstrap: '127.0.0.1:9092',
      clientId: 'app',
      commitIntervalMs: 30_000,
      deserializationHandler: 'fail',
      processingHandler: 'fail',
      productionHandler: 'fail',
      replicationFactor: -1,
      maxPendingRecords: 20_000,
      repartitionPurgeIntervalMs: 30_000,
      consumer: {},
      producer: {},
      admin: {},
    });
    expect(c.deadLetterQueueTopic).toBeUndefined();
  });

  it('requires application.id and bootstrap.servers', () => {
    expect(() => parseStreamsConfig({ 'bootstrap.servers': 'h:1' } as StreamsConfig)).toThrow(
      /application\.id/,
    );
    expect(() => parseStreamsConfig({ 'application.id': 'a' } as StreamsConfig)).toThrow(
      /bootstrap\.servers/,
    );
  });

  it('refuses an application.id that cannot prefix a topic name', () => {
    expect(() => parse({ 'application.id': 'my app' })).toThrow(ConfigError);
  });

  it('rejects unknown keys, so a typo never falls back to a default', () => {
    expect(() => parse({ 'commit.intervall.ms': 100 })).toThrow(
      /unknown streams config commit\.intervall\.ms/,
    );
  });

  it('takes numbers as numbers or decimal strings and checks their range', () => {
    expect(parse({ 'commit.interval.ms': '250' }).commitIntervalMs).toBe(250);
    expect(() => parse({ 'commit.interval.ms': 0 })).toThrow(/commit\.interval\.ms=0/);
    expect(() => parse({ 'commit.interval.ms': 'soon' })).toThrow(ConfigError);
    expect(parse({ 'replication.factor': '3' }).replicationFactor).toBe(3);
    expect(parse({ 'repartition.purge.interval.ms': -1 }).repartitionPurgeIntervalMs).toBe(-1);
  });

  it('allows one stream thread only, saying why', () => {
    expect(parse({ 'num.stream.threads': 1 }).applicationId).toBe('app');
    expect(() => parse({ 'num.stream.threads': 2 })).toThrow(
      /worker threads come only once a benchmark/,
    );
  });

  it('runs at_least_once only; exactly-once names the later issue', () => {
    expect(parse({ 'processing.guarantee': 'at_least_once' }).applicationId).toBe('app');
    for (const g of ['exactly_once', 'exactly_once_beta', 'exactly_once_v2'])
      expect(() => parse({ 'processing.guarantee': g })).toThrow(
        /Kafka transactions, which a later issue/,
      );
    expect(() => parse({ 'processing.guarantee': 'once' })).toThrow(ConfigError);
  });

  it('types the dotted names, with typed serdes and client configs', () => {
    const config: StreamsConfig = {
      ...BASE,
      'default.key.serde': Serdes.string(),
      'default.value.serde': Serdes.json<{ id: number }>(),
      'processing.exception.handler': (ctx) => (ctx.stage === 'processing' ? 'continue' : 'fail'),
      'consumer.max.poll.records': 100,
    };
    expect(parseStreamsConfig(config).consumer.maxPollRecords).toBe(100);
  });

  it('takes serdes, a timestamp extractor and error handlers', () => {
    const extractor = (): number => 1;
    const handler = (): 'continue' => 'continue';
    const c = parse({
      'default.key.serde': Serdes.string(),
      'default.value.serde': Serdes.json(),
      'default.timestamp.extractor': extractor,
      'deserialization.exception.handler': 'log-and-continue',
      'processing.exception.handler': handler,
      'errors.dead.letter.queue.topic.name': 'dlq',
    });
    expect(c.defaultKeySerde?.name).toBe('string');
    expect(c.timestampExtractor).toBe(extractor);
    expect(c.deserializationHandler).toBe('log-and-continue');
    expect(c.processingHandler).toBe(handler);
    expect(c.deadLetterQueueTopic).toBe('dlq');
    expect(() => parse({ 'default.key.serde': 'string' })).toThrow(/expected a Serde/);
    expect(() => parse({ 'production.exception.handler': 'ignore' })).toThrow(
      /expected one of fail, log-and-continue/,
    );
  });

  it('passes prefixed Kafka client configs to the clients as their options', () => {
    const c = parse({
      'consumer.max.poll.records': '200',
      'consumer.session.timeout.ms': 6000,
      'consumer.auto.offset.reset': 'latest',
      'producer.linger.ms': 20,
      'producer.acks': '1',
      'producer.compression.type': 'lz4',
      'producer.enable.idempotence': 'false',
      'producer.client.id': 'p',
      'admin.client.id': 'a',
    });
    expect(c.consumer).toEqual({
      maxPollRecords: 200,
      sessionTimeoutMs: 6000,
      autoOffsetReset: 'latest',
    });
    expect(c.producer).toEqual({
      lingerMs: 20,
      acks: 1,
      compression: 'lz4',
      idempotent: false,
      clientId: 'p',
    });
    expect(c.admin).toEqual({ clientId: 'a' });
  });

  it('refuses client configs the runtime owns, and unknown ones', () => {
    expect(() => parse({ 'consumer.group.id': 'x' })).toThrow(/group id is application\.id/);
    expect(() => parse({ 'consumer.enable.auto.commit': true })).toThrow(/cannot be set/);
    expect(() => parse({ 'consumer.partition.assignment.strategy': 'range' })).toThrow(
      /streams assignor/,
    );
    expect(() => parse({ 'producer.lingerms': 1 })).toThrow(
      /producer\.lingerms: unknown producer setting/,
    );
    expect(() => parse({ 'admin.retries': 1 })).toThrow(/unknown admin setting/);
    expect(() => parse({ 'producer.acks': 2 })).toThrow(/expected all, -1, 0 or 1/);
  });

  it("sizes the record cache by statestore.cache.max.bytes, Kafka's 10 MiB by default, 0 for none", () => {
    expect(parseStreamsConfig(BASE).cacheMaxBytes).toBe(10 * 1024 * 1024);
    expect(parse({ 'statestore.cache.max.bytes': 0 }).cacheMaxBytes).toBe(0);
    expect(parse({ 'statestore.cache.max.bytes': '4096' }).cacheMaxBytes).toBe(4096);
    expect(() => parse({ 'statestore.cache.max.bytes': -1 })).toThrow(/statestore.cache.max.bytes/);
  });

  it("reads default.dsl.store, in memory by default, with Kafka's spellings too", () => {
    expect(parseStreamsConfig(BASE).defaultDslStore).toBe('in-memory');
    expect(parse({ 'default.dsl.store': 'persistent' }).defaultDslStore).toBe('persistent');
    expect(parse({ 'default.dsl.store': 'rocksDB' }).defaultDslStore).toBe('persistent');
    expect(parse({ 'default.dsl.store': 'in_memory' }).defaultDslStore).toBe('in-memory');
    expect(parse({ 'default.dsl.store': 'in-memory' }).defaultDslStore).toBe('in-memory');
    expect(() => parse({ 'default.dsl.store': 'lmdb' })).toThrow(ConfigError);
    expect(() => parse({ 'default.dsl.store': 'lmdb' })).toThrow(
      'default.dsl.store="lmdb": expected one of in-memory, in_memory, persistent, rocksDB',
    );
  });

  it("hands each task's stores the app's default.dsl.store", () => {
    const deps = {
      collector: { forTask: () => ({}) },
      clock: { now: () => 0 },
    } as unknown as TaskEnvironmentDeps;
    const id = { subtopology: 0, partition: 0 };
    const env = (extra: Record<string, unknown>) => taskEnvironment(parse(extra), id, deps);
    expect(env({ 'default.dsl.store': 'rocksDB' }).defaultDslStore).toBe('persistent');
    expect(env({}).defaultDslStore).toBe('in-memory');
  });

  it("reads state.cleanup.delay.ms, Kafka's 10 minutes by default", () => {
    expect(parseStreamsConfig(BASE).stateCleanupDelayMs).toBe(600_000);
    expect(parse({ 'state.cleanup.delay.ms': '1000' }).stateCleanupDelayMs).toBe(1000);
    expect(() => parse({ 'state.cleanup.delay.ms': -1 })).toThrow(/state.cleanup.delay.ms/);
  });
});
