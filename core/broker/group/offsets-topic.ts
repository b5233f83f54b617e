/**
 * The broker's {@link OffsetsLog}: the internal, compacted topic `__consumer_offsets`, created on
 * first use with `offsets.topic.num.partitions` partitions and `offsets.topic.segment.bytes`
 * segments. Records go in through the partition's leader append (offsets stamped, fetch waiters
 * woken) like any produced batch, but only the coordinator writes here: Produce refuses internal
 * topics.
 */
import { Attributes, readBatchHeader } from '../../protocol/records/batch-header.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../../protocol/records/record-batch.js';
import { AssertionError } from '../../util/assert.js';
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { BrokerContext } from '../broker-context.js';
import { systemTimers } from '../timers.js';
import { isErrorCode, leaderPartition } from '../leader-partition.js';
import { createTopic } from '../topic-admin.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../broker-config.js';
import type { Timers } from '../timers.js';
import { GroupCoordinator } from './group-coordinator.js';
import { groupCoordinatorConfig } from './group-env.js';
import type { OffsetsLog, OffsetsRecord } from './offsets-log.js';

/** Kafka's name for the topic. */
export const OFFSETS_TOPIC = '__consumer_offsets';

/** See the module comment. */
export class TopicOffsetsLog implements OffsetsLog {
  /** A cluster store's creation in flight; FindCoordinator answers COORDINATOR_NOT_AVAILABLE. */
  private creating: Promise<unknown> | undefined;

  /**
   * @param broker the broker whose topics and partitions hold the topic; read at call time, so
   *   the broker context may be finished after this is built.
   */
  constructor(private readonly broker: () => BrokerContext) {}

  partitionCount(): number {
    const broker = this.broker();
    return (
      broker.topics.get(OFFSETS_TOPIC)?.partitionCount ?? broker.config.offsetsTopicNumPartitions
    );
  }

  exists(): boolean {
    return this.broker().topics.get(OFFSETS_TOPIC) !== undefined;
  }

  ensureTopic(): ErrorCode {
    const broker = this.broker();
    if (this.exists()) return ErrorCode.NONE;
    if (this.creating !== undefined) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      // Replicated as widely as the cluster allows, up to Kafka's default of 3.
      const rf = Math.min(3, Math.max(1, broker.cluster.liveBrokers().length));
      const created = createTopic(
        broker,
        OFFSETS_TOPIC,
        broker.config.offsetsTopicNumPartitions,
        rf,
        {
          'cleanup.policy': 'compact',
          'segment.bytes': String(broker.config.offsetsTopicSegmentBytes),
        },
      );
      if (!(created instanceof Promise)) return ErrorCode.NONE;
      // A cluster creates it in etcd: clients retry FindCoordinator until it exists.
      this.creating = created
        .catch((err: unknown) => {
          if (!this.exists()) broker.logger.error({ err }, `cannot create ${OFFSETS_TOPIC}`);
        })
        .finally(() => {
          this.creating = undefined;
        });
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    } catch (err) {
      if (err instanceof AssertionError) throw err;
      broker.logger.error({ err }, `cannot create ${OFFSETS_TOPIC}`);
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /** Whether this broker leads `partition` (and so coordinates its groups). */
  leads(partition: number): boolean {
    const broker = this.broker();
    // A single broker coordinates every group, before the topic exists too.
    if (broker.cluster.kind === 'local') return true;
    return broker.cluster.partitionState(OFFSETS_TOPIC, partition)?.leader === broker.config.nodeId;
  }

  append(partition: number, records: readonly OffsetsRecord[], timestampMs: number): ErrorCode {
    const created = this.ensureTopic();
    if (created !== ErrorCode.NONE) return created;
    const handle = leaderPartition(this.broker(), OFFSETS_TOPIC, partition);
    if (isErrorCode(handle)) return handle;
    const batch = encodeRecordBatch(
      records.map((r) => ({ key: r.key, value: r.value, timestamp: timestampMs })),
      { now: timestampMs },
    );
    return handle.appendAsLeader(batch, readBatchHeader(batch, 0)).errorCode;
  }

  awaitReplicated(partition: number, timeoutMs: number): Promise<ErrorCode> {
    const handle = leaderPartition(this.broker(), OFFSETS_TOPIC, partition);
    if (isErrorCode(handle)) return Promise.resolve(handle);
    const end = handle.log.logEndOffset;
    if (handle.highWatermark >= end) return Promise.resolve(ErrorCode.NONE);
    const timers = this.broker().timers ?? systemTimers;
    return new Promise((resolve) => {
      const stopTimer = timers.setTimeout(() => {
        cancel();
        resolve(ErrorCode.REQUEST_TIMED_OUT);
      }, timeoutMs);
      const cancel = handle.awaitHighWatermark(end, (code) => {
        stopTimer();
        resolve(code);
      });
    });
  }

  async *read(partition: number): AsyncGenerator<readonly OffsetsRecord[]> {
    const broker = this.broker();
    const handle = leaderPartition(broker, OFFSETS_TOPIC, partition);
    if (isErrorCode(handle)) {
      throw new FjordError(`cannot open ${OFFSETS_TOPIC}-${partition}`, handle);
    }
    const start = handle.log.logStartOffset;
    const end = handle.highWatermark;
    let offset = start;
    while (offset < end) {
      const { records, nextOffset } = await handle.log.read(
        offset,
        broker.config.offsetsLoadBufferSize,
        { maxOffset: end },
      );
      if (records.length === 0 || nextOffset <= offset) break;
      for (const { pos, size } of iterateBatches(records)) {
        const { header, records: batchRecords } = decodeRecordBatch(
          records.subarray(pos, pos + size),
        );
        if ((header.attributes & Attributes.CONTROL) !== 0) continue;
        const out: OffsetsRecord[] = [];
        for (const r of batchRecords) {
          // A read starts at the batch holding `offset`, which may begin before the log start.
          if (r.offset >= start && r.key !== null) out.push({ key: r.key, value: r.value });
        }
        if (out.length > 0) yield out;
      }
      offset = nextOffset;
    }
  }
}

/** What {@link brokerGroupCoordinator} needs besides the broker. */
export interface BrokerGroupsOptions {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
}

/**
 * The coordinator of a broker, over its `__consumer_offsets`. `broker` is read lazily, so the
 * coordinator can be built before the broker context that holds it.
 *
 * @example
 * ```ts
 * const groups = brokerGroupCoordinator(() => context, { config, clock, timers, logger });
 * const context: BrokerContext = { ...rest, groups };
 * void groups.start();
 * ```
 */
export function brokerGroupCoordinator(
  broker: () => BrokerContext,
  options: BrokerGroupsOptions,
): GroupCoordinator {
  return new GroupCoordinator({
    log: new TopicOffsetsLog(broker),
    config: groupCoordinatorConfig(options.config),
    clock: options.clock,
    timers: options.timers,
    logger: options.logger.child({ component: 'group-coordinator' }),
  });
}
