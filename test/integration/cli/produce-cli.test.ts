import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { CompressionType } from '../../../core/protocol/records/compression.js';
import { Attributes } from '../../../core/protocol/records/batch-header.js';
import { directConnection, readPartition } from '../../helpers/partition-reader.js';
import { run } from '../../helpers/run.js';
import { startTestBroker } from '../../helpers/test-broker.js';
import type { TestBroker } from '../../helpers/test-broker.js';

const MAIN = fileURLToPath(new URL('../../../core/cli/main.ts', import.meta.url));

/** Runs `fjord ...` from source with `input` on stdin. */
async function fjord(input: string, ...args: string[]): Promise<{ ok: boolean; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], { input });
    return { ok: true, stderr };
  } catch (err) {
    return { ok: false, stderr: (err as Error).message };
  }
}

describe('fjord produce', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ 'auto.create.topics.enable': 'false' });
    const admin = await Admin.connect(broker.bootstrap);
    await admin.createTopic('cli-lines', 1, 1);
    await admin.createTopic('cli-keyed', 3, 1);
    await admin.close();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('produces one record per stdin line with headers, acks and compression', async () => {
    const lines = ['first', '', 'third line', 'ünïcödé'];
    const result = await fjord(
      `${lines.join('\n')}\n`,
      'produce',
      'cli-lines',
      '--bootstrap-server',
      broker.bootstrap,
      '--header',
      'source=cli',
      'run=1',
      '--acks',
      '1',
      '--compression',
      'gzip',
    );
    expect(result).toEqual({
      ok: true,
      stderr: 'Produced 4 records to cli-lines (partitions 0)\n',
    });
    const verifier = await directConnection(broker.port);
    const { records, batches } = await readPartition(verifier, 'cli-lines', 0);
    await verifier.close();
    expect(records.map((r) => r.value?.toString())).toEqual(lines);
    expect(records.every((r) => r.key === null)).toBe(true);
    expect(records[0]!.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`)).toEqual([
      'source=cli',
      'run=1',
    ]);
    for (const b of batches)
      expect(b.attributes & Attributes.COMPRESSION_MASK).toBe(CompressionType.GZIP);
  });

  it('splits keys at the first separator', async () => {
    const result = await fjord(
      'a:1\nb:2:extra\nno-separator\na:3\n',
      'produce',
      'cli-keyed',
      '--bootstrap-server',
      broker.bootstrap,
      '--key-separator',
      ':',
    );
    expect(result.ok).toBe(true);
    const verifier = await directConnection(broker.port);
    const stored = [];
    for (const p of [0, 1, 2])
      stored.push(...(await readPartition(verifier, 'cli-keyed', p)).records);
    await verifier.close();
    const pairs = stored.map((r) => [r.key?.toString() ?? null, r.value?.toString()]);
    expect(pairs).toHaveLength(4);
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['a', '1'],
        ['b', '2:extra'],
        [null, 'no-separator'],
        ['a', '3'],
      ]),
    );
  });

  it('fails with one "fjord:" line and a non-zero exit for an unknown topic', async () => {
    const result = await fjord(
      'x\n',
      'produce',
      'missing-topic',
      '--bootstrap-server',
      broker.bootstrap,
    );
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/exited 1; stderr: fjord: .*missing-topic/);
  });

  it('refuses a bad --acks value', async () => {
    const result = await fjord('x\n', 'produce', 'cli-lines', '--acks', '2');
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/fjord: --acks 2: expected 0, 1 or all/);
  });
});
