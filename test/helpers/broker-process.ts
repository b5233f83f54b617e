import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'broker', 'start', '--port', '0', '--data', dataDir, ...extraArgs],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, FJORD_LOG_LEVEL: 'info' },
    },
  );
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
