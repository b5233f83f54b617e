/**
 * Where persistent stores keep their files: `<state.dir>/<application.id>/<task>/<store>`, with
 * the task's checkpoint file beside its stores. The default `state.dir` is a folder of the OS's
 * temporary directory, as Kafka Streams defaults to /tmp/kafka-streams; production apps should
 * set one that survives a reboot.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The default `state.dir`: `<os.tmpdir()>/fjord-streams`.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_STATE_DIR); // '/tmp/fjord-streams' on Linux
 * ```
 */
export const DEFAULT_STATE_DIR = join(tmpdir(), 'fjord-streams');

/**
 * The directory of one task's state: its persistent stores and its `.checkpoint` file.
 *
 * @example
 * ```ts
 * taskDirectory(undefined, 'words', '0_1'); // '/tmp/fjord-streams/words/0_1'
 * ```
 */
export function taskDirectory(
  stateDir: string | undefined,
  applicationId: string,
  taskName: string,
): string {
  return join(stateDir ?? DEFAULT_STATE_DIR, applicationId, taskName);
}

/**
 * The directory of one persistent store of a task.
 *
 * @example
 * ```ts
 * storeDirectory(undefined, 'words', '0_1', 'counts'); // '/tmp/fjord-streams/words/0_1/counts'
 * ```
 */
export function storeDirectory(
  stateDir: string | undefined,
  applicationId: string,
  taskName: string,
  store: string,
): string {
  return join(taskDirectory(stateDir, applicationId, taskName), store);
}
