/**
 * The time-ordered buffer behind `suppress`: one entry per key (a later update replaces the
 * value and keeps the entry's time), evicted in time order once stream time passes an entry's
 * time, and bounded by records and bytes. A min-heap over (time, insertion) with lazy deletion
 * keeps eviction O(log n) per entry however often keys are updated.
 */
import { StreamsError } from '../../runtime/streams-error.js';

import type { BufferConfig } from './suppressed.js';

interface Entry<T> {
  readonly timeMs: number;
  readonly seq: number;
  value: T;
  bytes: number;
}

/**
 * What a full buffer reports when its config says shut down: the task stops.
 *
 * @example
 * ```ts
 * try { buffer.put('k', 0, v, 10); } catch (e) { if (e instanceof SuppressBufferFullError) stop(e); }
 * ```
 */
export class SuppressBufferFullError extends StreamsError {}

/**
 * A suppress buffer of values `T` keyed by string ids.
 *
 * @example
 * ```ts
 * const buffer = new SuppressBuffer<number>(BufferConfig.unbounded());
 * buffer.put('a@0', 60_000, 3, 8);
 * buffer.evictUntil(60_000, (id, value) => emit(id, value)); // emits a@0 → 3
 * ```
 */
export class SuppressBuffer<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private heap: { timeMs: number; seq: number; id: string }[] = [];
  private seq = 0;
  private bytesUsed = 0;

  constructor(private readonly config: BufferConfig) {}

  /** Buffered keys. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether `id` is buffered. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Bytes of the buffered keys and values (as `put` measured them). */
  get bytes(): number {
    return this.bytesUsed;
  }

  /**
   * Buffers `value` under `id`: a new entry gets time `timeMs`, an existing one keeps its time
   * and takes the new value. Then enforces the bounds: emits the oldest entries through
   * `emitEarly`, or throws {@link SuppressBufferFullError} when the config says shut down.
   */
  put(
    id: string,
    timeMs: number,
    value: T,
    bytes: number,
    emitEarly?: (id: string, value: T) => void,
  ): void {
    const existing = this.entries.get(id);
    if (existing === undefined) {
      const seq = this.seq++;
      this.entries.set(id, { timeMs, seq, value, bytes });
      this.push({ timeMs, seq, id });
    } else {
      this.bytesUsed -= existing.bytes;
      existing.value = value;
      existing.bytes = bytes;
    }
    this.bytesUsed += bytes;
    while (this.entries.size > this.config.maxRecords || this.bytesUsed > this.config.maxBytes) {
      if (this.config.whenFull === 'shut-down' || emitEarly === undefined)
        throw new SuppressBufferFullError(
          `suppress buffer full: ${this.entries.size} records / ${this.bytesUsed} bytes exceed ` +
            `maxRecords ${this.config.maxRecords} / maxBytes ${this.config.maxBytes}`,
        );
      this.evictOne(emitEarly);
    }
  }

  /** Emits, oldest first, every entry whose time is ≤ `timeMs`. */
  evictUntil(timeMs: number, emit: (id: string, value: T) => void): void {
    for (let top = this.top(); top !== undefined && top.timeMs <= timeMs; top = this.top())
      this.evictOne(emit);
  }

  /** Drops everything (the task closed). */
  clear(): void {
    this.entries.clear();
    this.heap = [];
    this.bytesUsed = 0;
  }

  private evictOne(emit: (id: string, value: T) => void): void {
    const top = this.top();
    if (top === undefined) return;
    this.pop();
    const entry = this.entries.get(top.id);
    if (entry === undefined) return;
    this.entries.delete(top.id);
    this.bytesUsed -= entry.bytes;
    emit(top.id, entry.value);
  }

  /** The oldest live heap node (stale nodes, left by deleted entries, are discarded). */
  private top(): { timeMs: number; seq: number; id: string } | undefined {
    for (;;) {
      const first = this.heap[0];
      if (first === undefined) return undefined;
      if (this.entries.get(first.id)?.seq === first.seq) return first;
      this.pop();
    }
  }

  private push(node: { timeMs: number; seq: number; id: string }): void {
    const h = this.heap;
    h.push(node);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      if (p === undefined || !before(node, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = node;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = last;
      let at = i;
      const left = h[l];
      const right = h[r];
      if (left !== undefined && before(left, smallest)) {
        smallest = left;
        at = l;
      }
      if (right !== undefined && before(right, smallest)) {
        smallest = right;
        at = r;
      }
      if (at === i) break;
      h[i] = smallest;
      i = at;
    }
    h[i] = last;
  }
}

function before(a: { timeMs: number; seq: number }, b: { timeMs: number; seq: number }): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
