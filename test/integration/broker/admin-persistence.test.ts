import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  META_PROPERTIES_FILE,
  ensureClusterId,
  randomUuid,
} from '../../../core/broker/cluster-id.js';
import { FileTopicStore, TOPICS_FILE } from '../../../core/broker/topic-store.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { FjordError, StorageError } from '../../../core/util/errors.js';
import { call, openAdminBroker } from '../../helpers/admin-broker.js';
import type { AdminBroker } from '../../helpers/admin-broker.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const UUID = /^[A-Za-z0-9_-]{21}[AQgw]$/;

describe('the admin plane across restarts', () => {
  let dir: string;
  let cleanup: () => void;
  let admin: AdminBroker;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('fjord-persist-'));
    admin = openAdminBroker(dir);
  });
  afterEach(async () => {
    await admin.close();
    cleanup();
  });

  async function restart(): Promise<void> {
    await admin.close();
    admin = openAdminBroker(dir);
  }

  it('keeps topics, ids, partition counts and overrides in a new FileTopicStore', async () => {
    const created = await call(admin.broker, ApiKey.CREATE_TOPICS, 7, {
      topics: ['keep', 'grow', 'drop'].map((name) => ({
        name,
        numPartitions: 2,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 1000,
      validateOnly: false,
    });
    const ids = new Map(created.topics.map((t) => [t.name, t.topicId]));
    await call(admin.broker, ApiKey.INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'keep',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '1234' }],
        },
      ],
      validateOnly: false,
    });
    await call(admin.broker, ApiKey.CREATE_PARTITIONS, 3, {
      topics: [{ name: 'grow', count: 6, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    await call(admin.broker, ApiKey.DELETE_TOPICS, 6, {
      topics: [{ name: 'drop', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      timeoutMs: 1000,
    });

    await restart();
    expect(admin.store.list()).toEqual([
      { name: 'grow', topicId: ids.get('grow'), partitionCount: 6, configs: {} },
      {
        name: 'keep',
        topicId: ids.get('keep'),
        partitionCount: 2,
        configs: { 'retention.ms': '1234' },
      },
    ]);
    const meta = await call(admin.broker, ApiKey.METADATA, 9, {
      topics: null,
      allowAutoTopicCreation: false,
    });
    expect(meta.topics.map((t) => [t.name, t.partitions.length])).toEqual([
      ['grow', 6],
      ['keep', 2],
    ]);
  });

  it('writes the store atomically, as versioned JSON, leaving no temp file', () => {
    admin.store.create('t', 1, { 'cleanup.policy': 'compact' });
    const names = fs.readdirSync(dir);
    expect(names).toContain(TOPICS_FILE);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const body = JSON.parse(fs.readFileSync(path.join(dir, TOPICS_FILE), 'utf8')) as unknown;
    expect(body).toEqual({
      version: 1,
      topics: [
        {
          name: 't',
          topicId: admin.store.get('t')?.topicId,
          partitionCount: 1,
          configs: { 'cleanup.policy': 'compact' },
        },
      ],
    });
  });

  it('hands out distinct random topic ids in the codec form', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add(admin.store.create(`t${i}`, 1, {}).topicId);
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID);
  });

  it('enforces its own invariants: unique names, known topics, growing counts', () => {
    admin.store.create('t', 2, {});
    const codeOf = (f: () => unknown): number | undefined => {
      try {
        f();
        return undefined;
      } catch (err) {
        return err instanceof FjordError ? err.code : undefined;
      }
    };
    expect(codeOf(() => admin.store.create('t', 1, {}))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(
      codeOf(() => {
        admin.store.delete('u');
      }),
    ).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(codeOf(() => admin.store.setConfigs('u', {}))).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expect(codeOf(() => admin.store.setPartitionCount('t', 2))).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(codeOf(() => admin.store.create('v', 0, {}))).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('refuses to start over a corrupt topics file rather than forget topics', () => {
    admin.store.create('t', 1, {});
    const file = path.join(dir, TOPICS_FILE);
    for (const text of ['{"version": 1, "topics": [', '{"version": 2, "topics": []}', '[]']) {
      fs.writeFileSync(file, text);
      expect(() => new FileTopicStore(dir)).toThrow(StorageError);
    }
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        topics: [{ name: 't', topicId: 'nope', partitionCount: 1, configs: {} }],
      }),
    );
    expect(() => new FileTopicStore(dir)).toThrow(/topicId/);
  });

  it('keeps the cluster id across restarts, in meta.properties', async () => {
    const first = admin.broker.clusterId;
    expect(first).toMatch(UUID);
    await restart();
    expect(admin.broker.clusterId).toBe(first);
    expect(fs.readFileSync(path.join(dir, META_PROPERTIES_FILE), 'utf8')).toContain(
      `cluster.id=${first}`,
    );
    const other = makeTempDir('fjord-persist-');
    try {
      expect(ensureClusterId(other.dir)).not.toBe(first);
    } finally {
      other.cleanup();
    }
  });

  it("adopts an existing meta.properties' cluster id and keeps its other lines", () => {
    const kafkaDir = path.join(dir, 'kafka');
    fs.mkdirSync(kafkaDir);
    const file = path.join(kafkaDir, META_PROPERTIES_FILE);
    fs.writeFileSync(
      file,
      '#from Kafka\nversion=1\nnode.id=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n',
    );
    expect(ensureClusterId(kafkaDir)).toBe('MkU3OEVBNTcwNTJENDM2Qk');
    fs.writeFileSync(file, 'version=1\nnode.id=1\n');
    const added = ensureClusterId(kafkaDir, () => 'q7wHp2VuQ8CFZJ9nYcXg6w');
    expect(added).toBe('q7wHp2VuQ8CFZJ9nYcXg6w');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('node.id=1');
    expect(text).toContain('cluster.id=q7wHp2VuQ8CFZJ9nYcXg6w');
    expect(ensureClusterId(kafkaDir)).toBe(added);
  });

  it('makes version-4 UUIDs and skips ones a command line would read as an option', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x00)];
    const id = randomUuid(() => draws.shift()!);
    expect(draws).toEqual([]);
    const bytes = Buffer.from(id, 'base64url');
    expect(bytes[6]! >> 4).toBe(4);
    expect(bytes[8]! >> 6).toBe(2);
    expect(id).toBe('AAAAAAAAQACAAAAAAAAAAA');
  });
});
