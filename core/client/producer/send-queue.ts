/**
 * The FIFO of sends that could not append at once (no metadata, no connection, no buffer room).
 * Entries run strictly one after another, so records keep the order they were sent in; each
 * first tries its synchronous path and only awaits when that fails, so a long queue drains
 * without an await per record once room comes back.
 */

interface Entry {
  /** Runs the entry; never rejects. `undefined` when it settled synchronously. */
  readonly run: () => Promise<void> | undefined;
}

/** Entries removed from the front before the array is compacted. */
const COMPACT_AFTER = 1024;

/**
 * A strictly ordered queue of append attempts; see the module comment.
 *
 * @example
 * ```ts
 * const queue = new SendQueue();
 * const appended = queue.push(() => tryAppend(record), () => appendWhenPossible(record));
 * ```
 */
export class SendQueue {
  private items: (Entry | undefined)[] = [];
  private head = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];

  /** Entries not yet done. */
  get length(): number {
    return this.items.length - this.head;
  }

  /**
   * Queues an append: when its turn comes `tryNow` runs, and if it returns undefined `slow` runs
   * and is awaited before the next entry's turn.
   */
  push<T>(tryNow: () => T | undefined, slow: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.items.push({
        run: () => {
          try {
            const value = tryNow();
            if (value !== undefined) {
              resolve(value);
              return undefined;
            }
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
            return undefined;
          }
          return slow().then(resolve, reject);
        },
      });
      if (!this.running) void this.pump();
    });
  }

  /** Resolves once the queue is empty. */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    this.running = true;
    // Start on a later microtask, so the caller that queued the first entry returns first.
    await Promise.resolve();
    while (this.head < this.items.length) {
      const entry = this.items[this.head];
      const pending = entry?.run();
      if (pending !== undefined) await pending;
      this.items[this.head] = undefined;
      this.head++;
      if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    this.items = [];
    this.head = 0;
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
