import type { Timers } from '../../core/broker/timers.js';
import { ManualClock } from '../../core/util/clock.js';

interface VirtualTimer {
  readonly id: number;
  dueMs: number;
  readonly callback: () => void;
  /** Set for intervals. */
  readonly periodMs: number | undefined;
}

/**
 * A clock and {@link Timers} in virtual time: nothing fires until {@link VirtualTime.advance},
 * which moves the clock from timer to timer in due order (ties in the order they were set), so
 * a test can say "31 seconds pass" and see exactly what Kafka's timeouts would do.
 */
export class VirtualTime implements Timers {
  readonly clock: ManualClock;
  private readonly timers = new Map<number, VirtualTimer>();
  private nextId = 0;

  constructor(startMs = 1_700_000_000_000) {
    this.clock = new ManualClock(startMs);
  }

  now(): number {
    return this.clock.now();
  }

  setTimeout(callback: () => void, delayMs: number): () => void {
    return this.add(callback, delayMs, undefined);
  }

  setInterval(callback: () => void, intervalMs: number): () => void {
    return this.add(callback, intervalMs, intervalMs);
  }

  private add(callback: () => void, delayMs: number, periodMs: number | undefined): () => void {
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.clock.now() + Math.max(0, delayMs), callback, periodMs });
    return () => this.timers.delete(id);
  }

  /** Timers armed and not yet fired (intervals count once). */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      let next: VirtualTimer | undefined;
      for (const t of this.timers.values()) {
        if (t.dueMs <= end && (next === undefined || t.dueMs < next.dueMs)) next = t;
      }
      if (next === undefined) break;
      this.clock.set(Math.max(this.clock.now(), next.dueMs));
      if (next.periodMs === undefined) this.timers.delete(next.id);
      else next.dueMs += Math.max(1, next.periodMs);
      next.callback();
    }
    this.clock.set(end);
  }
}
