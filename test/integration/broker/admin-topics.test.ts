import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ApiKey } from '../../../core/protocol/messages/index.js';
import type { CreatableTopic } from '../../../core/protocol/messages/index.js';
import { ZERO_UUID } from '../../../core/protocol/plan.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { call, openAdminBroker } from '../../helpers/admin-broker.js';
import type { AdminBroker } from '../../helpers/admin-broker.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function topic(name: string, overrides: Partial<CreatableTopic> = {}): CreatableTopic {
  return {
    name,
    numPartitions: 1,
    replicationFactor: 1,
    assignments: [],
    configs: [],
    ...overrides,
  };
}

describe('admin plane: create, list, grow and delete topics', () => {
  let dir: string;
  let cleanup: () => void;
  let admin: AdminBroker;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('fjord-admin-'));
    admin = openAdminBroker(dir);
  });
  afterEach(async () => {
    await admin.close();
    cleanup();
  });

  const create = (version: number, topics: CreatableTopic[], validateOnly = false) =>
    call(admin.broker, ApiKey.CREATE_TOPICS, version, { topics, timeoutMs: 1000, validateOnly });

  it('creates a topic, opens every partition folder and lists it in Metadata', async () => {
    const res = await create(3, [topic('orders', { numPartitions: 3 })]);
    expect(res.topics).toEqual([
      expect.objectContaining({ name: 'orders', errorCode: 0, errorMessage: null }),
    ]);
    for (const p of [0, 1, 2]) {
      expect(admin.broker.partitions.get('orders', p)).toBeDefined();
      expect(fs.existsSync(path.join(dir, `orders-${p}`))).toBe(true);
    }
    const meta = await call(admin.broker, ApiKey.METADATA, 6, {
      topics: null,
      allowAutoTopicCreation: false,
    });
    expect(meta.topics.map((t) => [t.name, t.partitions.length])).toEqual([['orders', 3]]);
  });

  it('answers v5+ with the partition count, replication factor and configs, v7 with the id', async () => {
    const res = await create(7, [
      topic('compacted', {
        numPartitions: -1,
        replicationFactor: -1,
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      }),
    ]);
    const [result] = res.topics;
    expect(result?.errorCode).toBe(0);
    expect(result?.numPartitions).toBe(1);
    expect(result?.replicationFactor).toBe(1);
    expect(result?.topicId).toBe(admin.store.get('compacted')?.topicId);
    expect(result?.topicId).not.toBe(ZERO_UUID);
    const policy = result?.configs?.find((c) => c.name === 'cleanup.policy');
    expect(policy).toEqual({
      name: 'cleanup.policy',
      value: 'compact',
      readOnly: false,
      configSource: 1,
      isSensitive: false,
    });
    expect(result?.configs?.find((c) => c.name === 'retention.ms')?.configSource).toBe(5);
    expect(admin.broker.partitions.get('compacted', 0)?.log.config.cleanupPolicy).toBe('compact');
  });

  it('uses num.partitions for -1 partitions', async () => {
    await admin.close();
    admin = openAdminBroker(dir, { 'num.partitions': '4' });
    const res = await create(4, [topic('wide', { numPartitions: -1, replicationFactor: -1 })]);
    expect(res.topics[0]?.errorCode).toBe(0);
    expect(admin.store.get('wide')?.partitionCount).toBe(4);
  });

  it('refuses a topic that exists with TOPIC_ALREADY_EXISTS and a message', async () => {
    await create(2, [topic('dup')]);
    const res = await create(2, [topic('dup', { numPartitions: 5 })]);
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(res.topics[0]?.errorMessage).toBe("Topic 'dup' already exists.");
    expect(admin.store.get('dup')?.partitionCount).toBe(1);
  });

  it('refuses a topic named twice in one request with INVALID_REQUEST', async () => {
    const res = await create(5, [topic('twice'), topic('twice'), topic('once')]);
    expect(res.topics.map((t) => t.errorCode)).toEqual([42, 42, 0]);
    expect(admin.store.get('twice')).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['.', 'dot'],
    ['..', 'dot dot'],
    ['a'.repeat(250), '250 characters'],
    ['bad/name', 'a slash'],
    ['späti', 'a non-ASCII letter'],
    ['with space', 'a space'],
  ])('refuses the illegal name %j (%s) with INVALID_TOPIC_EXCEPTION', async (name) => {
    const res = await create(4, [topic(name)]);
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(res.topics[0]?.errorMessage).toMatch(/[Tt]opic name/);
    expect(admin.store.list()).toEqual([]);
  });

  it('accepts a 249-character name of every legal character class', async () => {
    const name = `Az09._-${'x'.repeat(242)}`;
    const res = await create(4, [topic(name)]);
    expect(res.topics[0]?.errorCode).toBe(0);
  });

  it("refuses a name colliding with an existing one once '.' is '_'", async () => {
    await create(4, [topic('metrics.cpu')]);
    const res = await create(4, [topic('metrics_cpu')]);
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(res.topics[0]?.errorMessage).toContain('collides');
  });

  it.each([
    [0, 1, ErrorCode.INVALID_PARTITIONS],
    [-2, 1, ErrorCode.INVALID_PARTITIONS],
    [10_001, 1, ErrorCode.INVALID_PARTITIONS],
    [1, 0, ErrorCode.INVALID_REPLICATION_FACTOR],
    [1, -2, ErrorCode.INVALID_REPLICATION_FACTOR],
    [1, 3, ErrorCode.INVALID_REPLICATION_FACTOR],
  ])('refuses %d partitions with replication factor %d: error %d', async (n, rf, code) => {
    const res = await create(4, [topic('bad-size', { numPartitions: n, replicationFactor: rf })]);
    expect(res.topics[0]?.errorCode).toBe(code);
    expect(res.topics[0]?.errorMessage).not.toBeNull();
    expect(admin.store.get('bad-size')).toBeUndefined();
  });

  it('refuses -1 replication factor when default.replication.factor exceeds the brokers', async () => {
    await admin.close();
    admin = openAdminBroker(dir, { 'default.replication.factor': '3' });
    const res = await create(4, [topic('rf', { replicationFactor: -1 })]);
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  it.each([
    [{ name: 'no.such.config', value: '1' }],
    [{ name: 'retention.ms', value: 'forever' }],
    [{ name: 'cleanup.policy', value: 'shred' }],
    [{ name: 'segment.bytes', value: '1' }],
    [{ name: 'retention.ms', value: null }],
    [{ name: 'constructor', value: 'x' }],
    [{ name: '__proto__', value: 'x' }],
  ])('refuses the config %j with INVALID_CONFIG', async (config) => {
    const res = await create(4, [topic('bad-config', { configs: [config] })]);
    expect(res.topics[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(admin.store.get('bad-config')).toBeUndefined();
  });

  it('validate_only checks everything and creates nothing', async () => {
    const ok = await create(7, [topic('dry', { numPartitions: 2 })], true);
    expect(ok.topics[0]).toEqual(
      expect.objectContaining({ errorCode: 0, numPartitions: 2, topicId: ZERO_UUID }),
    );
    const bad = await create(7, [topic('dry-bad', { numPartitions: 0 })], true);
    expect(bad.topics[0]?.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(admin.store.list()).toEqual([]);
    expect(admin.broker.partitions.get('dry', 0)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'dry-0'))).toBe(false);
  });

  it('accepts a manual assignment onto this node and refuses one onto others', async () => {
    const assigned = topic('manual', {
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [
        { partitionIndex: 1, brokerIds: [1] },
        { partitionIndex: 0, brokerIds: [1] },
      ],
    });
    expect((await create(4, [assigned])).topics[0]?.errorCode).toBe(0);
    expect(admin.store.get('manual')?.partitionCount).toBe(2);
    const elsewhere = topic('elsewhere', {
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [{ partitionIndex: 0, brokerIds: [2] }],
    });
    expect((await create(4, [elsewhere])).topics[0]?.errorCode).toBe(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    );
    const both = topic('both', { assignments: [{ partitionIndex: 0, brokerIds: [1] }] });
    expect((await create(4, [both])).topics[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('grows a topic with CreatePartitions and refuses to shrink or keep it', async () => {
    await create(4, [topic('grow', { numPartitions: 2 })]);
    const grow = (count: number, validateOnly = false) =>
      call(admin.broker, ApiKey.CREATE_PARTITIONS, 1, {
        topics: [{ name: 'grow', count, assignments: null }],
        timeoutMs: 1000,
        validateOnly,
      });
    expect((await grow(5, true)).results[0]?.errorCode).toBe(0);
    expect(admin.store.get('grow')?.partitionCount).toBe(2);
    expect((await grow(5)).results[0]?.errorCode).toBe(0);
    expect(admin.store.get('grow')?.partitionCount).toBe(5);
    expect(admin.broker.partitions.get('grow', 4)).toBeDefined();
    for (const count of [5, 3]) {
      const res = await grow(count);
      expect(res.results[0]?.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
      expect(res.results[0]?.errorMessage).toMatch(/partitions/);
    }
    const unknown = await call(admin.broker, ApiKey.CREATE_PARTITIONS, 3, {
      topics: [{ name: 'nope', count: 3, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(unknown.results[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('checks CreatePartitions assignments: one per new partition, on this node', async () => {
    await create(4, [topic('assign')]);
    const grow = (assignments: { brokerIds: number[] }[]) =>
      call(admin.broker, ApiKey.CREATE_PARTITIONS, 2, {
        topics: [{ name: 'assign', count: 3, assignments }],
        timeoutMs: 1000,
        validateOnly: false,
      });
    expect((await grow([{ brokerIds: [1] }])).results[0]?.errorCode).toBe(39);
    expect((await grow([{ brokerIds: [1] }, { brokerIds: [7] }])).results[0]?.errorCode).toBe(39);
    expect((await grow([{ brokerIds: [1] }, { brokerIds: [1] }])).results[0]?.errorCode).toBe(0);
    expect(admin.store.get('assign')?.partitionCount).toBe(3);
  });

  it('deletes a topic by name (v1) and removes its partition folders', async () => {
    await create(4, [topic('doomed', { numPartitions: 2 })]);
    const res = await call(admin.broker, ApiKey.DELETE_TOPICS, 1, {
      topicNames: ['doomed', 'never-was'],
      timeoutMs: 1000,
    });
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['doomed', 0],
      ['never-was', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(admin.store.get('doomed')).toBeUndefined();
    expect(admin.broker.partitions.get('doomed', 0)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'doomed-0'))).toBe(false);
    const again = await create(4, [topic('doomed')]);
    expect(again.topics[0]?.errorCode).toBe(0);
    expect(admin.broker.partitions.get('doomed', 0)?.log.logEndOffset).toBe(0);
  });

  it('deletes by topic id in v6 and answers with the name and the id', async () => {
    const created = await create(7, [topic('by-id')]);
    const topicId = created.topics[0]!.topicId!;
    const res = await call(admin.broker, ApiKey.DELETE_TOPICS, 6, {
      topics: [
        { name: null, topicId },
        { name: null, topicId: 'q7wHp2VuQ8CFZJ9nYcXg6w' },
        { name: 'x', topicId: 'q7wHp2VuQ8CFZJ9nYcXg6w' },
      ],
      timeoutMs: 1000,
    });
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([
      ['by-id', topicId, 0],
      [null, 'q7wHp2VuQ8CFZJ9nYcXg6w', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['x', 'q7wHp2VuQ8CFZJ9nYcXg6w', ErrorCode.INVALID_REQUEST],
    ]);
    expect(res.responses[1]?.errorMessage).not.toBeNull();
    expect(admin.store.list()).toEqual([]);
  });

  it('refuses deletion when delete.topic.enable=false: 73 from v3, 42 before', async () => {
    await admin.close();
    admin = openAdminBroker(dir, { 'delete.topic.enable': 'false' });
    await create(4, [topic('kept')]);
    const v5 = await call(admin.broker, ApiKey.DELETE_TOPICS, 5, {
      topicNames: ['kept'],
      timeoutMs: 1000,
    });
    expect(v5.responses[0]?.errorCode).toBe(ErrorCode.TOPIC_DELETION_DISABLED);
    expect(v5.responses[0]?.errorMessage).toContain('delete.topic.enable');
    const v1 = await call(admin.broker, ApiKey.DELETE_TOPICS, 1, {
      topicNames: ['kept'],
      timeoutMs: 1000,
    });
    expect(v1.responses[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(admin.store.get('kept')).toBeDefined();
  });
});
