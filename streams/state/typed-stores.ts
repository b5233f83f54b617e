/**
 * The typed layer (Kafka Streams' "metered" stores): serializes keys and values with the store's
 * serdes, for the changelog topic, and hands bytes to the layer below. A key that serializes to
 * null cannot be stored: a StateStoreError says so.
 */
import type { Serde, SerdeContext } from '../serde/index.js';

import type { FlushedUpdateListener, FlushListenerOptions, FlushReporting } from './cache-flush.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import { CachingSessionStore } from './caching-session-store.js';
import { CachingWindowStore } from './caching-window-store.js';
import type { KeyValue } from './key-value.js';
import type {
  KeyValueStore,
  SessionKey,
  SessionStore,
  Windowed,
  WindowStore,
  WindowValue,
} from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { ForwardingStore } from './store-lifecycle.js';

type AnyBytesStore =
  KeyValueStore<Buffer, Buffer> | WindowStore<Buffer, Buffer> | SessionStore<Buffer, Buffer>;

/** Serdes shared by the typed stores. */
abstract class Typed<K, V, S extends AnyBytesStore> extends ForwardingStore<S> {
  private readonly ctx: SerdeContext;

  constructor(
    inner: S,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    changelogTopic: string,
  ) {
    super(inner);
    this.ctx = { topic: changelogTopic };
  }

  protected keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(key, this.ctx);
    if (bytes === null)
      throw new StateStoreError(`store ${this.name}: a key serialized to null cannot be stored`, {
        store: this.name,
      });
    return bytes;
  }

  protected valueBytes(value: V | null): Buffer | null {
    return value === null ? null : this.valueSerde.serialize(value, this.ctx);
  }

  protected key(bytes: Buffer): K {
    return this.keySerde.deserialize(bytes, this.ctx);
  }

  protected value(bytes: Buffer): V;
  protected value(bytes: Buffer | undefined): V | undefined;
  protected value(bytes: Buffer | undefined): V | undefined {
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.ctx);
  }
}

/**
 * A typed key-value store over a byte store.
 *
 * @example
 * ```ts
 * const counts = new TypedKeyValueStore(bytes, Serdes.string(), Serdes.long(), 'app-counts-changelog');
 * counts.put('a', 1);
 * ```
 */
export class TypedKeyValueStore<K, V>
  extends Typed<K, V, KeyValueStore<Buffer, Buffer>>
  implements KeyValueStore<K, V>, FlushReporting<K, V>
{
  /**
   * Reports the updates the caching layer writes through, typed; false when the store is not
   * cached (every update is written at once: nothing to report).
   */
  setFlushListener(listener: FlushedUpdateListener<K, V>, options?: FlushListenerOptions): boolean {
    if (!(this.inner instanceof CachingKeyValueStore)) return false;
    this.inner.setFlushListener((key, value, { oldValue, context }) => {
      listener({
        key: this.key(key),
        newValue: value === null ? null : this.value(value),
        oldValue: oldValue === null ? null : this.value(oldValue),
        context,
      });
    }, options);
    return true;
  }

  get(key: K): V | undefined {
    return this.value(this.inner.get(this.keyBytes(key)));
  }

  *range(from: K | undefined, to: K | undefined): IterableIterator<KeyValue<K, V>> {
    const f = from === undefined ? undefined : this.keyBytes(from);
    const t = to === undefined ? undefined : this.keyBytes(to);
    for (const [k, v] of this.inner.range(f, t)) yield [this.key(k), this.value(v)];
  }

  all(): IterableIterator<KeyValue<K, V>> {
    return this.range(undefined, undefined);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  put(key: K, value: V | null): void {
    this.inner.put(this.keyBytes(key), this.valueBytes(value));
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  putAll(entries: Iterable<KeyValue<K, V | null>>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  delete(key: K): V | undefined {
    return this.value(this.inner.delete(this.keyBytes(key)));
  }
}

/**
 * A typed window store over a byte store.
 *
 * @example
 * ```ts
 * const clicks = new TypedWindowStore(bytes, Serdes.string(), Serdes.long(), 'app-clicks-changelog');
 * clicks.put('u1', 3, 60_000);
 * ```
 */
export class TypedWindowStore<K, V>
  extends Typed<K, V, WindowStore<Buffer, Buffer>>
  implements WindowStore<K, V>, FlushReporting<Windowed<K>, V>
{
  /**
   * Reports the windows the caching layer writes through, typed (a window ends its store's
   * window size after its start); false when the store is not cached.
   */
  setFlushListener(
    listener: FlushedUpdateListener<Windowed<K>, V>,
    options?: FlushListenerOptions,
  ): boolean {
    if (!(this.inner instanceof CachingWindowStore)) return false;
    const sizeMs = this.inner.windowSizeMs;
    this.inner.setFlushListener((key, startMs, value, { oldValue, context }) => {
      listener({
        key: { key: this.key(key), window: { startMs, endMs: startMs + sizeMs } },
        newValue: value === null ? null : this.value(value),
        oldValue: oldValue === null ? null : this.value(oldValue),
        context,
      });
    }, options);
    return true;
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.inner.put(this.keyBytes(key), this.valueBytes(value), windowStartMs);
  }

  fetch(key: K, windowStartMs: number): V | undefined {
    return this.value(this.inner.fetch(this.keyBytes(key), windowStartMs));
  }

  *fetchRange(key: K, fromMs: number, toMs: number): IterableIterator<WindowValue<V>> {
    for (const [start, v] of this.inner.fetchRange(this.keyBytes(key), fromMs, toMs))
      yield [start, this.value(v)];
  }

  *fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const [w, v] of this.inner.fetchAll(fromMs, toMs))
      yield [{ key: this.key(w.key), window: w.window }, this.value(v)];
  }

  all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
}

/**
 * A typed session store over a byte store.
 *
 * @example
 * ```ts
 * const sessions = new TypedSessionStore(bytes, Serdes.string(), Serdes.long(), 'app-sessions-changelog');
 * sessions.put({ key: 'u1', startMs: 0, endMs: 10 }, 2);
 * ```
 */
export class TypedSessionStore<K, V>
  extends Typed<K, V, SessionStore<Buffer, Buffer>>
  implements SessionStore<K, V>, FlushReporting<Windowed<K>, V>
{
  /** Reports each session the caching layer writes through; false when the store is not cached. */
  setFlushListener(
    listener: FlushedUpdateListener<Windowed<K>, V>,
    options?: FlushListenerOptions,
  ): boolean {
    if (!(this.inner instanceof CachingSessionStore)) return false;
    this.inner.setFlushListener((session, value, { oldValue, context }) => {
      listener({
        key: {
          key: this.key(session.key),
          window: { startMs: session.startMs, endMs: session.endMs },
        },
        newValue: value === null ? null : this.value(value),
        oldValue: oldValue === null ? null : this.value(oldValue),
        context,
      });
    }, options);
    return true;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(session: SessionKey<K>, value: V | null): void {
    this.inner.put(this.bytesKey(session), this.valueBytes(value));
  }

  remove(session: SessionKey<K>): void {
    this.inner.remove(this.bytesKey(session));
  }

  fetchSession(key: K, startMs: number, endMs: number): V | undefined {
    return this.value(this.inner.fetchSession(this.keyBytes(key), startMs, endMs));
  }

  fetch(key: K): IterableIterator<KeyValue<SessionKey<K>, V>> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  *findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<K>, V>> {
    const sessions = this.inner.findSessions(
      this.keyBytes(key),
      earliestSessionEndMs,
      latestSessionStartMs,
    );
    for (const [s, v] of sessions)
      yield [{ key, startMs: s.startMs, endMs: s.endMs }, this.value(v)];
  }

  private bytesKey(session: SessionKey<K>): SessionKey<Buffer> {
    return { key: this.keyBytes(session.key), startMs: session.startMs, endMs: session.endMs };
  }
}
