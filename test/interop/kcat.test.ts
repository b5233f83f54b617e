import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Admin } from '../../core/client/admin.js';
import { run } from '../helpers/run.js';
import { startTestBroker } from '../helpers/test-broker.js';
import type { TestBroker } from '../helpers/test-broker.js';

/**
 * kcat (librdkafka 2.0.2), unmodified, against fjord: metadata, produce with every codec and both
 * acks extremes, consume from the beginning, from an offset and from a timestamp.
 */
const RECORDS = 100_000;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function records(tag: string): { key: string; value: string }[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    key: `key-${i % 997}-${tag}`,
    value: `value-${i}-${tag}-${'x'.repeat(i % 50)}`,
  }));
}

function asInput(rows: readonly { key: string; value: string }[]): string {
  return rows.map((r) => `${r.key}\t${r.value}\n`).join('');
}

describe('kcat against fjord', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = await Admin.connect(broker.bootstrap);
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

  async function consume(
    topic: string,
    offsetSpec: string,
    count: number,
    format = '%k\t%s\t%h\n',
  ): Promise<string[]> {
    const { stdout } = await run(
      'kcat',
      [
        '-C',
        '-b',
        broker.bootstrap,
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        offsetSpec,
        '-c',
        String(count),
        '-q',
        '-f',
        format,
      ],
      { timeoutMs: 120_000 },
    );
    return stdout.toString().split('\n').slice(0, count);
  }

  it('lists brokers and topics with -L', async () => {
    await admin.createTopic('kcat-metadata', 3, 1);
    const { stdout } = await run('kcat', ['-L', '-b', broker.bootstrap]);
    const text = stdout.toString();
    expect(text).toContain(`broker 1 at 127.0.0.1:${broker.port}`);
    expect(text).toMatch(/topic "kcat-metadata" with 3 partitions/);
  });

  for (const codec of CODECS) {
    it(`round-trips ${RECORDS.toLocaleString()} keyed records with headers compressed with ${codec}`, async () => {
      const topic = `kcat-${codec}`;
      await admin.createTopic(topic, 1, 1);
      const rows = records(codec);
      await run(
        'kcat',
        [
          '-P',
          '-b',
          broker.bootstrap,
          '-t',
          topic,
          '-p',
          '0',
          '-K',
          '\t',
          '-z',
          codec,
          '-H',
          'origin=kcat',
          '-H',
          `codec=${codec}`,
          '-X',
          'acks=all',
        ],
        { input: asInput(rows), timeoutMs: 120_000 },
      );
      const lines = await consume(topic, 'beginning', RECORDS);
      expect(lines).toHaveLength(RECORDS);
      for (let i = 0; i < RECORDS; i++) {
        const expected = `${rows[i]!.key}\t${rows[i]!.value}\torigin=kcat,codec=${codec}`;
        if (lines[i] !== expected) expect(lines[i]).toBe(expected);
      }
      const fromOffset = await consume(topic, '54321', 3, '%o\t%k\t%s\n');
      expect(fromOffset).toEqual(
        [54321, 54322, 54323].map((o) => `${o}\t${rows[o]!.key}\t${rows[o]!.value}`),
      );
    });
  }

  it('consumes from a timestamp with -o s@<ms>', async () => {
    const topic = 'kcat-timestamps';
    await admin.createTopic(topic, 1, 1);
    for (let round = 0; round < 3; round++) {
      await run('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t'], {
        input: asInput(records(`r${round}`).slice(0, 100)),
      });
    }
    const stamped = (await consume(topic, 'beginning', 300, '%o %T\n')).map((line) =>
      line.split(' ').map(Number),
    );
    const pivot = stamped[150]![1]!;
    const firstAtOrAfter = stamped.find(([, ts]) => ts! >= pivot)![0]!;
    const [line] = await consume(topic, `s@${pivot}`, 1, '%o %T\n');
    expect(line).toBe(`${firstAtOrAfter} ${stamped[firstAtOrAfter]![1]}`);
  });

  it('delivers with acks=0 (no responses expected) and with acks=all', async () => {
    const topic = 'kcat-acks';
    await admin.createTopic(topic, 1, 1);
    const zero = records('acks0').slice(0, 5000);
    const all = records('acksall').slice(0, 5000);
    await run(
      'kcat',
      ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-X', 'acks=0'],
      { input: asInput(zero) },
    );
    await run(
      'kcat',
      ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-X', 'acks=all'],
      { input: asInput(all) },
    );
    const lines = await consume(topic, 'beginning', 10_000, '%k\t%s\n');
    expect(lines).toEqual([...zero, ...all].map((r) => `${r.key}\t${r.value}`));
  });
});
