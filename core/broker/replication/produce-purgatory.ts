/**
 * acks=all produces waiting for the high watermark: each waits until the partition's high
 * watermark passes its batch, then learns whether the ISR was still large enough
 * (`min.insync.replicas`) when it did. A leader that steps down fails every waiter.
 */
import { ErrorCode } from '../../util/error-codes.js';

interface Waiter {
  /** The high watermark that commits the batch: its last offset + 1. */
  readonly requiredOffset: number;
  readonly done: (errorCode: ErrorCode) => void;
}

/** One partition's waiting produces. */
export class ProducePurgatory {
  private waiters: Waiter[] = [];

  /** Produces waiting now. */
  get size(): number {
    return this.waiters.length;
  }

  /**
   * Parks a produce until the high watermark reaches `requiredOffset`; `done` is called exactly
   * once, unless the returned cancellation runs first (the request timed out).
   */
  add(requiredOffset: number, done: (errorCode: ErrorCode) => void): () => void {
    const waiter: Waiter = { requiredOffset, done };
    this.waiters.push(waiter);
    return () => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    };
  }

  /**
   * Completes the produces the high watermark now covers: NONE, or
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below `minInsyncReplicas` meanwhile
   * (the records are in the log, yet fewer replicas than asked hold them).
   */
  onHighWatermark(highWatermark: number, isrSize: number, minInsyncReplicas: number): void {
    if (this.waiters.length === 0) return;
    const code =
      isrSize < minInsyncReplicas ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
    const ready = this.waiters.filter((w) => w.requiredOffset <= highWatermark);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.requiredOffset > highWatermark);
    for (const w of ready) w.done(code);
  }

  /** Fails every waiter with `errorCode` (the broker stopped leading the partition). */
  failAll(errorCode: ErrorCode): void {
    const all = this.waiters;
    this.waiters = [];
    for (const w of all) w.done(errorCode);
  }
}
