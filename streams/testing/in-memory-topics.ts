/**
 * The TestDriver's broker: topics as in-memory partition logs. Records are placed as the
 * producer places them: an explicit partition, else the custom partitioner's choice, else
 * murmur2 of the serialized key, else round-robin for null keys.
 */
import { partitionForKey, type ConsumerRecord, type RecordHeader } from '../../core/index.js';
import { StreamsError } from '../runtime/streams-error.js';

/** A record to append. */
export interface AppendRecord {
  readonly topic: string;
  readonly partition?: number | undefined;
  readonly partitioner?: ((partitionCount: number) => number | undefined) | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestamp: number;
}

/**
 * Topic logs of a TestDriver.
 *
 * @example
 * ```ts
 * const topics = new InMemoryTopics(() => 4);
 * topics.append({ topic: 'in', key: Buffer.from('k'), value: null, headers: [], timestamp: 0 });
 * ```
 */
export class InMemoryTopics {
  private readonly logs = new Map<string, ConsumerRecord[]>();
  private readonly nextOffsets = new Map<string, number[]>();
  private readonly roundRobin = new Map<string, number>();

  constructor(private readonly partitionCount: (topic: string) => number) {}

  /** Appends a record; returns it as a consumer would read it. */
  append(record: AppendRecord): ConsumerRecord {
    const count = this.partitionCount(record.topic);
    const partition = this.place(record, count);
    const offsets = this.offsetsOf(record.topic, count);
    const offset = offsets[partition] ?? 0;
    offsets[partition] = offset + 1;
    const stored: ConsumerRecord = {
      topic: record.topic,
      partition,
      offset,
      timestamp: record.timestamp,
      key: record.key,
      value: record.value,
      headers: record.headers,
    };
    const log = this.logs.get(record.topic) ?? [];
    log.push(stored);
    this.logs.set(record.topic, log);
    return stored;
  }

  /** Every record of `topic`, in the order they were appended. */
  records(topic: string): readonly ConsumerRecord[] {
    return this.logs.get(topic) ?? [];
  }

  private place(record: AppendRecord, count: number): number {
    const partition =
      record.partition ??
      record.partitioner?.(count) ??
      (record.key === null
        ? this.nextRoundRobin(record.topic, count)
        : partitionForKey(record.key, count));
    if (!Number.isSafeInteger(partition) || partition < 0 || partition >= count)
      throw new StreamsError(
        `partition ${partition} of topic ${record.topic} does not exist (it has ${count})`,
      );
    return partition;
  }

  private nextRoundRobin(topic: string, count: number): number {
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return next % count;
  }

  private offsetsOf(topic: string, count: number): number[] {
    let offsets = this.nextOffsets.get(topic);
    if (offsets === undefined) {
      offsets = new Array<number>(count).fill(0);
      this.nextOffsets.set(topic, offsets);
    }
    return offsets;
  }
}
