/**
 * Starts a single-member etcd from PATH for a development cluster: loopback only, data in a
 * folder the caller owns, ready once `/health` answers (polled, never a fixed sleep).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A running etcd. */
export interface LaunchedEtcd {
  readonly child: ChildProcess;
  readonly clientPort: number;
  /** Resolves once the process exited. */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

async function healthy(clientPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${clientPort}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

/** The arguments of a one-member etcd on 127.0.0.1 (quiet logs). */
export function etcdArgs(
  name: string,
  dataDir: string,
  clientPort: number,
  peerPort: number,
): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${name}=${peer}`,
    '--log-level=error',
    '--logger=zap',
  ];
}

/**
 * Runs `etcd` (or `$FJORD_ETCD_BIN`) with `dataDir` on `clientPort` and `peerPort` of 127.0.0.1;
 * rejects if it exits or is not healthy within `timeoutMs`.
 */
export async function launchEtcd(
  dataDir: string,
  clientPort: number,
  peerPort: number,
  timeoutMs = 20_000,
): Promise<LaunchedEtcd> {
  const child = spawn(
    process.env.FJORD_ETCD_BIN ?? 'etcd',
    etcdArgs('fjord-dev', dataDir, clientPort, peerPort),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const proc = { gone: false };
  const exited = new Promise<void>((resolve) => {
    child.on('exit', () => {
      proc.gone = true;
      resolve();
    });
    child.on('error', (err) => {
      log += String(err);
      proc.gone = true;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (!proc.gone) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(clientPort))) {
    if (proc.gone || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not start (is etcd on PATH? Debian: etcd-server): ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, clientPort, exited, stop };
}
