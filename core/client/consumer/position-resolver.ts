/**
 * Gives positions to the partitions that have none: the group's committed offset when there is
 * one, else `auto.offset.reset` (earliest / latest via ListOffsets); and carries out explicit
 * resets (seekToBeginning / End / Timestamp). A time no record reaches resolves to the log end,
 * as `kafka-consumer-groups.sh --to-datetime` does.
 */
import { ErrorCode } from '../../util/error-codes.js';
import { FjordError } from '../../util/errors.js';
import type { Cluster } from '../cluster.js';
import type { AutoOffsetReset } from './consumer-options.js';
import {
  EARLIEST_TIMESTAMP,
  fetchCommitted,
  LATEST_TIMESTAMP,
  listOffsets,
  type OffsetQuery,
  type RetryPolicy,
} from './offsets.js';
import type { OffsetResetTarget, PartitionState, SubscriptionState } from './subscription-state.js';
import { tpKey } from './types.js';

/** What {@link resolvePositions} needs. */
export interface ResolveContext {
  readonly cluster: Cluster;
  readonly state: SubscriptionState;
  readonly groupId: string | undefined;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly policy: RetryPolicy;
  /** Remembers committed offsets found, so auto commit can skip them. */
  readonly onCommittedFound: (key: string, offset: number) => void;
}

function timestampOf(target: OffsetResetTarget): number {
  if (target === 'earliest') return EARLIEST_TIMESTAMP;
  if (target === 'latest') return LATEST_TIMESTAMP;
  return target.timestampMs;
}

/** Resolves every partition of `ctx.state` that needs a position. */
export async function resolvePositions(ctx: ResolveContext): Promise<void> {
  const { state, cluster, policy } = ctx;
  const withoutPosition = state.needingPosition().filter((s) => s.reset === undefined);
  if (ctx.groupId !== undefined && withoutPosition.length > 0) {
    const committed = await fetchCommitted(cluster, ctx.groupId, withoutPosition, policy);
    for (const s of withoutPosition) {
      const key = tpKey(s.topic, s.partition);
      const offset = committed.get(key);
      if (offset === undefined || !isUntouched(state, s, undefined)) continue;
      s.position = offset;
      ctx.onCommittedFound(key, offset);
    }
  }
  const todo = state
    .needingPosition()
    .map((s) => ({ s, explicit: s.reset, target: s.reset ?? autoReset(ctx, s) }));
  if (todo.length === 0) return;
  const answers = await listOffsets(
    cluster,
    todo.map(({ s, target }) => ({
      topic: s.topic,
      partition: s.partition,
      timestamp: timestampOf(target),
    })),
    policy,
  );
  const beyond: OffsetQuery[] = [];
  for (const { s, explicit } of todo) {
    const answer = answers.get(tpKey(s.topic, s.partition));
    if (answer === undefined || !isUntouched(state, s, explicit)) continue;
    if (answer.offset < 0)
      beyond.push({ topic: s.topic, partition: s.partition, timestamp: LATEST_TIMESTAMP });
    else {
      s.position = answer.offset;
      s.reset = undefined;
    }
  }
  if (beyond.length === 0) return;
  const ends = await listOffsets(cluster, beyond, policy);
  for (const q of beyond) {
    const s = state.get(q.topic, q.partition);
    const end = ends.get(tpKey(q.topic, q.partition));
    if (s === undefined || end === undefined) continue;
    s.position = end.offset;
    s.reset = undefined;
  }
}

/** Whether `s` is still assigned and waiting for the lookup started for it. */
function isUntouched(
  state: SubscriptionState,
  s: PartitionState,
  reset: OffsetResetTarget | undefined,
): boolean {
  if (state.get(s.topic, s.partition) !== s) return false;
  return reset === undefined
    ? s.position === undefined && s.reset === undefined
    : s.reset === reset;
}

function autoReset(ctx: ResolveContext, s: PartitionState): OffsetResetTarget {
  if (ctx.autoOffsetReset === 'none') {
    throw new FjordError(
      `${s.topic}-${s.partition} has no committed offset and auto.offset.reset is none`,
      ErrorCode.OFFSET_OUT_OF_RANGE,
    );
  }
  return ctx.autoOffsetReset;
}
