import type { Timers } from '../../core/broker/timers.js';

interface Timer {
  readonly callback: () => void;
  readonly delayMs: number;
}

/** {@link Timers} that fire only when a test says so. */
export class ManualTimers implements Timers {
  private readonly timeouts = new Set<Timer>();
  private readonly intervals = new Set<Timer>();

  setTimeout(callback: () => void, delayMs: number): () => void {
    const timer = { callback, delayMs };
    this.timeouts.add(timer);
    return () => this.timeouts.delete(timer);
  }

  setInterval(callback: () => void, intervalMs: number): () => void {
    const timer = { callback, delayMs: intervalMs };
    this.intervals.add(timer);
    return () => this.intervals.delete(timer);
  }

  /** The delays of the one-shot timers armed and not yet fired or cancelled. */
  pendingTimeouts(): number[] {
    return [...this.timeouts].map((t) => t.delayMs);
  }

  /** The periods of the interval timers running. */
  runningIntervals(): number[] {
    return [...this.intervals].map((t) => t.delayMs);
  }

  /** Fires every armed one-shot timer. */
  fireTimeouts(): void {
    const due = [...this.timeouts];
    this.timeouts.clear();
    for (const t of due) t.callback();
  }

  /** Runs the callbacks of the intervals with period `intervalMs` once. */
  tickInterval(intervalMs: number): void {
    for (const t of [...this.intervals]) if (t.delayMs === intervalMs) t.callback();
  }
}
