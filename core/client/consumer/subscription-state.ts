/**
 * What the consumer consumes and where it stands: the subscription (topics, a pattern, or a
 * manual assignment), the assigned partitions, and per partition its position (the offset of
 * the next record to hand to the application), whether it is paused, and a pending offset
 * reset. Like the Java client's SubscriptionState; no I/O here.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { TopicPartition, TopicPartitionOffset } from './types.js';
import { sortPartitions, tpKey } from './types.js';

/** Where to move a partition that has no position: Kafka's `auto.offset.reset` plus a time. */
export type OffsetResetTarget = 'earliest' | 'latest' | { readonly timestampMs: number };

/** One assigned partition. */
export interface PartitionState extends TopicPartition {
  /** The next offset to hand out; undefined until looked up. */
  position: number | undefined;
  paused: boolean;
  /** An explicit reset asked for (seekToBeginning/End/Timestamp) and not done yet. */
  reset: OffsetResetTarget | undefined;
  highWatermark: number;
}

/** How the consumer was told what to consume. */
export type SubscriptionMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'topics'; readonly topics: readonly string[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp }
  | { readonly kind: 'assigned' };

function notAssigned(tp: TopicPartition): FjordError {
  return new FjordError(
    `${tp.topic}-${tp.partition} is not assigned to this consumer`,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  );
}

/**
 * The consumer's subscription and assigned partitions.
 *
 * @example
 * ```ts
 * const state = new SubscriptionState();
 * state.assign([{ topic: 'orders', partition: 0 }]);
 * state.seek({ topic: 'orders', partition: 0, offset: 42 });
 * ```
 */
export class SubscriptionState {
  mode: SubscriptionMode = { kind: 'none' };
  private readonly assigned = new Map<string, PartitionState>();
  private patternTopics: string[] = [];

  /** Subscribes to topics or a pattern; refused after {@link SubscriptionState.assignManually}. */
  subscribe(topics: readonly string[] | RegExp): void {
    if (this.mode.kind === 'assigned') {
      throw new FjordError(
        'this consumer uses assign(); it cannot also subscribe',
        ErrorCode.INVALID_REQUEST,
      );
    }
    this.mode =
      topics instanceof RegExp
        ? { kind: 'pattern', pattern: new RegExp(topics.source, topics.flags.replace('g', '')) }
        : { kind: 'topics', topics: [...topics] };
    this.patternTopics = [];
  }

  /** Assigns partitions by hand; refused after {@link SubscriptionState.subscribe}. */
  assignManually(partitions: readonly TopicPartition[]): void {
    if (this.mode.kind === 'topics' || this.mode.kind === 'pattern') {
      throw new FjordError(
        'this consumer subscribed; it cannot also assign()',
        ErrorCode.INVALID_REQUEST,
      );
    }
    this.mode = { kind: 'assigned' };
    this.assign(partitions);
  }

  /** The topics subscribed to: as listed, or those the pattern matched last. */
  subscribedTopics(): string[] {
    if (this.mode.kind === 'topics') return [...this.mode.topics];
    if (this.mode.kind === 'pattern') return [...this.patternTopics];
    return [];
  }

  /**
   * Matches the pattern against the cluster's topics (internal ones and `__`-prefixed ones
   * excluded); true when the matched set changed.
   */
  matchPattern(topics: readonly { name: string; isInternal: boolean }[]): boolean {
    const mode = this.mode;
    if (mode.kind !== 'pattern') return false;
    const matched = topics
      .filter((t) => !t.isInternal && !t.name.startsWith('__') && mode.pattern.test(t.name))
      .map((t) => t.name)
      .sort();
    if (matched.join('\n') === this.patternTopics.join('\n')) return false;
    this.patternTopics = matched;
    return true;
  }

  /** Replaces the assignment; partitions kept keep their state, new ones start without position. */
  assign(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      next.set(
        key,
        this.assigned.get(key) ?? {
          topic: tp.topic,
          partition: tp.partition,
          position: undefined,
          paused: false,
          reset: undefined,
          highWatermark: -1,
        },
      );
    }
    this.assigned.clear();
    for (const [k, v] of next) this.assigned.set(k, v);
  }

  /** Adds partitions to the assignment (cooperative rebalances). */
  add(partitions: readonly TopicPartition[]): void {
    this.assign([...this.partitions(), ...partitions]);
  }

  /** Removes partitions from the assignment. */
  remove(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.assigned.delete(tpKey(tp.topic, tp.partition));
  }

  /** Assigned partitions, sorted. */
  partitions(): TopicPartition[] {
    return sortPartitions(
      [...this.assigned.values()].map((s) => ({ topic: s.topic, partition: s.partition })),
    );
  }

  states(): IterableIterator<PartitionState> {
    return this.assigned.values();
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.assigned.get(tpKey(topic, partition));
  }

  isAssigned(topic: string, partition: number): boolean {
    return this.assigned.has(tpKey(topic, partition));
  }

  /** The state of an assigned partition; throws when it is not assigned. */
  require(tp: TopicPartition): PartitionState {
    const state = this.assigned.get(tpKey(tp.topic, tp.partition));
    if (state === undefined) throw notAssigned(tp);
    return state;
  }

  /** Moves a partition's position (and cancels a pending reset). */
  seek(tpo: TopicPartitionOffset): void {
    if (!Number.isSafeInteger(tpo.offset) || tpo.offset < 0) {
      throw new FjordError(`bad offset ${tpo.offset}`, ErrorCode.OFFSET_OUT_OF_RANGE);
    }
    const state = this.require(tpo);
    state.position = tpo.offset;
    state.reset = undefined;
  }

  /** Asks for a reset of the partition's position, done before its next fetch. */
  requestReset(tp: TopicPartition, target: OffsetResetTarget): void {
    const state = this.require(tp);
    state.reset = target;
  }

  /** Partitions whose position must be looked up (no position, or a reset pending). */
  needingPosition(): PartitionState[] {
    return [...this.assigned.values()].filter(
      (s) => s.position === undefined || s.reset !== undefined,
    );
  }

  /** Positions of the assigned partitions that have one. */
  positions(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const s of this.assigned.values()) {
      if (s.position !== undefined)
        out.push({ topic: s.topic, partition: s.partition, offset: s.position });
    }
    return sortPartitions(out);
  }

  setPaused(partitions: readonly TopicPartition[], paused: boolean): void {
    for (const tp of partitions) this.require(tp).paused = paused;
  }

  pausedPartitions(): TopicPartition[] {
    return sortPartitions(
      [...this.assigned.values()]
        .filter((s) => s.paused)
        .map((s) => ({ topic: s.topic, partition: s.partition })),
    );
  }
}
