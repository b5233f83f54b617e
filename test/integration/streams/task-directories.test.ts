import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../../core/index.js';
import {
  Serdes,
  StreamsBuilder,
  StreamsError,
  type RunnableTopology,
} from '../../../streams/index.js';
import { createErrorHandling } from '../../../streams/runtime/default-error-handling.js';
import { StateCleaner } from '../../../streams/runtime/state-cleaner.js';
import { StreamsApp } from '../../../streams/runtime/streams-app.js';
import type { TaskEnvironment } from '../../../streams/runtime/task.js';
import { TaskRegistry } from '../../../streams/runtime/task-registry.js';
import {
  LOCK_FILE,
  lockTaskDirectory,
  TaskDirectoryLockedError,
} from '../../../streams/state/index.js';
import { tempDirsPerTest } from '../../helpers/temp-dir.js';

const tempDir = tempDirsPerTest('fjord-task-dirs-');

/** A pid no process has now: a child's, after it exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

describe('the lock of a task directory', () => {
  it('is a .lock file with the pid, held by one owner at a time, freed by release', () => {
    const dir = join(tempDir(), 'app', '0_0');
    const lock = lockTaskDirectory(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    expect(() => lockTaskDirectory(dir)).toThrow(TaskDirectoryLockedError);
    expect(() => lockTaskDirectory(dir)).toThrow(/another task of this process/);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockTaskDirectory(dir).release();
  });

  it('is refused while another live process holds it, naming that process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), String(process.ppid));
    let error: unknown;
    try {
      lockTaskDirectory(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TaskDirectoryLockedError);
    expect((error as TaskDirectoryLockedError).ownerPid).toBe(process.ppid);
    expect((error as Error).message).toMatch(`locked by process ${process.ppid}`);
  });

  it('is taken over from a dead process (a stale lock) and from unreadable content', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), String(deadPid()));
    const lock = lockTaskDirectory(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    lockTaskDirectory(dir).release();
  });
});

function persistentCount(): RunnableTopology {
  const b = new StreamsBuilder();
  b.stream('in', { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ name: 'counts', storeType: 'persistent' });
  return b.build();
}

function environment(stateDir: string): TaskEnvironment {
  const collector = { pending: 0, send: () => undefined, flush: () => Promise.resolve() };
  return {
    applicationId: 'app',
    collector,
    errors: createErrorHandling({ logger: silentLogger, collector }),
    logger: silentLogger,
    wallClockMs: () => 0,
    stateDir,
    lockTaskDirectories: true,
  };
}

describe('tasks and their directories', () => {
  it('a second instance cannot create a task whose directory is locked; it retries once free', () => {
    const topology = persistentCount();
    const stateDir = tempDir();
    const id = { subtopology: 0, partition: 0 };
    const first = topology.createTask(id, environment(stateDir));
    expect(() => topology.createTask(id, environment(stateDir))).toThrow(TaskDirectoryLockedError);

    const registry = new TaskRegistry(
      topology,
      new Map([['in', 0]]),
      () => environment(stateDir),
      silentLogger,
    );
    const partition = { topic: 'in', partition: 0 };
    expect(registry.assign([partition])).toEqual([]);
    expect(registry.pendingPartitions).toEqual([partition]);
    expect(registry.retryPending()).toEqual([]); // still locked
    first.close(); // releases the lock
    const [created] = registry.retryPending();
    expect(created?.id).toEqual(id);
    expect(registry.pendingPartitions).toEqual([]);
    expect(registry.taskNames).toEqual(['0_0']);
    registry.closeAll();
    expect(existsSync(join(stateDir, 'app', '0_0', LOCK_FILE))).toBe(false);
  });

  it('a released partition stops waiting for its task', () => {
    const topology = persistentCount();
    const stateDir = tempDir();
    const first = topology.createTask({ subtopology: 0, partition: 0 }, environment(stateDir));
    const registry = new TaskRegistry(
      topology,
      new Map([['in', 0]]),
      () => environment(stateDir),
      silentLogger,
    );
    registry.assign([{ topic: 'in', partition: 0 }]);
    registry.release([{ topic: 'in', partition: 0 }]);
    expect(registry.pendingPartitions).toEqual([]);
    first.close();
    expect(registry.retryPending()).toEqual([]);
  });

  it('tasks without persistent stores lock nothing and create no directory', () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: Serdes.string(), value: Serdes.string() }).groupByKey().count({
      name: 'counts',
    });
    const stateDir = tempDir();
    const env = environment(stateDir);
    const a = b.build().createTask({ subtopology: 0, partition: 0 }, env);
    a.close();
    expect(existsSync(join(stateDir, 'app'))).toBe(false);
  });
});

describe('the state cleaner', () => {
  it('deletes task directories unused for state.cleanup.delay.ms, unless locked, once per delay', () => {
    const appDir = join(tempDir(), 'app');
    const now = Date.now();
    const old = (now - 120_000) / 1000;
    for (const name of ['0_0', '0_1', '0_2', 'not-a-task']) {
      mkdirSync(join(appDir, name, 'counts'), { recursive: true });
      const t = name === '0_1' ? (now + 30_000) / 1000 : old; // 0_1: used 30 s before the run
      utimesSync(join(appDir, name), t, t);
    }
    const held = lockTaskDirectory(join(appDir, '0_2'));
    utimesSync(join(appDir, '0_2'), old, old);
    const cleaner = new StateCleaner(appDir, 60_000, silentLogger, now);
    expect(cleaner.maybeClean(now + 59_999)).toEqual([]); // not due yet
    expect(cleaner.maybeClean(now + 60_000)).toEqual([join(appDir, '0_0')]);
    expect(existsSync(join(appDir, '0_0'))).toBe(false);
    expect(existsSync(join(appDir, '0_1'))).toBe(true); // used recently
    expect(existsSync(join(appDir, '0_2'))).toBe(true); // owned
    expect(existsSync(join(appDir, 'not-a-task'))).toBe(true);
    held.release();
    utimesSync(join(appDir, '0_2'), old, old);
    expect(cleaner.maybeClean(now + 60_001)).toEqual([]); // the next run is a delay later
    // 0_1 is unused for 90 s by now too
    expect(cleaner.maybeClean(now + 120_000).sort()).toEqual([
      join(appDir, '0_1'),
      join(appDir, '0_2'),
    ]);
  });

  it('finds nothing to do before the app directory exists', () => {
    expect(new StateCleaner(join(tempDir(), 'none'), 1, silentLogger, 0).clean(10)).toEqual([]);
  });
});

describe('StreamsApp.cleanUp', () => {
  const config = (stateDir: string) =>
    ({
      'application.id': 'app',
      'bootstrap.servers': '127.0.0.1:1',
      'state.dir': stateDir,
    }) as const;

  it('deletes the app state directory when not running, unless another instance holds a task', async () => {
    const stateDir = tempDir();
    mkdirSync(join(stateDir, 'app', '0_0', 'counts'), { recursive: true });
    mkdirSync(join(stateDir, 'other-app', '0_0'), { recursive: true });
    const app = new StreamsApp(persistentCount(), config(stateDir), { handleSignals: false });
    const held = lockTaskDirectory(join(stateDir, 'app', '0_0'));
    expect(() => {
      app.cleanUp();
    }).toThrow(TaskDirectoryLockedError);
    expect(existsSync(join(stateDir, 'app', '0_0', 'counts'))).toBe(true);
    held.release();
    app.cleanUp();
    expect(existsSync(join(stateDir, 'app'))).toBe(false);
    expect(existsSync(join(stateDir, 'other-app'))).toBe(true);
    app.cleanUp(); // nothing left: fine
    await app.close();
    app.cleanUp(); // NOT_RUNNING
  });

  it('refuses while the app runs', async () => {
    const app = new StreamsApp(persistentCount(), config(tempDir()), { handleSignals: false });
    const started = app.start().catch(() => undefined);
    expect(app.state).toBe('REBALANCING');
    expect(() => {
      app.cleanUp();
    }).toThrow(StreamsError);
    await app.close({ timeoutMs: 5_000 });
    await started;
  });
});
