import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../core/cli/main.ts', import.meta.url));

/** A broker running as a child process (`fjord broker start`), for kill -9 and restart tests. */
export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves with the exit code or signal once the process ended. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `fjord broker start --port 0 --data <dir>` from source (through tsx) and resolves once its
 * "broker started" log line names the port it bound.
 */
export function spawnBroker(
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<BrokerProcess> {
  // FJORD_BROKER_NODE_ARGS passes Node flags to every broker (`--cpu-prof --cpu-prof-dir=...`).
  const nodeArgs = process.env.FJORD_BROKER_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      MAIN,
      'broker',
      'start',
      '--port',
      '0',
      '--data',
      dataDir,
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, FJORD_LOG_LEVEL: 'info' },
    },
  );
  // FJORD_BROKER_LOG_DIR keeps every broker's log lines, for diagnosing a failed fault test.
  const logDir = process.env.FJORD_BROKER_LOG_DIR;
  if (logDir !== undefined) {
    const file = fs.createWriteStream(path.join(logDir, `${path.basename(dataDir)}.log`), {
      flags: 'a',
    });
    child.stderr.pipe(file);
  }
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(signal ?? code ?? -1);
    });
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start within 30 s: ${log}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      log += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'broker started' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve({ child, port: entry.port, exited });
          }
        } catch {
          // Not a JSON log line.
        }
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`broker exited (${how}) before starting: ${log}`));
    });
  });
}

/**
 * Runs `work` against a broker child process with a fresh temporary data folder; stops the
 * broker (SIGTERM) and removes the folder afterwards, whether `work` succeeds or not.
 */
export async function withBrokerProcess<T>(
  work: (broker: BrokerProcess, bootstrap: string) => Promise<T>,
  extraArgs: readonly string[] = [],
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-broker-process-'));
  const broker = await spawnBroker(dir, extraArgs);
  try {
    return await work(broker, `127.0.0.1:${broker.port}`);
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
