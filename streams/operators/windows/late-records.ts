/**
 * Late records — records whose windows closed (beyond grace, by stream time) — are never lost
 * silently, unlike in Kafka Streams, which only counts them: each is logged, counted per task
 * and processor in `DroppedRecords`, and, when the operator names a late-records topic,
 * written there with context headers telling where it came from and why it was late.
 */
import type { NodeContext, Routed } from '../../runtime/node-context.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import type { DroppedRecords } from '../../runtime/dropped-records.js';
import { taskName } from '../../runtime/task.js';

/**
 * The headers a late record carries to its late-records topic, besides its own.
 *
 * @example
 * ```ts
 * const lateness = Number(record.headers[LATE_RECORD_HEADERS.streamTime]) - record.timestamp;
 * ```
 */
export const LATE_RECORD_HEADERS = {
  /** Why it was dropped, e.g. `window closed`. */
  reason: '__streams.late.reason',
  /** The processor that dropped it. */
  processor: '__streams.late.processor',
  /** The task, e.g. `1_0`. */
  task: '__streams.late.task',
  /** The task's stream time then, and the record's own timestamp (epoch ms). */
  streamTime: '__streams.late.stream.time',
  timestamp: '__streams.late.timestamp',
  /** Where the input record was read. */
  topic: '__streams.late.topic',
  partition: '__streams.late.partition',
  offset: '__streams.late.offset',
} as const;

/** Where a windowed operator's late records go. */
export interface LateRecordRoute {
  readonly counter: DroppedRecords;
  /** The sink child writing the late-records topic, when one is configured. */
  readonly sink: string | undefined;
}

/**
 * Reports one late record: logs it, counts it and, with a late-records sink, routes it there.
 *
 * @example
 * ```ts
 * if (!accepted) reportLate(ctx, route, record, 'window closed', emit);
 * ```
 */
export function reportLate(
  ctx: NodeContext,
  route: LateRecordRoute,
  record: StreamRecord<unknown, unknown>,
  reason: string,
  emit: (routed: Routed) => void,
): void {
  const task = taskName(ctx.taskId);
  route.counter.record(ctx.nodeName, task);
  const where = ctx.recordContext;
  ctx.logger.warn(
    {
      reason,
      timestamp: record.timestamp,
      streamTimeMs: ctx.streamTimeMs,
      topic: where?.topic,
      partition: where?.partition,
      offset: where?.offset,
      lateRecordsSink: route.sink,
    },
    'late record dropped',
  );
  if (route.sink === undefined) return;
  const headers = {
    ...record.headers,
    [LATE_RECORD_HEADERS.reason]: reason,
    [LATE_RECORD_HEADERS.processor]: ctx.nodeName,
    [LATE_RECORD_HEADERS.task]: task,
    [LATE_RECORD_HEADERS.streamTime]: String(ctx.streamTimeMs),
    [LATE_RECORD_HEADERS.timestamp]: String(record.timestamp),
    ...(where === undefined
      ? {}
      : {
          [LATE_RECORD_HEADERS.topic]: where.topic,
          [LATE_RECORD_HEADERS.partition]: String(where.partition),
          [LATE_RECORD_HEADERS.offset]: String(where.offset),
        }),
  };
  emit({ record: { ...record, headers }, child: route.sink });
}

/** Sends `record` to every child but the late-records sink. */
export function emitToResults(
  ctx: NodeContext,
  route: LateRecordRoute,
  record: StreamRecord<unknown, unknown>,
  emit: (routed: Routed) => void,
): void {
  if (route.sink === undefined) {
    emit({ record, child: undefined });
    return;
  }
  for (const child of ctx.children) if (child !== route.sink) emit({ record, child });
}
