/**
 * A streams app as a child process, for the kill and graceful-shutdown tests:
 * `node --import tsx test/helpers/streams-app-process.ts '<json StreamsProcessArgs>'`.
 *
 * It prints JSON lines on stdout (synchronously, so a SIGKILL loses none): `state` on every
 * state change, `tasks` whenever the set of tasks it runs changes, and `metrics` once it is
 * NOT_RUNNING, `restored` whenever its store restore counters change, and `standby` whenever
 * its standby tasks or the changelog records they applied change. SIGTERM closes the app gracefully (the app's own signal handlers), after which
 * the process ends by that signal.
 */
import { writeSync } from 'node:fs';

import { createLogger } from '../../core/index.js';
import { StreamsApp } from '../../streams/runtime/streams-app.js';
import { countTopology, storeCountTopology } from './stateful-pipelines.js';
import { cleanerTopology } from './streams-pipelines.js';

/** What the process runs. */
export interface StreamsProcessArgs {
  readonly bootstrap: string;
  readonly applicationId: string;
  readonly input: string;
  readonly output: string;
  /**
   * The pipeline: the cleaner (default), the count per key of stateful-pipelines.ts, or that
   * count in a persistent store (`persistent-count`, under the config's `state.dir`).
   */
  readonly topology?: 'cleaner' | 'count' | 'persistent-count';
  /** Extra streams configs (numbers and strings only: it crosses a process boundary). */
  readonly config?: Readonly<Record<string, string | number>>;
}

function emit(event: Record<string, unknown>): void {
  writeSync(1, `${JSON.stringify(event)}\n`);
}

const args = JSON.parse(process.argv[2] ?? '{}') as StreamsProcessArgs;
const app = new StreamsApp(
  args.topology === 'count'
    ? countTopology(args.input, args.output)
    : args.topology === 'persistent-count'
      ? storeCountTopology(args.input, args.output, { persistent: true })
      : cleanerTopology(args.input, args.output),
  {
    'application.id': args.applicationId,
    'bootstrap.servers': args.bootstrap,
    ...args.config,
  },
  { logger: createLogger('streams-app', process.env.FJORD_TEST_LOG ?? 'warn') },
);
let tasks = '';
let restored = '';
let standby = '';
const reportTasks = (): void => {
  const { storesRestored, recordsRestored, standbyRecords } = app.metrics;
  const warm = JSON.stringify([app.standbyTasks, standbyRecords]);
  if (warm !== standby) {
    standby = warm;
    emit({ event: 'standby', standbyTasks: app.standbyTasks, standbyRecords });
  }
  const counters = `${storesRestored}/${recordsRestored}`;
  if (counters !== restored) {
    restored = counters;
    emit({ event: 'restored', storesRestored, recordsRestored });
  }
  const now = JSON.stringify(app.tasks);
  if (now === tasks) return;
  tasks = now;
  emit({ event: 'tasks', tasks: app.tasks });
};
const watcher = setInterval(reportTasks, 20);
app.onStateChange((state, previous, error) => {
  emit({ event: 'state', state, previous, error: error?.message });
  reportTasks();
  if (state === 'NOT_RUNNING' || state === 'ERROR') {
    clearInterval(watcher);
    emit({ event: 'metrics', ...app.metrics });
  }
});
await app.start();
