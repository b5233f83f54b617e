/**
 * Read-only views over one store's instances in several tasks (Kafka Streams' composite
 * stores), for interactive queries and the TestDriver. A key lives in one partition, so a point
 * read asks each instance until one has it; a range or scan goes instance by instance (each in
 * key-byte order, not merged across instances, as in Kafka Streams).
 */
import type { KeyValue } from './key-value.js';
import type {
  ReadOnlyKeyValueStore,
  ReadOnlySessionStore,
  ReadOnlyWindowStore,
  SessionKey,
  Windowed,
  WindowValue,
} from './state-store.js';

/** The instances, read anew on every call, so the view follows rebalances. */
export type StoreInstances<S> = () => readonly S[];

function firstDefined<S, T>(stores: readonly S[], read: (s: S) => T | undefined): T | undefined {
  for (const s of stores) {
    const v = read(s);
    if (v !== undefined) return v;
  }
  return undefined;
}

function* concat<S, T>(stores: readonly S[], read: (s: S) => Iterable<T>): IterableIterator<T> {
  for (const s of stores) yield* read(s);
}

/**
 * A key-value store spread over tasks, read as one.
 *
 * @example
 * ```ts
 * const view = new CompositeKeyValueView(() => tasks.map((t) => t.store('counts')));
 * view.get('a');
 * ```
 */
export class CompositeKeyValueView<K, V> implements ReadOnlyKeyValueStore<K, V> {
  constructor(private readonly stores: StoreInstances<ReadOnlyKeyValueStore<K, V>>) {}

  get(key: K): V | undefined {
    return firstDefined(this.stores(), (s) => s.get(key));
  }

  range(from: K | undefined, to: K | undefined): IterableIterator<KeyValue<K, V>> {
    return concat(this.stores(), (s) => s.range(from, to));
  }

  all(): IterableIterator<KeyValue<K, V>> {
    return concat(this.stores(), (s) => s.all());
  }

  approximateNumEntries(): number {
    return this.stores().reduce((n, s) => n + s.approximateNumEntries(), 0);
  }
}

/**
 * A window store spread over tasks, read as one.
 *
 * @example
 * ```ts
 * const view = new CompositeWindowView(() => instances);
 * [...view.fetchRange('u1', 0, 60_000)];
 * ```
 */
export class CompositeWindowView<K, V> implements ReadOnlyWindowStore<K, V> {
  constructor(private readonly stores: StoreInstances<ReadOnlyWindowStore<K, V>>) {}

  fetch(key: K, windowStartMs: number): V | undefined {
    return firstDefined(this.stores(), (s) => s.fetch(key, windowStartMs));
  }

  fetchRange(key: K, fromMs: number, toMs: number): IterableIterator<WindowValue<V>> {
    return concat(this.stores(), (s) => s.fetchRange(key, fromMs, toMs));
  }

  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    return concat(this.stores(), (s) => s.fetchAll(fromMs, toMs));
  }

  all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return concat(this.stores(), (s) => s.all());
  }
}

/**
 * A session store spread over tasks, read as one.
 *
 * @example
 * ```ts
 * const view = new CompositeSessionView(() => instances);
 * [...view.fetch('u1')];
 * ```
 */
export class CompositeSessionView<K, V> implements ReadOnlySessionStore<K, V> {
  constructor(private readonly stores: StoreInstances<ReadOnlySessionStore<K, V>>) {}

  fetchSession(key: K, startMs: number, endMs: number): V | undefined {
    return firstDefined(this.stores(), (s) => s.fetchSession(key, startMs, endMs));
  }

  fetch(key: K): IterableIterator<KeyValue<SessionKey<K>, V>> {
    return concat(this.stores(), (s) => s.fetch(key));
  }

  findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<K>, V>> {
    return concat(this.stores(), (s) =>
      s.findSessions(key, earliestSessionEndMs, latestSessionStartMs),
    );
  }
}
