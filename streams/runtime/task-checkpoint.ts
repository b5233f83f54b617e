/**
 * The checkpoint file of a task, `<task dir>/.checkpoint`: for each persistent store's changelog
 * partition, the offset up to which the store's data on disk covers it. Written on every commit,
 * after the changelog records are acknowledged and the stores flushed to disk; read when the task
 * starts, so the store restores only the changelog past it.
 *
 * At least once (fjord's only guarantee so far), the file stays while the task runs, as Kafka
 * Streams keeps it: after a crash it names an offset the data covers at least (the store may
 * hold later writes too), and replaying the changelog from there rewrites each key with its
 * logged value, which is idempotent. A missing or unreadable file says nothing: the store is
 * wiped and restored from the changelog's start.
 *
 * The file is JSON, `{ "version": 1, "offsets": [{ "topic", "partition", "offset" }] }`, written
 * to a temporary file, synced and renamed over the old one, so a crash leaves the old or the new
 * file, never half of one. This is the thin adapter of the runtime that touches the disk.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** The name of the checkpoint file in a task's directory. */
export const CHECKPOINT_FILE = '.checkpoint';

const VERSION = 1;

/**
 * A changelog partition's checkpointed offset: the next offset to restore from.
 *
 * @example
 * ```ts
 * const c: CheckpointEntry = { topic: 'app-counts-changelog', partition: 1, offset: 4200 };
 * ```
 */
export interface CheckpointEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * What reading a checkpoint found.
 *
 * @example
 * ```ts
 * const read = readCheckpoint(dir);
 * if (read.kind === 'found') console.log(read.offsets);
 * ```
 */
export type CheckpointRead =
  | { readonly kind: 'found'; readonly offsets: readonly CheckpointEntry[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt'; readonly reason: string };

function isEntry(x: unknown): x is CheckpointEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.topic === 'string' &&
    Number.isSafeInteger(e.partition) &&
    Number.isSafeInteger(e.offset) &&
    (e.offset as number) >= 0
  );
}

/**
 * Reads the checkpoint of the task in `taskDir`.
 *
 * @example
 * ```ts
 * readCheckpoint('/tmp/fjord-streams/app/0_1'); // { kind: 'missing' } on a first start
 * ```
 */
export function readCheckpoint(taskDir: string): CheckpointRead {
  let text: string;
  try {
    text = readFileSync(join(taskDir, CHECKPOINT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: (err as Error).message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { kind: 'corrupt', reason: `not JSON: ${(err as Error).message}` };
  }
  const p = parsed as { version?: unknown; offsets?: unknown };
  if (p.version !== VERSION) return { kind: 'corrupt', reason: `version ${String(p.version)}` };
  if (!Array.isArray(p.offsets) || !p.offsets.every(isEntry))
    return { kind: 'corrupt', reason: 'malformed offsets' };
  return { kind: 'found', offsets: p.offsets };
}

/**
 * Replaces the checkpoint of the task in `taskDir` atomically (temporary file, sync, rename).
 *
 * @example
 * ```ts
 * writeCheckpoint(dir, [{ topic: 'app-counts-changelog', partition: 1, offset: 4200 }]);
 * ```
 */
export function writeCheckpoint(taskDir: string, offsets: readonly CheckpointEntry[]): void {
  mkdirSync(taskDir, { recursive: true });
  const path = join(taskDir, CHECKPOINT_FILE);
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, JSON.stringify({ version: VERSION, offsets }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/**
 * The task directories under `appDir` (`<state.dir>/<application.id>`) with a readable
 * checkpoint, each with the sum of its checkpointed offsets: the task state this instance could
 * restore from, which it reports to the group leader (see task-offset-sums.ts).
 *
 * @example
 * ```ts
 * checkpointedTasks('/var/lib/fjord/words'); // Map { '0_1' => 4200 }
 * ```
 */
export function checkpointedTasks(appDir: string): Map<string, number> {
  const sums = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(appDir);
  } catch {
    return sums; // no state yet
  }
  for (const name of names) {
    if (!/^\d+_\d+$/.test(name)) continue;
    const read = readCheckpoint(join(appDir, name));
    if (read.kind === 'found')
      sums.set(
        name,
        read.offsets.reduce((n, o) => n + o.offset, 0),
      );
  }
  return sums;
}
