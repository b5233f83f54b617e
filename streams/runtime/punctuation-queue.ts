/**
 * The punctuators of one task for one kind of time, fired as Kafka Streams fires them: a
 * schedule is due when time reaches its due time; it fires once (with the current time, not the
 * due time), and its next due time is the first multiple of its interval, counted from the
 * previous due time, that lies after the current time, so a jump in time never causes a burst.
 */
import type { Cancellable, Punctuator } from './processor.js';

/** One scheduled punctuator. */
interface Schedule {
  readonly nodeName: string;
  readonly intervalMs: number;
  readonly callback: Punctuator;
  dueMs: number;
  cancelled: boolean;
}

/** Runs a punctuator of a node; the task's hook handles its exceptions. */
export type PunctuatorRunner = (
  nodeName: string,
  callback: Punctuator,
  timestampMs: number,
) => void;

/**
 * Due-time ordered punctuators.
 *
 * @example
 * ```ts
 * const q = new PunctuationQueue();
 * q.schedule('proc', 0, 1000, (ts) => console.log(ts));
 * q.punctuate(2500, (node, cb, ts) => cb(ts)); // fires once with 2500; next due 3000
 * ```
 */
export class PunctuationQueue {
  private schedules: Schedule[] = [];

  /** Adds a punctuator first due at `firstDueMs`. */
  schedule(
    nodeName: string,
    firstDueMs: number,
    intervalMs: number,
    callback: Punctuator,
  ): Cancellable {
    const entry: Schedule = { nodeName, intervalMs, callback, dueMs: firstDueMs, cancelled: false };
    this.schedules.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
        this.schedules = this.schedules.filter((s) => s !== entry);
      },
    };
  }

  /**
   * Fires every schedule due at `nowMs`, earliest due first, each at most once. Returns whether
   * any fired. Stops early when `run` throws (the exception propagates).
   */
  punctuate(nowMs: number, run: PunctuatorRunner): boolean {
    if (this.schedules.length === 0) return false;
    const due = this.schedules.filter((s) => s.dueMs <= nowMs).sort((a, b) => a.dueMs - b.dueMs);
    for (const s of due) {
      if (s.cancelled) continue;
      s.dueMs = nextDue(s.dueMs, s.intervalMs, nowMs);
      run(s.nodeName, s.callback, nowMs);
    }
    return due.length > 0;
  }

  /** Drops every schedule. */
  clear(): void {
    for (const s of this.schedules) s.cancelled = true;
    this.schedules = [];
  }

  /** How many punctuators are scheduled. */
  get size(): number {
    return this.schedules.length;
  }
}

/** The due time after `dueMs` that lies after `nowMs`, on the grid of `intervalMs` from `dueMs`. */
export function nextDue(dueMs: number, intervalMs: number, nowMs: number): number {
  const next = dueMs + intervalMs;
  if (nowMs < next) return next;
  const missed = Math.floor((nowMs - dueMs) / intervalMs);
  return dueMs + (missed + 1) * intervalMs;
}
