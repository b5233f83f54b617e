/**
 * An app's state stores as its owner sees them: restoration of newly assigned tasks (through
 * the {@link StateRestorer}) and interactive queries over the stores of the tasks this instance
 * runs. A query of a store still restoring is answered, from what is restored so far, and the
 * store's lag says how stale that is (Kafka's KIP-535 stale reads), instead of refusing.
 */
import type { Logger } from '../../core/index.js';
import {
  CompositeKeyValueView,
  CompositeSessionView,
  CompositeWindowView,
  StateStoreError,
  type ReadOnlyKeyValueStore,
  type ReadOnlySessionStore,
  type ReadOnlyWindowStore,
} from '../state/index.js';

import { StateRestorer, type ChangelogReader, type RestoreStats } from './state-restorer.js';
import type { Task, TaskStore } from './task.js';
import { taskName } from './task.js';

/**
 * How far behind its changelog one instance of a store is (0 once restored).
 *
 * @example
 * ```ts
 * const lags: StoreLag[] = app.storeLag('counts');
 * const stale = lags.some((l) => l.lag > 0);
 * ```
 */
export interface StoreLag {
  readonly task: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * The stores of one app instance.
 *
 * @example
 * ```ts
 * const stores = new AppStores(() => registry.all, logger, () => clock.now());
 * stores.connect(reader);
 * await stores.restore(created);
 * stores.keyValue<string, number>('counts').get('a');
 * ```
 */
export class AppStores {
  private restorer: StateRestorer | undefined;

  constructor(
    private readonly tasks: () => readonly Task[],
    private readonly logger: Logger,
    private readonly nowMs: () => number,
  ) {}

  /** Starts restoring through `reader` (once the app's clients are connected). */
  connect(reader: ChangelogReader): void {
    this.restorer = new StateRestorer(reader, this.logger, this.nowMs);
  }

  get stats(): RestoreStats {
    return this.restorer?.stats ?? { restores: 0, records: 0 };
  }

  /** Restores the logged stores of `tasks` before they process. */
  async restore(tasks: readonly Task[]): Promise<void> {
    if (this.restorer === undefined) return;
    await this.restorer.restore(tasks);
  }

  /** The lag of each local instance of store `name`. */
  lag(name: string): StoreLag[] {
    return this.instances(name).map(({ task }) => {
      const p = this.restorer?.progress(name, taskName(task.id));
      return {
        task: taskName(task.id),
        partition: task.id.partition,
        lag: p === undefined ? 0 : Math.max(0, p.endOffset - p.position),
      };
    });
  }

  keyValue<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    this.check(name, 'key-value');
    return new CompositeKeyValueView(() => this.stores<ReadOnlyKeyValueStore<K, V>>(name));
  }

  window<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    this.check(name, 'window');
    return new CompositeWindowView(() => this.stores<ReadOnlyWindowStore<K, V>>(name));
  }

  session<K, V>(name: string): ReadOnlySessionStore<K, V> {
    this.check(name, 'session');
    return new CompositeSessionView(() => this.stores<ReadOnlySessionStore<K, V>>(name));
  }

  /** The kind of store `name` among the local tasks, undefined when none holds it. */
  kindOf(name: string): TaskStore['kind'] | undefined {
    return this.instances(name)[0]?.store.kind;
  }

  private check(name: string, kind: TaskStore['kind']): void {
    const found = this.kindOf(name);
    if (found !== undefined && found !== kind)
      throw new StateStoreError(`state store ${name} is a ${found} store, not ${kind}`, {
        store: name,
      });
  }

  private stores<S>(name: string): S[] {
    return this.instances(name).map(({ store }) => store.built.store as S);
  }

  private instances(name: string): { task: Task; store: TaskStore }[] {
    return this.tasks().flatMap((task) =>
      (task.stateStores ?? []).filter((s) => s.name === name).map((store) => ({ task, store })),
    );
  }
}
