/**
 * The app's two drivers: the processing loop (poll a batch, push it through its task, repeat,
 * pausing while too many output records wait for acknowledgement) and the timer tick
 * (wall-clock punctuators, housekeeping, and the commit whenever `commit.interval.ms` is up).
 */
import type { Clock, Consumer } from '../../core/index.js';

import type { OffsetCommits } from './offset-commits.js';
import type { ProducerRecordCollector } from './producer-record-collector.js';
import type { TaskRegistry } from './task-registry.js';

/** What the loop drives. */
export interface LoopParts {
  readonly consumer: Consumer;
  readonly registry: TaskRegistry;
  readonly collector: ProducerRecordCollector;
  readonly commits: OffsetCommits;
  readonly clock: Clock;
  readonly commitIntervalMs: number;
  readonly maxPendingRecords: number;
  /** Aborted when the app stops or fails. */
  readonly signal: AbortSignal;
  readonly failed: () => boolean;
  readonly fail: (err: unknown) => void;
  /** Work of every tick: tasks waiting for a locked directory, the state cleaner. */
  readonly housekeeping?: (nowMs: number) => void;
}

/**
 * The processing loop and tick of one app.
 *
 * @example
 * ```ts
 * const loop = new ProcessingLoop(parts);
 * const done = loop.run();
 * setInterval(() => { loop.tick(); }, 100);
 * ```
 */
export class ProcessingLoop {
  private processedCount = 0;
  private nextCommitMs: number;

  constructor(private readonly p: LoopParts) {
    this.nextCommitMs = p.clock.now() + p.commitIntervalMs;
  }

  /** Records pushed through tasks so far. */
  get processed(): number {
    return this.processedCount;
  }

  /** Polls and processes until the signal aborts; a failure fails the app. */
  async run(): Promise<void> {
    const { signal, maxPendingRecords: max } = this.p;
    try {
      while (!signal.aborted) {
        if (this.p.collector.pending > max) {
          await this.drain(Math.floor(max / 2));
          continue;
        }
        const batch = await this.p.consumer.poll(signal);
        if (batch === undefined) continue;
        this.processedCount += this.p.registry.process(batch);
      }
    } catch (err) {
      this.p.fail(err);
    }
  }

  /** Wall-clock punctuators, and the commit when its interval is up. */
  tick(): void {
    if (this.p.failed() || this.p.signal.aborted) return;
    const now = this.p.clock.now();
    try {
      this.p.registry.punctuate(now);
      this.p.housekeeping?.(now);
    } catch (err) {
      this.p.fail(err);
      return;
    }
    if (now >= this.nextCommitMs && !this.p.commits.busy) {
      this.nextCommitMs = now + this.p.commitIntervalMs;
      this.p.commits.commit().catch((err: unknown) => {
        this.p.fail(err);
      });
    }
  }

  /** Backpressure: waits for the producer to catch up, or for the app to stop. */
  private drain(limit: number): Promise<void> {
    const signal = this.p.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      void this.p.collector.waitForRoom(limit).then(done);
    });
  }
}
