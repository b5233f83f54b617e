import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../../core/client/admin.js';
import { TestWriter } from '../../helpers/consumer-fixtures.js';
import { FAST_GROUP_PROPS, LineProcess, runFjord, waitUntil } from '../../helpers/groups.js';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';

const MAIN = fileURLToPath(new URL('../../../core/cli/main.ts', import.meta.url));

/** `fjord consume`, run from source against an in-process broker. */
describe('fjord consume', () => {
  let broker: TestBroker;
  let admin: Admin;
  let writer: TestWriter;
  let b: string[];

  beforeAll(async () => {
    broker = await startTestBroker(FAST_GROUP_PROPS);
    admin = await Admin.connect(broker.bootstrap);
    writer = await TestWriter.connect(broker.bootstrap);
    b = ['--bootstrap-server', broker.bootstrap];
    await admin.createTopic('cli-consume', 2, 1);
    await writer.write(
      'cli-consume',
      0,
      Array.from({ length: 20 }, (_, i) => ({
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
        timestamp: 1_000_000 + i * 1000,
        headers: i === 0 ? [{ key: 'h', value: Buffer.from('x') }] : [],
      })),
    );
    await writer.writeValues('cli-consume', 1, 20, 'w');
  });
  afterAll(async () => {
    await writer.close();
    await admin.close();
    await broker.close();
  });

  it('prints values, or key<TAB>value, from the beginning up to --max-messages', async () => {
    const plain = await runFjord([
      'consume',
      'cli-consume',
      ...b,
      '--from-beginning',
      '--max-messages',
      '40',
    ]);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.trim().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.filter((l) => l.startsWith('v'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `v${i}`),
    );
    expect(plain.stderr).toContain('Processed a total of 40 messages');

    const keyed = await runFjord([
      'consume',
      'cli-consume',
      ...b,
      '--partition',
      '0',
      '--offset',
      '18',
      '--print-key',
      '--print-headers',
      '--max-messages',
      '2',
    ]);
    expect(keyed.stdout).toBe('NO_HEADERS\tk18\tv18\nNO_HEADERS\tk19\tv19\n');
  });

  it('prints JSON, and starts at a time with --from-time', async () => {
    const json = await runFjord([
      'consume',
      'cli-consume',
      ...b,
      '--partition',
      '0',
      '--from-time',
      new Date(1_000_000 + 15_000).toISOString(),
      '--format',
      'json',
      '--max-messages',
      '1',
    ]);
    expect(JSON.parse(json.stdout)).toEqual({
      topic: 'cli-consume',
      partition: 0,
      offset: 15,
      timestamp: 1_015_000,
      key: 'k15',
      value: 'v15',
      headers: [],
    });
    const first = await runFjord([
      'consume',
      'cli-consume',
      ...b,
      '--partition',
      '0',
      '--from-beginning',
      '--print-headers',
      '--max-messages',
      '1',
    ]);
    expect(first.stdout).toBe('h:x\tv0\n');
  });

  it('with --group commits exactly the records printed, and stops cleanly on SIGINT', async () => {
    const part = await runFjord([
      'consume',
      'cli-consume',
      ...b,
      '--group',
      'cli-g',
      '--from-beginning',
      '--max-messages',
      '5',
    ]);
    expect(part.code).toBe(0);
    const offsets = await admin.groups.committedOffsets('cli-g');
    expect(offsets.reduce((sum, o) => sum + o.offset, 0)).toBe(5);

    const rest = new LineProcess(process.execPath, [
      '--import',
      'tsx',
      MAIN,
      'consume',
      'cli-consume',
      ...b,
      '--group',
      'cli-g',
      // Only partitions without a committed offset start at the beginning.
      '--from-beginning',
    ]);
    await waitUntil('the other 35 records printed', () => rest.lines.length >= 35, {
      timeoutMs: 30_000,
    });
    expect(await rest.stop('SIGINT')).toBe(0);
    expect(rest.stderr).toContain('Processed a total of 35 messages');
    const all = await admin.groups.committedOffsets('cli-g');
    expect(all.map((o) => o.offset)).toEqual([20, 20]);
    expect((await admin.groups.describe('cli-g')).members).toHaveLength(0);
  });

  it('refuses contradictory flags', async () => {
    const bad = await runFjord(['consume', 'cli-consume', ...b, '--offset', '3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--offset needs --partition');
  });
});
