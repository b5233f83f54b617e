/**
 * Waiting without polling: a {@link Wakeup} that every state change notifies and the consumer's
 * poll loop waits on, and an abortable sleep for backoffs.
 */

/**
 * A level-free notification: `wait()` resolves on the next `notify()`, after `timeoutMs`, or when
 * `signal` aborts, whichever comes first.
 *
 * @example
 * ```ts
 * const wakeup = new Wakeup();
 * setTimeout(() => wakeup.notify(), 10);
 * await wakeup.wait(1000);
 * ```
 */
export class Wakeup {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done);
  });
}
