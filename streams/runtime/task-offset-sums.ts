/**
 * What each instance tells the group leader about the task state it holds, in its subscription
 * userData, as Kafka Streams' instances report task offset sums (KIP-441): for every task it
 * has state of (an active task, a standby, or a task directory with a checkpoint) the sum of the
 * changelog offsets its stores cover, or {@link ACTIVE_TASK_OFFSET_SUM} for a task it runs.
 *
 * The leader has no changelog end offsets at hand (the assignor runs synchronously inside the
 * group protocol), so a holder's lag is measured against the most advanced report of the task:
 * an active owner counts as caught up, and so does the holder with the largest sum.
 */
import { join } from 'node:path';

import type { MemberSubscription } from '../../core/index.js';
import { DEFAULT_STATE_DIR } from '../state/index.js';

import { checkpointedTasks } from './task-checkpoint.js';

/** Kafka's `Task.LATEST_OFFSET`: the instance runs the task, its state is current. */
export const ACTIVE_TASK_OFFSET_SUM = -2;

/** Kafka Streams' default `acceptable.recovery.lag`. */
export const DEFAULT_ACCEPTABLE_RECOVERY_LAG = 10_000;

/**
 * The subscription userData reporting task offset sums: `{"v":1,"tasks":{"0_1":4200}}`.
 *
 * @example
 * ```ts
 * encodeTaskOffsetSums(new Map([['0_1', 4200]])).toString(); // '{"v":1,"tasks":{"0_1":4200}}'
 * ```
 */
export function encodeTaskOffsetSums(sums: ReadonlyMap<string, number>): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, tasks: Object.fromEntries(sums) }), 'utf8');
}

/** The task offset sums in subscription userData; none for absent or foreign userData. */
export function decodeTaskOffsetSums(userData: Buffer | null): Map<string, number> {
  const sums = new Map<string, number>();
  if (userData === null || userData.length === 0) return sums;
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as { v?: unknown; tasks?: unknown };
    if (parsed.v !== 1 || typeof parsed.tasks !== 'object' || parsed.tasks === null) return sums;
    for (const [task, sum] of Object.entries(parsed.tasks as Record<string, unknown>))
      if (typeof sum === 'number' && Number.isSafeInteger(sum)) sums.set(task, sum);
  } catch {
    // not ours: no report
  }
  return sums;
}

/**
 * The members holding state of each task, with their lag behind the most advanced holder
 * (0 for an active owner and for the best other holder); most caught up first.
 *
 * @example
 * ```ts
 * taskHolders(members).get('0_1'); // [{ memberId: 'b', lag: 0 }, { memberId: 'c', lag: 350 }]
 * ```
 */
export function taskHolders(
  members: readonly MemberSubscription[],
): Map<string, { readonly memberId: string; readonly lag: number }[]> {
  const reports = new Map<string, { memberId: string; sum: number }[]>();
  for (const m of members)
    for (const [task, sum] of decodeTaskOffsetSums(m.userData)) {
      const list = reports.get(task) ?? [];
      list.push({ memberId: m.memberId, sum });
      reports.set(task, list);
    }
  const holders = new Map<string, { memberId: string; lag: number }[]>();
  for (const [task, list] of reports) {
    // A standby trails its active by what it has not read yet (usually little); unknown here,
    // so the most advanced non-active holder counts as caught up.
    const best = Math.max(...list.map((r) => r.sum));
    const lagOf = (sum: number): number => (sum === ACTIVE_TASK_OFFSET_SUM ? 0 : best - sum);
    holders.set(
      task,
      list
        .map((r) => ({ memberId: r.memberId, lag: lagOf(r.sum) }))
        .sort((a, b) => a.lag - b.lag || (a.memberId < b.memberId ? -1 : 1)),
    );
  }
  return holders;
}

/**
 * This instance's report: its active tasks as {@link ACTIVE_TASK_OFFSET_SUM}, its standbys'
 * positions, and the checkpointed task directories under `<stateDir>/<applicationId>` that are
 * neither (left from before a restart or a move).
 *
 * @example
 * ```ts
 * taskOffsetSums({ active: ['0_0'], standby: new Map([['0_1', 900]]), stateDir: undefined, applicationId: 'words' });
 * ```
 */
export function taskOffsetSums(held: {
  readonly active: readonly string[];
  readonly standby: ReadonlyMap<string, number>;
  readonly stateDir: string | undefined;
  readonly applicationId: string;
}): Map<string, number> {
  const sums = checkpointedTasks(join(held.stateDir ?? DEFAULT_STATE_DIR, held.applicationId));
  for (const [task, sum] of held.standby) sums.set(task, sum);
  for (const task of held.active) sums.set(task, ACTIVE_TASK_OFFSET_SUM);
  return sums;
}
