/**
 * The windowed KStream–KStream join of one task (Kafka Streams' KStreamKStreamJoin with the
 * KAFKA-10847 fix): each side's records are kept in a window store for the join window plus
 * grace; a record joins the other side's records with its key whose timestamps fall in its
 * window. Two records join when the later of them arrives while both windows are open, so a
 * record that was already emitted unmatched never joins afterwards (no spurious result).
 * Left and outer joins hold unmatched records back and emit them, with null for the missing
 * side, only once their window closes: stream time (the task's largest event time) passed
 * the far end of the window plus grace. A record whose own window is already closed is late.
 */
import type { WindowStore } from '../../state/state-store.js';

import type { JoinWindows } from './join-windows.js';

/** Which records a windowed join emits. */
export type JoinKind = 'inner' | 'left' | 'outer';

/** A side of a join. */
export type JoinSide = 'left' | 'right';

/**
 * A joined record: the key, both values (null for an unmatched side) and the larger timestamp.
 *
 * @example
 * ```ts
 * const out: JoinResult<string, Order, Payment> = { key: 'o-1', left: order, right: null, timestampMs: 5_000 };
 * ```
 */
export interface JoinResult<K, L, R> {
  readonly key: K;
  readonly left: L | null;
  readonly right: R | null;
  readonly timestampMs: number;
}

/**
 * Records of one side, key and timestamp that matched nothing yet (all values of one such
 * triple match alike), waiting for their window to close.
 *
 * @example
 * ```ts
 * const u: Unmatched<string> = { side: 'left', key: 'o-1', values: [order], timestampMs: 1_000, closesAtMs: 6_000 };
 * ```
 */
export interface Unmatched<K> {
  readonly side: JoinSide;
  readonly key: K;
  readonly values: unknown[];
  readonly timestampMs: number;
  readonly closesAtMs: number;
}

/**
 * Where a join keeps its unmatched records besides memory (a store with a changelog), so they
 * survive the task moving: written on every change, read once when the joiner is created.
 *
 * @example
 * ```ts
 * const log: UnmatchedLog<string> = { put: (id, u) => store.put(id, u), delete: (id) => store.delete(id), all: () => store.all() };
 * ```
 */
export interface UnmatchedLog<K> {
  put(id: string, unmatched: Unmatched<K>): void;
  delete(id: string): void;
  all(): Iterable<readonly [string, Unmatched<K>]>;
}

/**
 * One task's state of a windowed stream–stream join.
 *
 * @example
 * ```ts
 * const join = new StreamStreamJoiner(JoinWindows.ofTimeDifferenceWithNoGrace(5_000), 'left', orders, payments, (k) => k);
 * join.process('left', 'o-1', order, 1_000, streamTimeMs, (r) => forward(r));
 * ```
 */
export class StreamStreamJoiner<K, L, R> {
  /** Unmatched records by side, timestamp and key; all values of one such triple match alike. */
  private readonly unmatched = new Map<string, Unmatched<K>>();

  constructor(
    private readonly windows: JoinWindows,
    private readonly kind: JoinKind,
    private readonly leftStore: WindowStore<K, L>,
    private readonly rightStore: WindowStore<K, R>,
    /** A string identity of a key (its serialized bytes). */
    private readonly keyId: (key: K) => string,
    private readonly log?: UnmatchedLog<K>,
  ) {
    for (const [id, u] of log?.all() ?? []) this.unmatched.set(id, { ...u, values: [...u.values] });
  }

  /** Unmatched records waiting for their window to close. */
  get pendingUnmatched(): number {
    return this.unmatched.size;
  }

  /**
   * Emits the unmatched records whose windows closed, then joins the record; false when the
   * record's own window is closed (late: neither stored nor joined).
   */
  process(
    side: JoinSide,
    key: K,
    value: L | R,
    timestampMs: number,
    streamTimeMs: number,
    emit: (result: JoinResult<K, L, R>) => void,
  ): boolean {
    this.emitClosed(streamTimeMs, emit);
    if (this.windows.closesAtMs(side, timestampMs) < streamTimeMs) return false;
    const other: JoinSide = side === 'left' ? 'right' : 'left';
    // The other side's records at [t - before, t + after] (seen from the left).
    const fromMs =
      side === 'left' ? timestampMs - this.windows.beforeMs : timestampMs - this.windows.afterMs;
    const toMs =
      side === 'left' ? timestampMs + this.windows.afterMs : timestampMs + this.windows.beforeMs;
    const store: WindowStore<K, unknown> = side === 'left' ? this.rightStore : this.leftStore;
    let matched = false;
    for (const [otherTs, otherValue] of store.fetchRange(key, Math.max(0, fromMs), toMs)) {
      if (this.windows.closesAtMs(other, otherTs) < streamTimeMs) continue; // already final
      matched = true;
      this.forget(this.id(other, otherTs, key));
      const timestamp = Math.max(timestampMs, otherTs);
      emit(
        side === 'left'
          ? { key, left: value as L, right: otherValue as R, timestampMs: timestamp }
          : { key, left: otherValue as L, right: value as R, timestampMs: timestamp },
      );
    }
    if (side === 'left') this.leftStore.put(key, value as L, timestampMs);
    else this.rightStore.put(key, value as R, timestampMs);
    if (!matched && (this.kind === 'outer' || (this.kind === 'left' && side === 'left')))
      this.holdUnmatched(side, key, value, timestampMs);
    return true;
  }

  /** Emits, oldest first, the unmatched records whose windows closed by `streamTimeMs`. */
  emitClosed(streamTimeMs: number, emit: (result: JoinResult<K, L, R>) => void): void {
    if (this.unmatched.size === 0) return;
    const due = [...this.unmatched].filter(([, u]) => u.closesAtMs < streamTimeMs);
    due.sort(([, a], [, b]) => a.timestampMs - b.timestampMs || (a.side < b.side ? -1 : 1));
    for (const [id, u] of due) {
      this.forget(id);
      for (const v of u.values)
        emit(
          u.side === 'left'
            ? { key: u.key, left: v as L, right: null, timestampMs: u.timestampMs }
            : { key: u.key, left: null, right: v as R, timestampMs: u.timestampMs },
        );
    }
  }

  private holdUnmatched(side: JoinSide, key: K, value: unknown, timestampMs: number): void {
    const id = this.id(side, timestampMs, key);
    let entry = this.unmatched.get(id);
    if (entry !== undefined) entry.values.push(value);
    else {
      const closesAtMs = this.windows.closesAtMs(side, timestampMs);
      entry = { side, key, values: [value], timestampMs, closesAtMs };
      this.unmatched.set(id, entry);
    }
    this.log?.put(id, entry);
  }

  private forget(id: string): void {
    if (this.unmatched.delete(id)) this.log?.delete(id);
  }

  private id(side: JoinSide, timestampMs: number, key: K): string {
    return `${side}|${timestampMs}|${this.keyId(key)}`;
  }
}
