import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';

import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { freePort } from '../../helpers/etcd-process.js';

const MAIN = fileURLToPath(new URL('../../../core/cli/main.ts', import.meta.url));

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** `cluster dev` puts etcd's peer port next to its client port: both must be free. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65535 && (await bindable(port + 1))) return port;
  }
}

describe('fjord cluster dev', () => {
  it('starts etcd and three brokers, prints the bootstrap list, serves RF=3 topics and stops on SIGINT', async () => {
    const etcdPort = await freePortPair();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'cluster',
        'dev',
        '--brokers',
        '3',
        '--port',
        '0',
        '--etcd-port',
        String(etcdPort),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FJORD_LOG_LEVEL: 'warn' } },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const exited = new Promise<number | string>((resolve) => {
      child.on('exit', (code, signal) => {
        resolve(signal ?? code ?? -1);
      });
    });
    try {
      const bootstrap = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => {
          reject(new Error(`no bootstrap line: ${out}\nstderr: ${errors}`));
        }, 50_000);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`cluster dev exited (${String(code)}): ${out}\nstderr: ${errors}`));
        });
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /bootstrap: (\S+)/.exec(out);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(bootstrap.split(',')).toHaveLength(3);
      const kafka = new Kafka({
        clientId: 'cluster-dev',
        brokers: bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 500 },
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'dev', numPartitions: 3 }] });
      const metadata = await admin.fetchTopicMetadata({ topics: ['dev'] });
      for (const p of metadata.topics[0]?.partitions ?? []) expect(p.replicas).toHaveLength(3);
      await admin.disconnect();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
