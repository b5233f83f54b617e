/**
 * Timers as a parameter: the partition registry's background tasks and Fetch's long-poll
 * timeouts take them from here, so tests drive time by hand instead of sleeping.
 */

/** One-shot and repeating timers; each returns a function that cancels it. */
export interface Timers {
  /** Calls `callback` once after `delayMs`. */
  setTimeout(callback: () => void, delayMs: number): () => void;
  /** Calls `callback` every `intervalMs`. */
  setInterval(callback: () => void, intervalMs: number): () => void;
}

/** Node's timers, unref'd: a pending timer never keeps the process alive. */
export const systemTimers: Timers = {
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return () => {
      clearTimeout(timer);
    };
  },
  setInterval(callback, intervalMs) {
    const timer = setInterval(callback, intervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  },
};
