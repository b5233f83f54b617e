import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TOPIC_CONFIG_INFO } from '../../../core/broker/config-entries.js';
import { createTopic } from '../../../core/broker/topic-admin.js';
import { DEFAULT_LOG_CONFIG, LOG_CONFIG_NAMES } from '../../../core/log/log-config.js';
import { ApiKey } from '../../../core/protocol/messages/index.js';
import type {
  DescribeConfigsResource,
  IncrementalAlterableConfig,
} from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { call, openAdminBroker } from '../../helpers/admin-broker.js';
import type { AdminBroker } from '../../helpers/admin-broker.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const TOPIC = 2;
const BROKER = 4;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

describe('DescribeConfigs, AlterConfigs and IncrementalAlterConfigs', () => {
  let dir: string;
  let cleanup: () => void;
  let admin: AdminBroker;

  beforeEach(async () => {
    ({ dir, cleanup } = makeTempDir('fjord-configs-'));
    admin = openAdminBroker(dir, { 'log.retention.hours': '24', 'node.id': '3' });
    await createTopic(admin.broker, 'events', 2, 1, { 'segment.bytes': '1048576' });
  });
  afterEach(async () => {
    await admin.close();
    cleanup();
  });

  const describeConfigs = (
    version: number,
    resources: DescribeConfigsResource[],
    more: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {},
  ) =>
    call(admin.broker, ApiKey.DESCRIBE_CONFIGS, version, {
      resources,
      includeSynonyms: more.includeSynonyms ?? false,
      ...(more.includeDocumentation === undefined
        ? {}
        : { includeDocumentation: more.includeDocumentation }),
    });

  async function topicConfigs(name = 'events'): Promise<Map<string, string | null>> {
    const res = await describeConfigs(4, [
      { resourceType: TOPIC, resourceName: name, configurationKeys: null },
    ]);
    return new Map(res.results[0]?.configs.map((c) => [c.name, c.value]));
  }

  const incremental = (configs: IncrementalAlterableConfig[], validateOnly = false) =>
    call(admin.broker, ApiKey.INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [{ resourceType: TOPIC, resourceName: 'events', configs }],
      validateOnly,
    });

  it('lists every topic config with its value and source', async () => {
    const res = await describeConfigs(1, [
      { resourceType: TOPIC, resourceName: 'events', configurationKeys: null },
    ]);
    const result = res.results[0]!;
    expect(result.errorCode).toBe(0);
    expect(result.configs.map((c) => c.name)).toEqual(LOG_CONFIG_NAMES);
    const byName = new Map(result.configs.map((c) => [c.name, c]));
    expect(byName.get('segment.bytes')).toEqual(
      expect.objectContaining({ value: '1048576', configSource: 1, readOnly: false }),
    );
    expect(byName.get('retention.ms')).toEqual(
      expect.objectContaining({ value: '86400000', configSource: 4, isSensitive: false }),
    );
    expect(byName.get('cleanup.policy')).toEqual(
      expect.objectContaining({ value: 'delete', configSource: 5, synonyms: [] }),
    );
  });

  it('lists synonyms in precedence order when asked', async () => {
    const res = await describeConfigs(
      2,
      [{ resourceType: TOPIC, resourceName: 'events', configurationKeys: ['retention.ms'] }],
      { includeSynonyms: true },
    );
    await call(admin.broker, ApiKey.ALTER_CONFIGS, 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'events',
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      validateOnly: false,
    });
    const after = await describeConfigs(
      2,
      [{ resourceType: TOPIC, resourceName: 'events', configurationKeys: ['retention.ms'] }],
      { includeSynonyms: true },
    );
    const builtIn = String(DEFAULT_LOG_CONFIG.retentionMs);
    expect(res.results[0]?.configs[0]?.synonyms).toEqual([
      { name: 'log.retention.ms', value: '86400000', source: 4 },
      { name: 'log.retention.ms', value: builtIn, source: 5 },
    ]);
    expect(after.results[0]?.configs[0]?.synonyms).toEqual([
      { name: 'retention.ms', value: '1000', source: 1 },
      { name: 'log.retention.ms', value: '86400000', source: 4 },
      { name: 'log.retention.ms', value: builtIn, source: 5 },
    ]);
  });

  it('filters by configuration_keys and gives type and documentation in v3+', async () => {
    const res = await describeConfigs(
      4,
      [
        {
          resourceType: TOPIC,
          resourceName: 'events',
          configurationKeys: ['cleanup.policy', 'no.such.key'],
        },
      ],
      { includeDocumentation: true },
    );
    expect(res.results[0]?.configs).toEqual([
      expect.objectContaining({ name: 'cleanup.policy', configType: 7 }),
    ]);
    expect(res.results[0]?.configs[0]?.documentation).toMatch(/compact/);
    const undocumented = await describeConfigs(3, [
      { resourceType: TOPIC, resourceName: 'events', configurationKeys: ['segment.ms'] },
    ]);
    expect(undocumented.results[0]?.configs[0]).toEqual(
      expect.objectContaining({ configType: 5, documentation: null }),
    );
  });

  it('describes every topic config fjord accepts', () => {
    expect(Object.keys(TOPIC_CONFIG_INFO).sort()).toEqual([...LOG_CONFIG_NAMES].sort());
  });

  it('answers unknown topics, foreign brokers and unknown resource types with errors', async () => {
    const res = await describeConfigs(4, [
      { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: null },
      { resourceType: BROKER, resourceName: '9', configurationKeys: null },
      { resourceType: 8, resourceName: '3', configurationKeys: null },
    ]);
    expect(res.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['9', ErrorCode.INVALID_REQUEST, 0],
      ['3', ErrorCode.INVALID_REQUEST, 0],
    ]);
    expect(res.results.every((r) => r.errorMessage !== null)).toBe(true);
  });

  it("lists the broker's properties for its node id, read-only, set ones as static", async () => {
    const res = await describeConfigs(
      4,
      [
        { resourceType: BROKER, resourceName: '3', configurationKeys: null },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
      ],
      { includeSynonyms: true },
    );
    const byName = new Map(res.results[0]?.configs.map((c) => [c.name, c]));
    expect(byName.get('node.id')).toEqual(
      expect.objectContaining({ value: '3', configSource: 4, readOnly: true, configType: 3 }),
    );
    expect(byName.get('log.retention.ms')).toEqual(
      expect.objectContaining({ value: '86400000', configSource: 4 }),
    );
    expect(byName.get('num.partitions')).toEqual(
      expect.objectContaining({ value: '1', configSource: 5 }),
    );
    expect(byName.get('log.cleanup.policy')?.value).toBe('delete');
    expect(byName.has('log.retention.hours')).toBe(false);
    expect(res.results[1]).toEqual(expect.objectContaining({ errorCode: 0, configs: [] }));
  });

  it('AlterConfigs replaces the whole override set and reaches the partition logs', async () => {
    const res = await call(admin.broker, ApiKey.ALTER_CONFIGS, 2, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'events',
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'max.message.bytes', value: '2048' },
          ],
        },
      ],
      validateOnly: false,
    });
    expect(res.responses).toEqual([
      { errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'events' },
    ]);
    expect(admin.store.get('events')?.configs).toEqual({
      'cleanup.policy': 'compact',
      'max.message.bytes': '2048',
    });
    const configs = await topicConfigs();
    expect(configs.get('segment.bytes')).toBe(String(DEFAULT_LOG_CONFIG.segmentBytes));
    for (const p of [0, 1]) {
      const log = admin.broker.partitions.get('events', p)!.log;
      expect(log.config.cleanupPolicy).toBe('compact');
      expect(log.config.maxMessageBytes).toBe(2048);
      expect(log.config.segmentBytes).toBe(DEFAULT_LOG_CONFIG.segmentBytes);
    }
  });

  it('AlterConfigs validate_only and invalid configs change nothing', async () => {
    const alter = (value: string | null, validateOnly: boolean) =>
      call(admin.broker, ApiKey.ALTER_CONFIGS, 0, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'events',
            configs: [{ name: 'retention.ms', value }],
          },
        ],
        validateOnly,
      });
    expect((await alter('5000', true)).responses[0]?.errorCode).toBe(0);
    expect((await alter('soon', false)).responses[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(null, false)).responses[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(admin.store.get('events')?.configs).toEqual({ 'segment.bytes': '1048576' });
    expect(admin.broker.partitions.get('events', 0)?.log.config.segmentBytes).toBe(1048576);
  });

  it('AlterConfigs refuses broker resources, duplicates and unknown topics', async () => {
    const res = await call(admin.broker, ApiKey.ALTER_CONFIGS, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '3', configs: [] },
        { resourceType: TOPIC, resourceName: 'missing', configs: [] },
        { resourceType: TOPIC, resourceName: 'events', configs: [] },
        { resourceType: TOPIC, resourceName: 'events', configs: [] },
      ],
      validateOnly: false,
    });
    expect(res.responses.map((r) => r.errorCode)).toEqual([42, 3, 42, 42]);
    expect(admin.store.get('events')?.configs).toEqual({ 'segment.bytes': '1048576' });
  });

  it('IncrementalAlterConfigs SET keeps other overrides; DELETE returns to the default', async () => {
    let res = await incremental([{ name: 'retention.ms', configOperation: SET, value: '60000' }]);
    expect(res.responses[0]?.errorCode).toBe(0);
    expect(admin.store.get('events')?.configs).toEqual({
      'segment.bytes': '1048576',
      'retention.ms': '60000',
    });
    expect(admin.broker.partitions.get('events', 1)?.log.config.retentionMs).toBe(60000);
    res = await incremental([
      { name: 'retention.ms', configOperation: DELETE, value: null },
      { name: 'segment.bytes', configOperation: DELETE, value: null },
      { name: 'flush.ms', configOperation: DELETE, value: null },
    ]);
    expect(res.responses[0]?.errorCode).toBe(0);
    expect(admin.store.get('events')?.configs).toEqual({});
    const configs = await topicConfigs();
    expect(configs.get('retention.ms')).toBe('86400000');
    const log = admin.broker.partitions.get('events', 0)!.log;
    expect(log.config.retentionMs).toBe(86_400_000);
    expect(log.config.segmentBytes).toBe(DEFAULT_LOG_CONFIG.segmentBytes);
  });

  it('IncrementalAlterConfigs APPEND and SUBTRACT edit cleanup.policy as a list', async () => {
    await incremental([{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }]);
    expect(admin.store.get('events')?.configs['cleanup.policy']).toBe('delete,compact');
    expect(admin.broker.partitions.get('events', 0)?.log.config.cleanupPolicy).toBe(
      'compact,delete',
    );
    expect((await topicConfigs()).get('cleanup.policy')).toBe('compact,delete');
    await incremental([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }]);
    expect(admin.store.get('events')?.configs['cleanup.policy']).toBe('compact');
    expect(admin.broker.partitions.get('events', 1)?.log.config.cleanupPolicy).toBe('compact');
    const emptied = await incremental([
      { name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' },
    ]);
    expect(emptied.responses[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('IncrementalAlterConfigs refuses bad operations and validates without applying', async () => {
    const cases: [IncrementalAlterableConfig[], number][] = [
      [[{ name: 'retention.ms', configOperation: APPEND, value: '1' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'retention.ms', configOperation: 7, value: '1' }], ErrorCode.INVALID_REQUEST],
      [[{ name: 'retention.ms', configOperation: SET, value: null }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'bogus', configOperation: SET, value: '1' }], ErrorCode.INVALID_CONFIG],
      [
        [
          { name: 'retention.ms', configOperation: SET, value: '1' },
          { name: 'retention.ms', configOperation: DELETE, value: null },
        ],
        ErrorCode.INVALID_REQUEST,
      ],
    ];
    for (const [configs, code] of cases) {
      const res = await incremental(configs);
      expect(res.responses[0]?.errorCode).toBe(code);
      expect(res.responses[0]?.errorMessage).not.toBeNull();
    }
    const dry = await incremental(
      [{ name: 'retention.ms', configOperation: SET, value: '1' }],
      true,
    );
    expect(dry.responses[0]?.errorCode).toBe(0);
    expect(admin.store.get('events')?.configs).toEqual({ 'segment.bytes': '1048576' });
    const broker = await call(admin.broker, ApiKey.INCREMENTAL_ALTER_CONFIGS, 0, {
      resources: [{ resourceType: BROKER, resourceName: '3', configs: [] }],
      validateOnly: false,
    });
    expect(broker.responses[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
