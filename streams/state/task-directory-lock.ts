/**
 * The lock on a task's state directory (Kafka Streams' `.lock`): a task that keeps files there
 * holds it while it owns them, so two app instances sharing a `state.dir` (in one process or
 * two) never open, wipe or delete one task's stores at once. The lock is a file `.lock` holding
 * the owner's pid, created atomically (a hard link of a complete temporary file, which fails
 * when the lock exists); a lock whose pid is no longer alive (its process crashed) is taken
 * over. Inside one process a set of held directories tells the instances apart, since they
 * share a pid. A thin adapter over `node:fs`.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { StateStoreError } from './state-store-error.js';

/** The lock file's name in a task directory. */
export const LOCK_FILE = '.lock';

/** Directories this process holds the lock of (resolved paths). */
const held = new Set<string>();

/**
 * A task directory could not be locked: another owner (another task instance of this process,
 * or the live process `ownerPid`) holds it. Retriable: the owner releases it when it closes.
 *
 * @example
 * ```ts
 * try { lockTaskDirectory(dir); } catch (err) { if (err instanceof TaskDirectoryLockedError) retryLater(); }
 * ```
 */
export class TaskDirectoryLockedError extends StateStoreError {
  constructor(
    readonly dir: string,
    readonly ownerPid: number | undefined,
  ) {
    super(
      `state directory ${dir} is locked by ${ownerPid === undefined || ownerPid === process.pid ? 'another task of this process' : `process ${ownerPid}`}: ` +
        'two app instances must not share a state.dir (the task is created once the lock is free)',
    );
  }
}

/**
 * A held lock on a task directory.
 *
 * @example
 * ```ts
 * const lock = lockTaskDirectory('/var/lib/fjord/state/words/0_1');
 * lock.release();
 * ```
 */
export interface TaskDirectoryLock {
  /** The directory (resolved). */
  readonly dir: string;
  /** Frees the lock (idempotent; fine when the directory was deleted meanwhile). */
  release(): void;
}

/**
 * Whether process `pid` runs: signal 0 checks without sending anything (EPERM: it runs under
 * another user).
 *
 * @example
 * ```ts
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of task directory `dir` (creating the directory); throws
 * {@link TaskDirectoryLockedError} when another owner holds it. A lock file of a dead process
 * (or an unreadable one) is stale and taken over.
 *
 * @example
 * ```ts
 * const lock = lockTaskDirectory(taskDirectory(stateDir, 'words', '0_1'));
 * ```
 */
export function lockTaskDirectory(
  dir: string,
  alive: (pid: number) => boolean = isProcessAlive,
): TaskDirectoryLock {
  const path = resolve(dir);
  if (held.has(path)) throw new TaskDirectoryLockedError(path, process.pid);
  mkdirSync(path, { recursive: true });
  const file = join(path, LOCK_FILE);
  if (!create(file)) {
    const owner = ownerOf(file);
    // Our own pid without an entry in `held`: left by an instance of this process that died.
    if (owner !== undefined && owner !== process.pid && alive(owner))
      throw new TaskDirectoryLockedError(path, owner);
    rmSync(file, { force: true });
    // Two instances may take a stale lock over at once: the link decides.
    if (!create(file)) throw new TaskDirectoryLockedError(path, ownerOf(file));
  }
  held.add(path);
  let released = false;
  return {
    dir: path,
    release: () => {
      if (released) return;
      released = true;
      held.delete(path);
      if (ownerOf(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Whether `path` is locked by a task of this process. */
export function isLockedHere(path: string): boolean {
  return held.has(resolve(path));
}

/** Creates the lock file with this process's pid; false when it exists. */
function create(file: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, String(process.pid));
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateStoreError(`cannot lock ${file}`, { cause: err });
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The pid in a lock file; undefined when it is gone or unreadable. */
function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
