/**
 * The state stores of one task: built from the sub-topology's store builders when the task is
 * created, each with a changelog writer that sends every change to partition `task.partition`
 * of `<application.id>-<store>-changelog` through the task's record collector (the same path as
 * its output, so the commit's flush covers the changelog too), closed with the task.
 */
import type { Logger } from '../../core/index.js';
import {
  StateStoreError,
  type BuiltStore,
  type StateStore,
  type StoreBuilder,
} from '../state/index.js';

import type { RecordContext } from './processor.js';
import { resolveTopic } from './runnable-topology.js';
import type { TaskEnvironment, TaskId, TaskStore } from './task.js';
import { taskName } from './task.js';

/**
 * `<name>-changelog`: the changelog topic of store `name`, before the application id prefix.
 *
 * @example
 * ```ts
 * changelogTopicName('counts'); // 'counts-changelog' → topic 'my-app-counts-changelog'
 * ```
 */
export function changelogTopicName(store: string): string {
  return `${store}-changelog`;
}

/** What the stores need from their task. */
export interface TaskStoreHost {
  readonly id: TaskId;
  readonly env: TaskEnvironment;
  readonly logger: Logger;
  /** The input being processed, for the changelog record's timestamp and origin. */
  recordContext(): RecordContext | undefined;
  readonly streamTimeMs: number;
}

/**
 * Builds and holds a task's stores.
 *
 * @example
 * ```ts
 * const stores = new TaskStores(plan.stores, host);
 * stores.get('counts', 'count-node', ['counts']);
 * ```
 */
export class TaskStores {
  readonly list: readonly TaskStore[];
  private readonly byName: ReadonlyMap<string, TaskStore>;

  constructor(builders: readonly StoreBuilder[], host: TaskStoreHost) {
    this.list = builders.map((b) => build(b, host));
    this.byName = new Map(this.list.map((s) => [s.name, s]));
  }

  /** The store `name` for node `node`, which must be connected to it. */
  get(name: string, node: string, connected: readonly string[]): StateStore {
    const store = this.byName.get(name);
    if (store === undefined || !connected.includes(name))
      throw new StateStoreError(
        `processor ${node} is not connected to state store ${name} ` +
          `(connected: ${connected.join(', ') || 'none'}); add it with addStateStore or the stores option`,
        { store: name },
      );
    return store.built.store;
  }

  /** Flushes every store (on commit). */
  flush(): void {
    for (const s of this.list) s.built.store.flush();
  }

  /** Closes every store; returns the first failure. */
  close(): unknown {
    let failure: unknown;
    for (const s of this.list) {
      try {
        s.built.store.close();
      } catch (err) {
        failure ??= err;
      }
    }
    return failure;
  }
}

function build(builder: StoreBuilder, host: TaskStoreHost): TaskStore {
  const { env, id } = host;
  const topic = resolveTopic(
    { name: changelogTopicName(builder.name), internal: true },
    env.applicationId,
  );
  const changelog = {
    write: (key: Buffer, value: Buffer | null): void => {
      const ctx = host.recordContext();
      const origin =
        ctx === undefined
          ? undefined
          : { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset };
      env.collector.send(
        {
          topic,
          partition: id.partition,
          key,
          value,
          headers: {},
          timestamp: ctx?.timestamp ?? Math.max(0, host.streamTimeMs),
        },
        origin,
      );
    },
  };
  const built: BuiltStore = builder.build({
    applicationId: env.applicationId,
    taskName: taskName(id),
    partition: id.partition,
    changelogTopic: topic,
    changelog,
    defaultKeySerde: env.defaultKeySerde,
    defaultValueSerde: env.defaultValueSerde,
    stateDir: env.stateDir,
    logger: host.logger,
  });
  return {
    name: builder.name,
    kind: builder.kind,
    changelogTopic: builder.loggingEnabled ? topic : undefined,
    built,
  };
}
