/**
 * Helpers for the consumer-group acceptance tests: bounded polling of observable state, the
 * `fjord` CLI run from source, long-running client processes read line by line, and checks on
 * a group's assignment as the coordinator reports it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Admin } from '../../core/client/admin.js';
import type { GroupDescription } from '../../core/client/group-admin.js';

const MAIN = fileURLToPath(new URL('../../core/cli/main.ts', import.meta.url));

/** Broker properties that keep group tests fast (Kafka's defaults are built for production). */
export const FAST_GROUP_PROPS: Readonly<Record<string, string>> = {
  'group.initial.rebalance.delay.ms': '50',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '3',
};

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined/false and
 * resolves with that; rejects after `timeoutMs` naming `what` and the last value seen.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The outcome of one `fjord` run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --import tsx core/cli/main.ts ...args` to completion (never rejects on exit codes). */
export function runFjord(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 60_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The non-blank lines of a table, each split into its whitespace-separated cells. */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/));
}

/** A long-running child process whose stdout is collected line by line. */
export class LineProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | string>;
  private readonly child: ChildProcess;

  constructor(
    command: string,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ) {
    this.child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        resolve(signal ?? code ?? -1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` (if still running) and resolves once the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** A kafkajs-style assignment map: topic → partitions. */
export type AssignmentMap = Readonly<Record<string, readonly number[]>>;

/** `topic-partition` keys of an assignment map. */
export function partitionKeys(assignment: AssignmentMap): string[] {
  return Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}-${p}`));
}

/**
 * Waits until the coordinator reports `groupId` Stable with `members` members whose assignments
 * of `topic` are disjoint, non-empty and cover all `partitions`; resolves with the description.
 */
export function waitForBalancedGroup(
  admin: Admin,
  groupId: string,
  topic: string,
  partitions: number,
  members: number,
  timeoutMs = 25_000,
): Promise<GroupDescription> {
  return waitUntil(
    `group ${groupId} stable with ${members} members sharing ${topic}'s ${partitions} partitions`,
    async () => {
      const d = await admin.groups.describe(groupId);
      if (d.state !== 'Stable' || d.members.length !== members) return undefined;
      const owned = d.members.map((m) =>
        m.assignment.filter((a) => a.topic === topic).flatMap((a) => a.partitions),
      );
      const all = owned.flat().sort((a, b) => a - b);
      const expected = Array.from({ length: partitions }, (_, i) => i);
      const balanced =
        owned.every((ps) => ps.length > 0 || members > partitions) &&
        JSON.stringify(all) === JSON.stringify(expected);
      return balanced ? d : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
