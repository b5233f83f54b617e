/**
 * Wall-clock time as a parameter. Code that decides by time takes a Clock, so tests and seeded
 * simulations can drive time by hand.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; for tests and simulations. */
export class ManualClock implements Clock {
  constructor(private nowMs = 0) {}

  now(): number {
    return this.nowMs;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.nowMs += ms;
  }

  set(ms: number): void {
    this.nowMs = ms;
  }
}
