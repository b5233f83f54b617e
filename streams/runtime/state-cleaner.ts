/**
 * The state directory's upkeep (Kafka Streams' StateDirectory cleaner and `cleanUp()`): the
 * directories of tasks no longer assigned here are deleted once unused for
 * `state.cleanup.delay.ms` (by their modification time, which every checkpoint of an owning
 * task refreshes); `cleanUp` deletes the whole `<state.dir>/<application.id>` of an app that
 * is not running. A directory is deleted only under its lock, so a task owning it (here or in
 * another live process) keeps it. A thin adapter over `node:fs`.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../../core/index.js';
import {
  DEFAULT_STATE_DIR,
  lockTaskDirectory,
  TaskDirectoryLockedError,
  type TaskDirectoryLock,
} from '../state/index.js';

import { parseTaskName } from './task.js';

/** The task directories under `appDir` (named `<subtopology>_<partition>`). */
function taskDirectories(appDir: string): string[] {
  try {
    return readdirSync(appDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && parseTaskName(e.name) !== undefined)
      .map((e) => join(appDir, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The lock of `dir`, or undefined when another owner holds it. */
function tryLock(dir: string): TaskDirectoryLock | undefined {
  try {
    return lockTaskDirectory(dir);
  } catch (err) {
    if (err instanceof TaskDirectoryLockedError) return undefined;
    throw err;
  }
}

/**
 * `<state.dir>/<application.id>`: the directory of one app's task directories.
 *
 * @example
 * ```ts
 * appStateDirectory('/var/lib/fjord', 'words'); // '/var/lib/fjord/words'
 * ```
 */
export function appStateDirectory(stateDir: string | undefined, applicationId: string): string {
  return join(stateDir ?? DEFAULT_STATE_DIR, applicationId);
}

/**
 * Deletes the task directories of an app unused for `delayMs`, at most once per `delayMs`.
 *
 * @example
 * ```ts
 * const cleaner = new StateCleaner(appStateDirectory(undefined, 'words'), 600_000, logger, Date.now());
 * setInterval(() => cleaner.maybeClean(Date.now()), 100);
 * ```
 */
export class StateCleaner {
  private nextMs: number;

  constructor(
    private readonly appDir: string,
    private readonly delayMs: number,
    private readonly logger: Logger,
    startMs: number,
  ) {
    this.nextMs = startMs + delayMs;
  }

  /** Cleans when `delayMs` passed since the last time; returns the directories deleted. */
  maybeClean(nowMs: number): string[] {
    if (nowMs < this.nextMs) return [];
    this.nextMs = nowMs + this.delayMs;
    return this.clean(nowMs);
  }

  /**
   * Deletes every task directory last modified more than `delayMs` before `nowMs` (wall-clock
   * epoch ms, as file times are) whose lock is free; returns them.
   */
  clean(nowMs: number): string[] {
    const deleted: string[] = [];
    for (const dir of taskDirectories(this.appDir)) {
      // Before the lock: taking it touches the directory.
      const unusedMs = nowMs - statSync(dir).mtimeMs;
      if (unusedMs <= this.delayMs) continue;
      const lock = tryLock(dir);
      if (lock === undefined) continue;
      try {
        rmSync(dir, { recursive: true, force: true });
      } finally {
        lock.release();
      }
      deleted.push(dir);
      this.logger.info(
        { dir, unusedMs: Math.round(unusedMs) },
        'deleted the state of a task no longer assigned here',
      );
    }
    return deleted;
  }
}

/**
 * Deletes `appDir` (an app's local state: Kafka's `KafkaStreams#cleanUp()`), after taking the
 * lock of each of its task directories; throws {@link TaskDirectoryLockedError}, deleting
 * nothing, when another owner holds one.
 *
 * @example
 * ```ts
 * cleanUpAppState(appStateDirectory('/var/lib/fjord', 'words'));
 * ```
 */
export function cleanUpAppState(appDir: string): void {
  const locks: TaskDirectoryLock[] = [];
  try {
    for (const dir of taskDirectories(appDir)) locks.push(lockTaskDirectory(dir));
    rmSync(appDir, { recursive: true, force: true });
  } finally {
    for (const lock of locks) lock.release();
  }
}
