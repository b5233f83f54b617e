/**
 * A throwaway etcd server for tests: `etcd` from PATH on 127.0.0.1 with free ports and a temp data
 * folder, ready once its `/health` endpoint answers healthy (never a fixed sleep).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { etcdArgs } from '../../core/cli/etcd-launcher.js';

/** A running etcd. */
export interface EtcdProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`, what etcd3 clients and `--metadata etcd://...` take. */
  readonly endpoint: string;
  readonly clientPort: number;
  readonly dataDir: string;
  /** Resolves with the exit code or signal once the process ended. */
  readonly exited: Promise<number | string>;
  /** SIGKILLs etcd and starts it again on the same ports and data folder. */
  restart(): Promise<EtcdProcess>;
  /** Stops etcd and, unless `keepData`, removes its data folder. */
  stop(keepData?: boolean): Promise<void>;
}

/** A port the OS considers free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function healthy(clientPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${clientPort}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

/** Waits for `/health`, polling every 50 ms, failing early if the process exits. */
async function waitHealthy(
  clientPort: number,
  exited: Promise<number | string>,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  let gone: number | string | undefined;
  void exited.then((how) => {
    gone = how;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`etcd exited (${String(gone)}): ${log()}`);
    if (await healthy(clientPort)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd not healthy within ${timeoutMs} ms: ${log()}`);
}

function launch(
  dataDir: string,
  clientPort: number,
  peerPort: number,
): { child: ChildProcess; exited: Promise<number | string>; log: () => string } {
  const child = spawn(
    process.env.FJORD_ETCD_BIN ?? 'etcd',
    etcdArgs('fjord-test', dataDir, clientPort, peerPort),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(signal ?? code ?? -1);
    });
    child.on('error', (err) => {
      log += String(err);
      resolve(-1);
    });
  });
  return { child, exited, log: () => log };
}

/** Starts etcd; retries with other ports if a port was taken between choosing and binding. */
export async function startEtcd(timeoutMs = 20_000): Promise<EtcdProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-etcd-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const started = launch(dataDir, clientPort, peerPort);
    try {
      await waitHealthy(clientPort, started.exited, started.log, timeoutMs);
      return handle(dataDir, clientPort, peerPort, started);
    } catch (err) {
      lastError = err;
      started.child.kill('SIGKILL');
      await started.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { recursive: true });
    }
  }
  throw lastError;
}

function handle(
  dataDir: string,
  clientPort: number,
  peerPort: number,
  started: ReturnType<typeof launch>,
): EtcdProcess {
  return {
    child: started.child,
    exited: started.exited,
    endpoint: `http://127.0.0.1:${clientPort}`,
    clientPort,
    dataDir,
    async restart() {
      started.child.kill('SIGKILL');
      await started.exited;
      const again = launch(dataDir, clientPort, peerPort);
      await waitHealthy(clientPort, again.exited, again.log, 20_000);
      return handle(dataDir, clientPort, peerPort, again);
    },
    async stop(keepData = false) {
      started.child.kill('SIGTERM');
      await started.exited;
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
