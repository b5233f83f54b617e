/**
 * Idempotent-producer state of one partition, exactly as kafka-protocol.md §3.5 (Apache's
 * ProducerAppendInfo / ProducerStateEntry): per producer id the current epoch and the last five
 * batches' sequence ranges and offsets. Pure logic; the partition persists it with
 * {@link ProducerStateManager.toSnapshot} and rebuilds it from batch headers.
 *
 * ```
 * condition (checked in this order)               result
 * no state for the producer id                    append, whatever the sequence (KIP-360)
 * epoch < current epoch                           INVALID_PRODUCER_EPOCH (47)
 * same epoch, (firstSeq, lastSeq) cached          duplicate: NONE with the original offset
 * epoch > current epoch                           append if baseSequence = 0, else 45
 * same epoch, baseSequence ≠ lastSeq + 1          OUT_OF_ORDER_SEQUENCE_NUMBER (45)
 * ```
 * DUPLICATE_SEQUENCE_NUMBER (46) is never returned: kafkajs treats it as fatal.
 */
import type { BatchHeader } from '../protocol/records/batch-header.js';
import { ErrorCode } from '../util/error-codes.js';

/** How many recent batches per producer are remembered for duplicate detection (Kafka's 5). */
export const PRODUCER_BATCH_CACHE_SIZE = 5;

/** Sequences are int32 and wrap from this to 0. */
export const MAX_SEQUENCE = 0x7fffffff;

/** The snapshot format this code writes and reads. */
const SNAPSHOT_VERSION = 1;

/** What is remembered of one appended batch. */
export interface ProducerBatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly baseOffset: number;
  readonly lastOffsetDelta: number;
  /** The batch's max timestamp as stored: the append time on LogAppendTime topics. */
  readonly timestamp: number;
}

/** One producer's state in a partition. */
export interface ProducerEntry {
  readonly producerId: number;
  readonly epoch: number;
  /** The most recent batches of the current epoch, oldest first, at most five. */
  readonly batches: readonly ProducerBatchMetadata[];
}

/** The producer fields of a batch header. */
export type ProducerBatch = Pick<
  BatchHeader,
  'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta'
>;

/** The verdict on an incoming batch. */
export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: ProducerBatchMetadata }
  | { readonly kind: 'reject'; readonly errorCode: ErrorCode; readonly message: string };

/** Producer state as written to `producer-state.json`. */
export interface ProducerStateSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** The log end offset the state covers: every batch below it is accounted for. */
  readonly offset: number;
  readonly producers: readonly ProducerEntry[];
}

/** The sequence after `sequence`, wrapping at 2^31-1 like Kafka's. */
export function nextSequence(sequence: number): number {
  return sequence === MAX_SEQUENCE ? 0 : sequence + 1;
}

/** The last sequence of a batch: baseSequence + lastOffsetDelta, wrapping past 2^31-1. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta
    ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

const APPEND: SequenceCheck = { kind: 'append' };

function reject(errorCode: ErrorCode, message: string): SequenceCheck {
  return { kind: 'reject', errorCode, message };
}

/**
 * The producers of one partition.
 *
 * @example
 * ```ts
 * const state = new ProducerStateManager();
 * const verdict = state.check(header);
 * if (verdict.kind === 'append') state.record(header, log.append(batch).baseOffset, timestamp);
 * ```
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  private changes = 0;

  /** How many producers have state here. */
  get size(): number {
    return this.producers.size;
  }

  /** Grows on every change; tells the partition whether a new snapshot is worth writing. */
  get version(): number {
    return this.changes;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Decides whether a batch from an idempotent producer (producerId ≥ 0) may be appended. */
  check(batch: ProducerBatch): SequenceCheck {
    const { producerId, producerEpoch, baseSequence } = batch;
    if (baseSequence < 0 || producerEpoch < 0) {
      return reject(
        ErrorCode.INVALID_RECORD,
        `producer ${producerId} sent epoch ${producerEpoch} and base sequence ${baseSequence}`,
      );
    }
    const entry = this.producers.get(producerId);
    if (entry === undefined) return APPEND;
    if (producerEpoch < entry.epoch) {
      return reject(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${producerId} epoch ${producerEpoch} is older than the current ${entry.epoch}`,
      );
    }
    if (producerEpoch > entry.epoch) {
      return baseSequence === 0
        ? APPEND
        : reject(
            ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `producer ${producerId} bumped its epoch to ${producerEpoch} with sequence ${baseSequence}, not 0`,
          );
    }
    const last = lastSequence(baseSequence, batch.lastOffsetDelta);
    const duplicate = entry.batches.find((b) => b.firstSeq === baseSequence && b.lastSeq === last);
    if (duplicate !== undefined) return { kind: 'duplicate', batch: duplicate };
    const newest = entry.batches[entry.batches.length - 1];
    const expected = newest === undefined ? baseSequence : nextSequence(newest.lastSeq);
    if (baseSequence !== expected) {
      return reject(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `producer ${producerId} sent sequence ${baseSequence}, expected ${expected}`,
      );
    }
    return APPEND;
  }

  /**
   * Records a batch the log stored at `baseOffset`, after an append or while rebuilding from the
   * log. A new epoch replaces the producer's state; the cache keeps the newest five batches.
   */
  record(batch: ProducerBatch, baseOffset: number, timestamp: number): void {
    const metadata: ProducerBatchMetadata = {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequence(batch.baseSequence, batch.lastOffsetDelta),
      baseOffset,
      lastOffsetDelta: batch.lastOffsetDelta,
      timestamp,
    };
    const entry = this.producers.get(batch.producerId);
    const kept = entry?.epoch === batch.producerEpoch ? entry.batches : [];
    this.producers.set(batch.producerId, {
      producerId: batch.producerId,
      epoch: batch.producerEpoch,
      batches: [...kept.slice(-(PRODUCER_BATCH_CACHE_SIZE - 1)), metadata],
    });
    this.changes++;
  }

  /**
   * Forgets producers whose newest batch is `expirationMs` older than `nowMs` (Kafka's
   * `producer.id.expiration.ms`). A forgotten producer is accepted at any sequence again.
   * Returns how many went.
   */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.producers) {
      const newest = entry.batches[entry.batches.length - 1];
      if (newest === undefined || nowMs - newest.timestamp >= expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    if (removed > 0) this.changes++;
    return removed;
  }

  /** The state as of log end offset `offset`, ready for JSON. */
  toSnapshot(offset: number): ProducerStateSnapshot {
    return { version: SNAPSHOT_VERSION, offset, producers: [...this.producers.values()] };
  }

  /** Restores a snapshot; undefined when `value` is not one (then the caller rescans the log). */
  static fromSnapshot(
    value: unknown,
  ): { readonly state: ProducerStateManager; readonly offset: number } | undefined {
    if (!isSnapshot(value)) return undefined;
    const state = new ProducerStateManager();
    for (const entry of value.producers) state.producers.set(entry.producerId, entry);
    return { state, offset: value.offset };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allSafeIntegers(value: Record<string, unknown>, names: readonly string[]): boolean {
  return names.every((name) => Number.isSafeInteger(value[name]));
}

function isBatchMetadata(value: unknown): value is ProducerBatchMetadata {
  return (
    isRecord(value) &&
    allSafeIntegers(value, ['firstSeq', 'lastSeq', 'baseOffset', 'lastOffsetDelta', 'timestamp'])
  );
}

function isEntry(value: unknown): value is ProducerEntry {
  return (
    isRecord(value) &&
    allSafeIntegers(value, ['producerId', 'epoch']) &&
    Array.isArray(value.batches) &&
    value.batches.length <= PRODUCER_BATCH_CACHE_SIZE &&
    value.batches.every(isBatchMetadata)
  );
}

function isSnapshot(value: unknown): value is ProducerStateSnapshot {
  return (
    isRecord(value) &&
    value.version === SNAPSHOT_VERSION &&
    Number.isSafeInteger(value.offset) &&
    Array.isArray(value.producers) &&
    value.producers.every(isEntry)
  );
}
