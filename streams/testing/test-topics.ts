/**
 * The typed ends of a TestDriver's topics: input topics serialize and pipe records in, output
 * topics deserialize and hand records out (reading consumes them).
 */
import type { KeyValue } from '../operators/key-value.js';
import type { Serde } from '../serde/index.js';
import { serdeContext, toRecordHeaders, toStreamHeaders } from '../runtime/record-headers.js';
import type { StreamHeaders } from '../runtime/stream-record.js';
import { StreamsError } from '../runtime/streams-error.js';
import type { ConsumerRecord, RecordHeader } from '../../core/index.js';

/** What a TestDriver does for its topics. @internal */
export interface DriverTopics {
  readonly wallClockMs: number;
  pipe(record: {
    topic: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: readonly RecordHeader[];
    timestamp: number;
    partition: number | undefined;
  }): void;
  read(topic: string): ConsumerRecord | undefined;
  remaining(topic: string): number;
}

/**
 * Options of one piped record.
 *
 * @example
 * ```ts
 * orders.pipeInput('k', order, { timestamp: 1_000, headers: { trace: 'abc' }, partition: 2 });
 * ```
 */
export interface PipeOptions {
  /** Event time; default the topic's auto-advancing time, else the driver's wall clock. */
  readonly timestamp?: number;
  readonly headers?: StreamHeaders;
  /** Default: murmur2 of the serialized key, round-robin for null keys. */
  readonly partition?: number;
}

/**
 * A record to pipe.
 *
 * @example
 * ```ts
 * const r: TestInputRecord<string, number> = { key: 'a', value: 1, timestamp: 5 };
 * ```
 */
export interface TestInputRecord<K, V> extends PipeOptions {
  readonly key: K;
  readonly value: V;
}

/**
 * A record read from an output topic.
 *
 * @example
 * ```ts
 * const r: TestRecord<string, number> = out.readRecord();
 * expect([r.key, r.value, r.partition]).toEqual(['a', 1, 0]);
 * ```
 */
export interface TestRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: K;
  readonly value: V;
  /** Header values as a consumer sees them: bytes (or null). */
  readonly headers: StreamHeaders;
  readonly timestamp: number;
}

/**
 * Timestamps of an input topic: each piped record without its own timestamp gets `startMs`,
 * then `startMs + autoAdvanceMs`, and so on.
 *
 * @example
 * ```ts
 * driver.createInputTopic('in', Serdes.string(), Serdes.string(), { startMs: 0, autoAdvanceMs: 1000 });
 * ```
 */
export interface InputTopicOptions {
  readonly startMs?: number;
  readonly autoAdvanceMs?: number;
}

/**
 * Pipes typed records into a topic of a TestDriver; each is processed, with everything it
 * causes (repartitions included), before the call returns.
 *
 * @example
 * ```ts
 * const orders = driver.createInputTopic('orders', Serdes.string(), Serdes.json<Order>());
 * orders.pipeInput('o-1', { amount: 5 }, { timestamp: 1_000 });
 * ```
 */
export class TestInputTopic<K, V> {
  private nextTimestampMs: number | undefined;

  /** @internal */
  constructor(
    private readonly driver: DriverTopics,
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly options: InputTopicOptions = {},
  ) {
    this.nextTimestampMs = options.startMs;
  }

  /** Pipes one record. */
  pipeInput(key: K, value: V, options: PipeOptions = {}): void {
    const headers = options.headers ?? {};
    const ctx = serdeContext(this.name, headers);
    this.driver.pipe({
      topic: this.name,
      key: this.keySerde.serialize(key, ctx),
      value: this.valueSerde.serialize(value, ctx),
      headers: toRecordHeaders(headers),
      timestamp: options.timestamp ?? this.autoTimestamp(),
      partition: options.partition,
    });
  }

  /** Pipes records in order. */
  pipeRecords(records: readonly TestInputRecord<K, V>[]): void {
    for (const r of records) this.pipeInput(r.key, r.value, r);
  }

  /** Pipes `[key, value]` pairs in order. */
  pipeKeyValues(pairs: readonly KeyValue<K, V>[]): void {
    for (const [key, value] of pairs) this.pipeInput(key, value);
  }

  private autoTimestamp(): number {
    if (this.nextTimestampMs === undefined) return this.driver.wallClockMs;
    const ts = this.nextTimestampMs;
    this.nextTimestampMs += this.options.autoAdvanceMs ?? 0;
    return ts;
  }
}

/**
 * Reads typed records a topology wrote to a topic of a TestDriver, in the order they were
 * written (across partitions); reading consumes them.
 *
 * @example
 * ```ts
 * const out = driver.createOutputTopic('orders-clean', Serdes.string(), Serdes.json<Order>());
 * expect(out.readKeyValuesToList()).toEqual([['o-1', { amount: 500 }]]);
 * ```
 */
export class TestOutputTopic<K, V> {
  /** @internal */
  constructor(
    private readonly driver: DriverTopics,
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** The next record; throws when there is none. */
  readRecord(): TestRecord<K, V> {
    const r = this.driver.read(this.name);
    if (r === undefined) throw new StreamsError(`no record to read in topic ${this.name}`);
    const headers = toStreamHeaders(r.headers);
    const ctx = serdeContext(r.topic, headers);
    return {
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      key: this.keySerde.deserialize(r.key, ctx),
      value: this.valueSerde.deserialize(r.value, ctx),
      headers,
      timestamp: r.timestamp,
    };
  }

  /** The next record's `[key, value]`. */
  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord();
    return [r.key, r.value];
  }

  /** The next record's value. */
  readValue(): V {
    return this.readRecord().value;
  }

  /** Every remaining record. */
  readRecordsToList(): TestRecord<K, V>[] {
    const out: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  /** Every remaining `[key, value]`. */
  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map((r) => [r.key, r.value] as const);
  }

  /** Every remaining value. */
  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  /** Whether every record written so far has been read. */
  isEmpty(): boolean {
    return this.queueSize() === 0;
  }

  /** How many records are left to read. */
  queueSize(): number {
    return this.driver.remaining(this.name);
  }
}
