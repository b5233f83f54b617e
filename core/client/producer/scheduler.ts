/**
 * Time for the producer as a parameter: the clock it stamps records and measures timeouts with,
 * and the timers behind linger, backoff and `max.block.ms`. {@link systemScheduler} is the only
 * code here that touches Node's timers.
 */

/**
 * A clock plus one-shot timers; `setTimeout` returns a function that cancels the timer.
 *
 * @example
 * ```ts
 * const scheduler: Scheduler = {
 *   now: () => Date.now(),
 *   setTimeout: (cb, ms) => { const t = setTimeout(cb, ms); return () => clearTimeout(t); },
 *   setImmediate: (cb) => setImmediate(cb),
 * };
 * const producer = new Producer({ bootstrap: '127.0.0.1:9092' }, scheduler);
 * ```
 */
export interface Scheduler {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): () => void;
  /** Runs `callback` after the current I/O and microtasks: lets a burst of sends fill batches. */
  setImmediate(callback: () => void): void;
}

/**
 * Node's clock and timers. Timers stay ref'd: a linger or backoff timer holds records a caller
 * is awaiting, so the process must not exit under it.
 */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return () => {
      clearTimeout(timer);
    };
  },
  setImmediate(callback) {
    setImmediate(callback);
  },
};
