import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../helpers/run.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

const MAIN = fileURLToPath(new URL('../../../core/cli/main.ts', import.meta.url));

/** Runs `fjord ...` from source; resolves with stdout, or with the failure for non-zero exits. */
async function fjord(...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args]);
    return { ok: true, out: stdout.toString() };
  } catch (err) {
    return { ok: false, out: (err as Error).message };
  }
}

describe('fjord topics', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('creates, lists, describes, alters and deletes a topic', async () => {
    const b = ['--bootstrap-server', broker.bootstrap];
    expect(
      await fjord(
        'topics',
        'create',
        'cli-orders',
        '--partitions',
        '3',
        '--replication-factor',
        '1',
        '--config',
        'retention.ms=60000',
        ...b,
      ),
    ).toEqual({
      ok: true,
      out: 'Created topic cli-orders.\n',
    });
    expect((await fjord('topics', 'list', ...b)).out.split('\n')).toContain('cli-orders');
    const described = (await fjord('topics', 'describe', 'cli-orders', ...b)).out;
    expect(described).toMatch(/^Topic: cli-orders\tPartitionCount: 3\tConfigs: retention.ms=60000/);
    expect(described).toContain(
      'Partition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tLogStartOffset: 0\tLogEndOffset: 0',
    );
    expect(
      (await fjord('topics', 'alter', 'cli-orders', '--config', 'cleanup.policy=compact', ...b)).ok,
    ).toBe(true);
    expect((await fjord('topics', 'describe', 'cli-orders', ...b)).out).toMatch(
      /Configs: .*cleanup.policy=compact/,
    );
    expect(await fjord('topics', 'delete', 'cli-orders', ...b)).toEqual({
      ok: true,
      out: 'Deleted topic cli-orders.\n',
    });
  });

  it('prints one clear line and exits non-zero on errors, using FJORD_BOOTSTRAP_SERVERS', async () => {
    process.env.FJORD_BOOTSTRAP_SERVERS = broker.bootstrap;
    try {
      expect((await fjord('topics', 'create', 'dup')).ok).toBe(true);
      const dup = await fjord('topics', 'create', 'dup');
      expect(dup.ok).toBe(false);
      expect(dup.out).toMatch(/fjord: create topic dup: TOPIC_ALREADY_EXISTS/);
      const bad = await fjord('topics', 'create', 'bad name!');
      expect(bad.out).toMatch(/fjord: create topic bad name!: INVALID_TOPIC_EXCEPTION/);
    } finally {
      delete process.env.FJORD_BOOTSTRAP_SERVERS;
    }
    const unreachable = await fjord('topics', 'list', '--bootstrap-server', '127.0.0.1:1');
    expect(unreachable.ok).toBe(false);
    expect(unreachable.out).toMatch(/fjord: .*127\.0\.0\.1:1/);
  });
});
