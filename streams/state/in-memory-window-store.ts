/**
 * The in-memory window byte store, laid out as Kafka's InMemoryWindowStore: one segment per
 * window start (a Map of key → value), the segment starts kept sorted. Stream time is the
 * largest window start put; a segment whose start is at or before `streamTime - retention` is
 * dropped whole, and puts into it are ignored. With duplicates retained (stream–stream joins),
 * a key holds a list of values per window, in insertion order.
 */
import type { KeyValue } from './key-value.js';
import type { Windowed, WindowStore, WindowValue } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
import { StoreLifecycle } from './store-lifecycle.js';
import { fromLatin1, lowerBound, toLatin1 } from './store-keys.js';

/**
 * Sizes of a window store.
 *
 * @example
 * ```ts
 * const spec: WindowStoreSpec = { windowSizeMs: 60_000, retentionMs: 86_400_000, retainDuplicates: false };
 * ```
 */
export interface WindowStoreSpec {
  readonly windowSizeMs: number;
  /** How long (in stream time) windows are kept; at least the window size (plus grace). */
  readonly retentionMs: number;
  /** Keep every value put for a key and window (joins buffer records this way). */
  readonly retainDuplicates: boolean;
}

type Segment = Map<string, string[]>;

/** Checks the sizes of a window store; throws StateStoreError naming the store. */
export function checkWindowSpec(name: string, spec: WindowStoreSpec): void {
  const ok = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
  if (!ok(spec.windowSizeMs) || !ok(spec.retentionMs))
    throw new StateStoreError(
      `window store ${name}: window size and retention must be positive integers (ms)`,
      { store: name },
    );
  if (spec.retentionMs < spec.windowSizeMs)
    throw new StateStoreError(
      `window store ${name}: retention ${spec.retentionMs} ms is shorter than the window size ${spec.windowSizeMs} ms`,
      { store: name },
    );
}

/**
 * A window store of bytes in memory.
 *
 * @example
 * ```ts
 * const store = new InMemoryWindowBytesStore('clicks', { windowSizeMs: 60_000, retentionMs: 3_600_000, retainDuplicates: false });
 * store.put(Buffer.from('u1'), Buffer.from([1]), 0);
 * store.fetch(Buffer.from('u1'), 0); // <Buffer 01>
 * ```
 */
export class InMemoryWindowBytesStore
  extends StoreLifecycle
  implements WindowStore<Buffer, Buffer>
{
  readonly persistent = false;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  private readonly retainDuplicates: boolean;
  private readonly segments = new Map<number, Segment>();
  private starts: number[] = [];
  private streamTimeMs = -1;

  constructor(name: string, spec: WindowStoreSpec) {
    super(name);
    checkWindowSpec(name, spec);
    this.windowSizeMs = spec.windowSizeMs;
    this.retentionMs = spec.retentionMs;
    this.retainDuplicates = spec.retainDuplicates;
  }

  /** The largest window start put so far (-1 before the first put). */
  get observedStreamTimeMs(): number {
    return this.streamTimeMs;
  }

  put(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.assertOpen();
    if (windowStartMs > this.streamTimeMs) {
      this.streamTimeMs = windowStartMs;
      this.expire();
    }
    if (this.expired(windowStartMs)) return;
    const k = toLatin1(key);
    let segment = this.segments.get(windowStartMs);
    if (value === null) {
      if (this.retainDuplicates || segment === undefined) return;
      segment.delete(k);
      if (segment.size === 0) this.dropSegment(windowStartMs);
      return;
    }
    if (segment === undefined) {
      segment = new Map();
      this.segments.set(windowStartMs, segment);
      this.starts.splice(lowerBound(this.starts, windowStartMs), 0, windowStartMs);
    }
    const v = toLatin1(value);
    const values = this.retainDuplicates ? segment.get(k) : undefined;
    if (values === undefined) segment.set(k, [v]);
    else values.push(v);
  }

  fetch(key: Buffer, windowStartMs: number): Buffer | undefined {
    this.assertOpen();
    const v = this.segments.get(windowStartMs)?.get(toLatin1(key))?.[0];
    return v === undefined ? undefined : fromLatin1(v);
  }

  *fetchRange(key: Buffer, fromMs: number, toMs: number): IterableIterator<WindowValue<Buffer>> {
    this.assertOpen();
    const k = toLatin1(key);
    for (const start of this.startsIn(fromMs, toMs)) {
      for (const v of this.segments.get(start)?.get(k) ?? []) yield [start, fromLatin1(v)];
    }
  }

  *fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    this.assertOpen();
    for (const start of this.startsIn(fromMs, toMs)) {
      const segment = this.segments.get(start);
      if (segment === undefined) continue;
      const window = { startMs: start, endMs: start + this.windowSizeMs };
      for (const k of [...segment.keys()].sort()) {
        const key = fromLatin1(k);
        for (const v of segment.get(k) ?? []) yield [{ key, window }, fromLatin1(v)];
      }
    }
  }

  all(): IterableIterator<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  override close(): void {
    super.close();
    this.segments.clear();
    this.starts = [];
  }

  private expired(windowStartMs: number): boolean {
    return windowStartMs <= this.streamTimeMs - this.retentionMs;
  }

  /** Window starts in `[fromMs, toMs]`, ascending (a copy: callers may write meanwhile). */
  private startsIn(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    for (let i = lowerBound(this.starts, fromMs); i < this.starts.length; i++) {
      const s = this.starts[i];
      if (s === undefined) break;
      if (s > toMs) break;
      out.push(s);
    }
    return out;
  }

  private expire(): void {
    let n = 0;
    for (let s = this.starts[n]; s !== undefined && this.expired(s); s = this.starts[n]) {
      this.segments.delete(s);
      n++;
    }
    if (n > 0) this.starts = this.starts.slice(n);
  }

  private dropSegment(start: number): void {
    this.segments.delete(start);
    this.starts.splice(lowerBound(this.starts, start), 1);
  }
}
