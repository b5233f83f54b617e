/**
 * The changelogging layer: wraps a byte store and writes every change, as the changelog key and
 * value bytes Kafka Streams writes, to the store's changelog (through the runner's writer, which
 * sends it with the task's other output). Reads pass straight through.
 */
import { duplicateSequencerOf, type DuplicateSequencer } from './duplicate-sequencer.js';
import type { KeyValue } from './key-value.js';
import type {
  KeyValueStore,
  SessionKey,
  SessionStore,
  StateStore,
  Windowed,
  WindowStore,
  WindowValue,
} from './state-store.js';
import type { ChangelogWriter } from './store-context.js';
import { ForwardingStore } from './store-lifecycle.js';
import { sessionKeyBytes, windowKeyBytes } from './store-keys.js';

/** A layer that logs changes to `log`. */
abstract class Wrapper<S extends StateStore> extends ForwardingStore<S> {
  constructor(
    inner: S,
    protected readonly log: ChangelogWriter,
  ) {
    super(inner);
  }
}

/**
 * A key-value byte store whose changes go to the changelog (a delete as a tombstone).
 *
 * @example
 * ```ts
 * const logged = new ChangeLoggingKeyValueStore(new InMemoryKeyValueBytesStore('counts'), writer);
 * ```
 */
export class ChangeLoggingKeyValueStore
  extends Wrapper<KeyValueStore<Buffer, Buffer>>
  implements KeyValueStore<Buffer, Buffer>
{
  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  range(
    from: Buffer | undefined,
    to: Buffer | undefined,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  put(key: Buffer, value: Buffer | null): void {
    this.inner.put(key, value);
    this.log.write(key, value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const old = this.inner.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  delete(key: Buffer): Buffer | undefined {
    const old = this.inner.get(key);
    this.put(key, null);
    return old;
  }
}

/**
 * A window byte store whose changes go to the changelog, keyed `[key][start][seq]`.
 *
 * @example
 * ```ts
 * const logged = new ChangeLoggingWindowStore(inner, writer, false);
 * ```
 */
export class ChangeLoggingWindowStore
  extends Wrapper<WindowStore<Buffer, Buffer>>
  implements WindowStore<Buffer, Buffer>
{
  private seq = 0;
  private readonly sequencer: DuplicateSequencer | undefined;

  constructor(
    inner: WindowStore<Buffer, Buffer>,
    log: ChangelogWriter,
    private readonly retainDuplicates: boolean,
  ) {
    super(inner, log);
    this.sequencer = duplicateSequencerOf(inner);
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.inner.put(key, value, windowStartMs);
    if (!this.retainDuplicates) {
      this.log.write(windowKeyBytes(key, windowStartMs, 0), value);
      return;
    }
    // A store retaining duplicates ignores a null put: there is nothing to log.
    if (value === null) return;
    // Duplicates need distinct changelog keys, or compaction would keep only the last one; a
    // store that numbers them itself is logged under its numbers, so a restore rewrites them.
    this.seq = this.sequencer?.lastDuplicateSeq ?? (this.seq + 1) | 0;
    this.log.write(windowKeyBytes(key, windowStartMs, this.seq), value);
  }

  fetch(key: Buffer, windowStartMs: number): Buffer | undefined {
    return this.inner.fetch(key, windowStartMs);
  }

  fetchRange(key: Buffer, fromMs: number, toMs: number): IterableIterator<WindowValue<Buffer>> {
    return this.inner.fetchRange(key, fromMs, toMs);
  }

  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchAll(fromMs, toMs);
  }

  all(): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.all();
  }
}

/**
 * A session byte store whose changes go to the changelog, keyed `[key][end][start]`.
 *
 * @example
 * ```ts
 * const logged = new ChangeLoggingSessionStore(inner, writer);
 * ```
 */
export class ChangeLoggingSessionStore
  extends Wrapper<SessionStore<Buffer, Buffer>>
  implements SessionStore<Buffer, Buffer>
{
  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(session: SessionKey<Buffer>, value: Buffer | null): void {
    this.inner.put(session, value);
    this.log.write(sessionKeyBytes(session.key, session.startMs, session.endMs), value);
  }

  remove(session: SessionKey<Buffer>): void {
    this.put(session, null);
  }

  fetchSession(key: Buffer, startMs: number, endMs: number): Buffer | undefined {
    return this.inner.fetchSession(key, startMs, endMs);
  }

  fetch(key: Buffer): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    return this.inner.fetch(key);
  }

  findSessions(
    key: Buffer,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<SessionKey<Buffer>, Buffer>> {
    return this.inner.findSessions(key, earliestSessionEndMs, latestSessionStartMs);
  }
}
