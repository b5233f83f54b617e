import { assert } from '../util/assert.js';
import type { PartitionWatch, WatchWake } from './broker-context.js';

/** What a partition tells the watches subscribed to it. */
export interface PartitionListener {
  /** `bytes` more became visible to consumers (the high watermark moved over them). */
  onAppend(bytes: number): void;
  /** Something other than an append changed what a fetch would read (records or topic deleted). */
  onChange(): void;
}

/**
 * The registry's {@link PartitionWatch}: subscribed to partitions as a {@link PartitionListener},
 * with a timeout armed by the registry. `timeout` and `closed` end the watch for good; `changed`
 * is an event, consumed by the next {@link LocalPartitionWatch.until}, so a re-read after it
 * waits again instead of spinning.
 */
export class LocalPartitionWatch implements PartitionWatch, PartitionListener {
  private appended = 0;
  private changedPending = false;
  private ended: 'timeout' | 'closed' | undefined;
  private waiter: { readonly target: number; readonly wake: (why: WatchWake) => void } | undefined;
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  /** `onClose` runs once, when the watch is closed. */
  constructor(private readonly onClose: (watch: LocalPartitionWatch) => void) {}

  get appendedBytes(): number {
    return this.appended;
  }

  /** Whether an {@link LocalPartitionWatch.until} is pending. */
  get isWaiting(): boolean {
    return this.waiter !== undefined;
  }

  /** Registers something to undo on close: an unsubscription, a timer. */
  addCleanup(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  onAppend(bytes: number): void {
    this.appended += bytes;
    if (this.waiter !== undefined && this.appended >= this.waiter.target) this.wake('data');
  }

  onChange(): void {
    if (this.waiter === undefined) this.changedPending = true;
    else this.wake('changed');
  }

  /** Ends the watch: every current and future {@link LocalPartitionWatch.until} returns `why`. */
  end(why: 'timeout' | 'closed'): void {
    this.ended ??= why;
    if (this.waiter !== undefined) this.wake(this.ended);
  }

  until(targetBytes: number): Promise<WatchWake> {
    assert(this.waiter === undefined, 'one until() at a time per watch');
    if (this.ended !== undefined) return Promise.resolve(this.ended);
    if (this.changedPending) {
      this.changedPending = false;
      return Promise.resolve('changed');
    }
    if (this.appended >= targetBytes) return Promise.resolve('data');
    return new Promise((resolve) => {
      this.waiter = { target: targetBytes, wake: resolve };
    });
  }

  private wake(why: WatchWake): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.wake(why);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.end('closed');
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.onClose(this);
  }
}
