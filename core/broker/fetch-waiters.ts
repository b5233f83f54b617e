/**
 * The fetches waiting on one partition, and what each may hear. A replica's fetch hears of bytes
 * as soon as they are in the log; a consumer's only once the high watermark has passed them, so
 * bytes appended above it are held here, with the offset they end at, until it moves.
 */
import type { PartitionListener } from './partition-watch.js';

/** Bytes appended past the high watermark, released to waiting fetches as it moves over them. */
interface Held {
  readonly endOffset: number;
  readonly bytes: number;
}

/** See the module comment. */
export class FetchWaiters {
  private held: Held[] = [];
  private readonly consumers = new Set<PartitionListener>();
  private readonly replicas = new Set<PartitionListener>();

  /** Whether bytes wait for the high watermark. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /**
   * Subscribes a waiting fetch; returns the unsubscription. `replica`: a follower's fetch, which
   * hears of bytes before they are committed.
   */
  subscribe(listener: PartitionListener, replica: boolean): () => void {
    // A wrapper per subscription, so one watch listing a partition twice counts it twice.
    const subscription: PartitionListener = {
      onAppend: (bytes) => {
        listener.onAppend(bytes);
      },
      onChange: () => {
        listener.onChange();
      },
    };
    const set = replica ? this.replicas : this.consumers;
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  }

  /** `bytes` went into the log: replicas hear now. */
  appended(bytes: number): void {
    for (const listener of this.replicas) listener.onAppend(bytes);
  }

  /** `bytes` went into the log and are committed already (the ISR is the leader alone). */
  committed(bytes: number): void {
    for (const listener of this.consumers) listener.onAppend(bytes);
  }

  /** `bytes` ending at `endOffset` wait for the high watermark. */
  hold(endOffset: number, bytes: number): void {
    this.held.push({ endOffset, bytes });
  }

  /** The high watermark moved to `highWatermark`: consumers hear of the bytes it passed. */
  release(highWatermark: number): void {
    let bytes = 0;
    let released = 0;
    while (released < this.held.length) {
      const next = this.held[released];
      if (next === undefined || next.endOffset > highWatermark) break;
      bytes += next.bytes;
      released++;
    }
    if (released > 0) this.held = this.held.slice(released);
    if (bytes > 0) for (const listener of this.consumers) listener.onAppend(bytes);
    // Offsets whose size is unknown here (appended before this broker led): let fetches re-read.
    else for (const listener of [...this.consumers]) listener.onChange();
  }

  /** The log was truncated to `endOffset`: bytes above it will never be committed. */
  truncated(endOffset: number): void {
    this.held = this.held.filter((h) => h.endOffset <= endOffset);
  }

  /** Tells every waiting fetch to re-read: the log start moved or the partition went away. */
  changed(): void {
    for (const listener of [...this.consumers]) listener.onChange();
    for (const listener of [...this.replicas]) listener.onChange();
  }
}
