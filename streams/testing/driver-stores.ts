/**
 * The TestDriver's side of state stores: restoring a task's stores from the in-memory changelog
 * topics when the task is (re)created, so state survives `simulateRebalance` exactly as it
 * survives a task moving between app instances; and finding a store's instances for tests.
 */
import type { ConsumerRecord } from '../../core/index.js';
import {
  CompositeKeyValueView,
  CompositeSessionView,
  CompositeWindowView,
  StateStoreError,
  type KeyValueStore,
  type ReadOnlyKeyValueStore,
  type ReadOnlySessionStore,
  type ReadOnlyWindowStore,
  type SessionStore,
  type StateStore,
  type WindowStore,
} from '../state/index.js';
import type { Task, TaskStore } from '../runtime/task.js';

/** Replays partition `task.id.partition` of each logged store's changelog into the store. */
export function restoreTaskStores(
  task: Task,
  records: (topic: string) => readonly ConsumerRecord[],
): void {
  for (const s of task.stateStores ?? []) {
    if (s.changelogTopic === undefined) continue;
    const mine = records(s.changelogTopic).filter((r) => r.partition === task.id.partition);
    s.built.restore(mine);
  }
}

/** A test's access to the stores of a driver's tasks. */
export class DriverStores {
  constructor(private readonly tasks: () => Iterable<Task>) {}

  /** Every task's instance of store `name` (throws when no task has it or it is another kind). */
  instances(name: string, kind: TaskStore['kind']): StateStore[] {
    const found: TaskStore[] = [];
    for (const task of this.tasks())
      for (const s of task.stateStores ?? []) if (s.name === name) found.push(s);
    const first = found[0];
    if (first === undefined)
      throw new StateStoreError(`no task has a state store ${name}`, { store: name });
    if (first.kind !== kind)
      throw new StateStoreError(`state store ${name} is a ${first.kind} store, not ${kind}`, {
        store: name,
      });
    return found.map((s) => s.built.store);
  }

  /** The instance of store `name` in the task of `partition`. */
  instance(name: string, kind: TaskStore['kind'], partition: number): StateStore {
    for (const task of this.tasks()) {
      if (task.id.partition !== partition) continue;
      const s = task.stateStores?.find((x) => x.name === name);
      if (s?.kind === kind) return s.built.store;
    }
    throw new StateStoreError(`no ${kind} store ${name} in a task of partition ${partition}`, {
      store: name,
    });
  }

  keyValue<K, V>(name: string, partition?: number): ReadOnlyKeyValueStore<K, V> {
    if (partition !== undefined)
      return this.instance(name, 'key-value', partition) as KeyValueStore<K, V>;
    this.instances(name, 'key-value');
    return new CompositeKeyValueView(
      () => this.instances(name, 'key-value') as KeyValueStore<K, V>[],
    );
  }

  window<K, V>(name: string, partition?: number): ReadOnlyWindowStore<K, V> {
    if (partition !== undefined)
      return this.instance(name, 'window', partition) as WindowStore<K, V>;
    this.instances(name, 'window');
    return new CompositeWindowView(() => this.instances(name, 'window') as WindowStore<K, V>[]);
  }

  session<K, V>(name: string, partition?: number): ReadOnlySessionStore<K, V> {
    if (partition !== undefined)
      return this.instance(name, 'session', partition) as SessionStore<K, V>;
    this.instances(name, 'session');
    return new CompositeSessionView(() => this.instances(name, 'session') as SessionStore<K, V>[]);
  }
}
