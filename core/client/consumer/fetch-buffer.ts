/**
 * Fetched records waiting to be handed to the application: per partition a short queue of
 * completed fetches, each continuing where the previous one ends. A fetch is handed out only
 * while it continues from the partition's position, so a seek (or reset, or reassignment)
 * invalidates whatever was prefetched for it without further bookkeeping.
 */
import { FjordError } from '../../util/errors.js';
import { ErrorCode } from '../../util/error-codes.js';
import type { PartitionDecoder } from './fetch-records.js';
import type { SubscriptionState } from './subscription-state.js';
import type { ConsumerBatch, ConsumerRecord } from './types.js';
import { tpKey } from './types.js';

/** The records of one partition from one Fetch response. */
export interface CompletedFetch {
  readonly topic: string;
  readonly partition: number;
  /** Where the next record to hand out is expected to be; starts at the fetch offset. */
  cursor: number;
  /** Records decoded and not yet handed out from `index` on; the decoder appends to it. */
  records: readonly ConsumerRecord[];
  /** Index of the next record to hand out. */
  index: number;
  /**
   * Decodes the rest of the fetch as records are handed out; absent when `records` holds them
   * all. Its corrupt-data errors surface from {@link FetchBuffer.take}.
   */
  readonly decoder?: PartitionDecoder;
  /** Corrupt data the decoder reached; thrown once the records before it are handed out. */
  failure?: FjordError;
  /** The offset after the fetched data. */
  readonly nextOffset: number;
  readonly highWatermark: number;
  /** Bytes of record data, for the prefetch bound. */
  readonly bytes: number;
}

/**
 * The prefetch buffer.
 *
 * @example
 * ```ts
 * buffer.push(completed);
 * const batch = buffer.take(state, 500);
 * ```
 */
export class FetchBuffer {
  private readonly queues = new Map<string, CompletedFetch[]>();
  /** Record bytes buffered across all partitions. */
  bytes = 0;

  push(fetch: CompletedFetch): void {
    const key = tpKey(fetch.topic, fetch.partition);
    const queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, [fetch]);
    else queue.push(fetch);
    this.bytes += fetch.bytes;
  }

  /** Completed fetches buffered for a partition. */
  depth(topic: string, partition: number): number {
    return this.queues.get(tpKey(topic, partition))?.length ?? 0;
  }

  /** The offset after the last buffered fetch of a partition, where a prefetch continues. */
  tailOffset(topic: string, partition: number): number | undefined {
    return this.queues.get(tpKey(topic, partition))?.at(-1)?.nextOffset;
  }

  /** Drops a partition's buffered fetches. */
  clear(topic: string, partition: number): void {
    this.drop(tpKey(topic, partition));
  }

  clearAll(): void {
    this.queues.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    for (const f of this.queues.get(key) ?? []) this.bytes -= f.bytes;
    this.queues.delete(key);
  }

  /**
   * Up to `maxRecords` records of one partition that is assigned, not paused and positioned
   * where its buffered data continues, advancing its position; partitions take turns. Returns
   * undefined when nothing can be handed out.
   */
  take(state: SubscriptionState, maxRecords: number): ConsumerBatch | undefined {
    for (const [key, queue] of this.queues) {
      const ps = state.get(queue[0]?.topic ?? '', queue[0]?.partition ?? -1);
      if (ps === undefined || queue.length === 0) {
        this.drop(key);
        continue;
      }
      if (ps.paused || ps.reset !== undefined || ps.position === undefined) continue;
      while (queue.length > 0) {
        const head = queue[0];
        if (head === undefined) break;
        if (head.cursor !== ps.position) {
          this.drop(key);
          break;
        }
        if (head.decoder !== undefined && head.records.length - head.index < maxRecords) {
          this.decodeMore(key, head, maxRecords);
        }
        const records = head.records.slice(head.index, head.index + maxRecords);
        head.index += records.length;
        const last = records.at(-1);
        ps.position = last === undefined ? head.nextOffset : last.offset + 1;
        ps.highWatermark = Math.max(ps.highWatermark, head.highWatermark);
        if (head.index >= head.records.length && head.decoder?.done !== false) {
          ps.position = head.nextOffset;
          queue.shift();
          this.bytes -= head.bytes;
          const following = queue[0];
          if (following === undefined) this.queues.delete(key);
        } else {
          head.cursor = ps.position;
        }
        if (records.length > 0) {
          // Round robin: this partition goes to the back of the line.
          const rest = this.queues.get(key);
          if (rest !== undefined) {
            this.queues.delete(key);
            this.queues.set(key, rest);
          }
          return {
            topic: head.topic,
            partition: head.partition,
            records,
            highWatermark: head.highWatermark,
          };
        }
      }
    }
    return undefined;
  }

  /**
   * Decodes batches of `head` until `maxRecords` records are waiting or the fetch is used up.
   * Corrupt data is thrown as a {@link FjordError} with the decoder's error code once the
   * records before it are handed out, dropping the partition's buffered fetches (the partition
   * is then fetched again from its position).
   */
  private decodeMore(key: string, head: CompletedFetch, maxRecords: number): void {
    const decoder = head.decoder;
    if (decoder === undefined) return;
    // Records already handed out are let go of, so they do not outlive their batch.
    const records = head.records.slice(head.index);
    head.records = records;
    head.index = 0;
    if (head.failure === undefined) {
      try {
        while (records.length < maxRecords && decoder.next(records));
      } catch (err) {
        const code = err instanceof FjordError ? err.code : ErrorCode.CORRUPT_MESSAGE;
        const last = records.at(-1);
        const at = last === undefined ? head.cursor : last.offset + 1;
        head.failure = new FjordError(
          `${head.topic}-${head.partition} at offset ${at}: corrupt data`,
          code,
          {
            cause: err,
          },
        );
      }
    }
    if (head.failure !== undefined && records.length === 0) {
      this.drop(key);
      throw head.failure;
    }
  }
}
