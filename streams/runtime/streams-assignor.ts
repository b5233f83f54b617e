/**
 * The group leader's assignment for a streams app: the unit is the task, (sub-topology,
 * partition), not the partition. Every source partition of one task goes to one member (so
 * co-partitioned inputs meet in one task), tasks are spread so member loads differ by at most
 * one, and a member keeps the tasks it owned where balance allows.
 *
 * Hand-over is cooperative (KIP-429): a task some other member still owns is left out of its new
 * owner's assignment; the old owner sees it gone, revokes it (flushing and committing), rejoins,
 * and the follow-up rebalance hands it over. A task is therefore never processed by two members
 * at once, and a moving task's offsets are committed before it moves.
 *
 * With `num.standby.replicas` n > 0, each task also gets n standby replicas on members other
 * than its active owner (each on a different member, the least loaded first): they keep warm
 * copies of its stores. Standbys travel in the assignment's userData (see
 * {@link encodeStandbyTasks}), since a standby is a task, not a partition of the subscription.
 *
 * Each member reports in its subscription userData the task state it holds (task offset sums,
 * see task-offset-sums.ts): a moving task goes to a caught-up holder, and standbys stay on the
 * members that hold them, so a membership change does not send warm state back to the start.
 */
import type { Assignor, MemberSubscription, TopicPartition } from '../../core/index.js';

import {
  DEFAULT_ACCEPTABLE_RECOVERY_LAG,
  encodeTaskOffsetSums,
  taskHolders,
} from './task-offset-sums.js';
import { taskName, type TaskId } from './task.js';

/** The group protocol name. */
export const STREAMS_ASSIGNOR_NAME = 'fjord-streams';

/** A task and the source partitions it reads. */
interface TaskSlot {
  readonly id: TaskId;
  readonly name: string;
  readonly partitions: readonly TopicPartition[];
}

/**
 * The tasks of a topology over the partitions the cluster has, sub-topology by sub-topology;
 * dealt in this order to the least loaded member, each sub-topology's tasks spread round-robin.
 */
export function tasksOf(
  sourceTopics: ReadonlyMap<number, readonly string[]>,
  partitionsPerTopic: ReadonlyMap<string, number>,
): TaskSlot[] {
  const tasks: TaskSlot[] = [];
  for (const subtopology of [...sourceTopics.keys()].sort((a, b) => a - b)) {
    const topics = sourceTopics.get(subtopology) ?? [];
    const most = Math.max(0, ...topics.map((t) => partitionsPerTopic.get(t) ?? 0));
    for (let partition = 0; partition < most; partition++) {
      const id = { subtopology, partition };
      const partitions = topics
        .filter((t) => partition < (partitionsPerTopic.get(t) ?? 0))
        .map((topic) => ({ topic, partition }));
      tasks.push({ id, name: taskName(id), partitions });
    }
  }
  return tasks;
}

function key(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/** Who claims each partition: every member that lists it as owned. */
function claimsOf(members: readonly MemberSubscription[]): Map<string, MemberSubscription[]> {
  const claims = new Map<string, MemberSubscription[]>();
  for (const m of members)
    for (const tp of m.ownedPartitions) {
      const list = claims.get(key(tp));
      if (list === undefined) claims.set(key(tp), [m]);
      else list.push(m);
    }
  return claims;
}

/**
 * The previous owner of a task: the member of the newest generation claiming its first
 * partition; a tie between generations leaves it unowned, as in the cooperative-sticky assignor.
 */
function previousOwner(
  task: TaskSlot,
  claims: ReadonlyMap<string, readonly MemberSubscription[]>,
): string | undefined {
  for (const tp of task.partitions) {
    const list = claims.get(key(tp));
    if (list === undefined || list.length === 0) continue;
    const newest = Math.max(...list.map((m) => m.generationId));
    const winners = list.filter((m) => m.generationId === newest);
    return winners.length === 1 ? winners[0]?.memberId : undefined;
  }
  return undefined;
}

function subscribesAll(m: MemberSubscription, task: TaskSlot): boolean {
  return task.partitions.every((tp) => m.topics.includes(tp.topic));
}

/** How the assignor weighs the task state members report (see task-offset-sums.ts). */
export interface PlacementOptions {
  /** A holder at most this many offsets behind may take a task over; default 10000. */
  readonly acceptableRecoveryLag?: number;
}

/**
 * Balanced, sticky task placement (before the cooperative adjustment): a member keeps the tasks
 * it owned where balance allows; a task that moves goes first to a member holding its state
 * within `acceptableRecoveryLag` (a standby, or a task directory it checkpointed), the most
 * caught up first, else to the least loaded member.
 */
export function placeTasks(
  members: readonly MemberSubscription[],
  tasks: readonly TaskSlot[],
  options: PlacementOptions = {},
): Map<string, TaskSlot[]> {
  const sorted = [...members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
  );
  const placed = new Map<string, TaskSlot[]>(sorted.map((m) => [m.memberId, []]));
  const eligible = sorted.filter((m) => m.topics.length > 0);
  if (eligible.length === 0) return placed;
  const base = Math.floor(tasks.length / eligible.length);
  let extra = tasks.length % eligible.length;
  const claims = claimsOf(members);
  const owned = new Map<string, TaskSlot[]>();
  for (const task of tasks) {
    const owner = previousOwner(task, claims);
    const m = eligible.find((e) => e.memberId === owner);
    if (m !== undefined && subscribesAll(m, task))
      owned.set(m.memberId, [...(owned.get(m.memberId) ?? []), task]);
  }
  const kept = new Set<string>();
  const keep = (m: MemberSubscription, n: number): void => {
    const mine = (owned.get(m.memberId) ?? []).filter((t) => !kept.has(t.name));
    for (const t of mine.slice(0, n)) {
      placed.get(m.memberId)?.push(t);
      kept.add(t.name);
    }
  };
  // Each member keeps up to `base` of its tasks; then `extra` of them may keep one more.
  for (const m of eligible) keep(m, base);
  for (const m of eligible) {
    if (extra === 0) break;
    const before = placed.get(m.memberId)?.length ?? 0;
    keep(m, 1);
    if ((placed.get(m.memberId)?.length ?? 0) > before) extra--;
  }
  // A member below `base` has room; one at `base` only while some member may still take one more.
  const fits = (m: MemberSubscription): boolean =>
    load(placed, m) < base || (load(placed, m) === base && extra > 0);
  const put = (m: MemberSubscription, task: TaskSlot): void => {
    if (load(placed, m) === base) extra--;
    placed.get(m.memberId)?.push(task);
  };
  const maxLag = options.acceptableRecoveryLag ?? DEFAULT_ACCEPTABLE_RECOVERY_LAG;
  const holders = taskHolders(members);
  const caughtUp = (task: TaskSlot): MemberSubscription[] =>
    (holders.get(task.name) ?? []).flatMap((h) => {
      const m = eligible.find((e) => e.memberId === h.memberId);
      return h.lag <= maxLag && m !== undefined && subscribesAll(m, task) ? [m] : [];
    });
  const rest = tasks.filter((t) => !kept.has(t.name));
  // Tasks with caught-up holders first, so the others do not take the room those holders have.
  const ordered = [
    ...rest.filter((t) => caughtUp(t).length > 0),
    ...rest.filter((t) => caughtUp(t).length === 0),
  ];
  for (const task of ordered) {
    let best = caughtUp(task).find(fits);
    if (best === undefined)
      for (const m of eligible) {
        if (!subscribesAll(m, task)) continue;
        if (best === undefined || load(placed, m) < load(placed, best)) best = m;
      }
    if (best !== undefined) put(best, task);
  }
  return placed;
}

function load(placed: ReadonlyMap<string, readonly TaskSlot[]>, m: MemberSubscription): number {
  return placed.get(m.memberId)?.length ?? 0;
}

/**
 * The assignment userData naming a member's standby tasks: `{"v":1,"standby":["0_1",...]}`.
 *
 * @example
 * ```ts
 * encodeStandbyTasks(['0_1']).toString(); // '{"v":1,"standby":["0_1"]}'
 * ```
 */
export function encodeStandbyTasks(tasks: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, standby: tasks }), 'utf8');
}

/** The standby tasks in assignment userData; none when it holds none (or another format). */
export function decodeStandbyTasks(userData: Buffer | null): string[] {
  if (userData === null || userData.length === 0) return [];
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as { v?: unknown; standby?: unknown };
    if (parsed.v !== 1 || !Array.isArray(parsed.standby)) return [];
    return parsed.standby.filter((t): t is string => typeof t === 'string');
  } catch {
    return [];
  }
}

/**
 * Places `replicas` standbys of every task on members other than its active owner, one per
 * member: first on members that already hold the task's state (sticky: a standby stays where
 * it is warm) unless that member has more than one task more than the least loaded candidate,
 * else on the member with the fewest tasks (active and standby) so far.
 */
export function placeStandbys(
  members: readonly MemberSubscription[],
  placed: ReadonlyMap<string, readonly TaskSlot[]>,
  replicas: number,
): Map<string, string[]> {
  const eligible = [...members]
    .filter((m) => m.topics.length > 0)
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const standby = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const loadOf = (id: string): number =>
    (placed.get(id)?.length ?? 0) + (standby.get(id)?.length ?? 0);
  const holders = taskHolders(members);
  // Task by task in task order (not member by member), so the greedy choice stays balanced.
  const byTask = [...placed]
    .flatMap(([owner, tasks]) => tasks.map((task) => ({ owner, task })))
    .sort((x, y) =>
      x.task.id.partition !== y.task.id.partition
        ? x.task.id.partition - y.task.id.partition
        : x.task.id.subtopology - y.task.id.subtopology,
    );
  byTask.forEach(({ owner, task }, i) => {
    const taken = new Set([owner]);
    // Ties go round-robin from the task's position, so no member collects every tie.
    const at = i % eligible.length;
    const order = [...eligible.slice(at), ...eligible.slice(0, at)];
    const warm = (holders.get(task.name) ?? []).map((h) => h.memberId);
    for (let r = 0; r < replicas; r++) {
      const candidates = order.filter((m) => !taken.has(m.memberId) && subscribesAll(m, task));
      let best: MemberSubscription | undefined;
      for (const m of candidates)
        if (best === undefined || loadOf(m.memberId) < loadOf(best.memberId)) best = m;
      if (best === undefined) break;
      const least = loadOf(best.memberId);
      const sticky = warm
        .map((id) => candidates.find((m) => m.memberId === id))
        .find((m) => m !== undefined && loadOf(m.memberId) <= least + 1);
      const chosen = sticky ?? best;
      taken.add(chosen.memberId);
      standby.get(chosen.memberId)?.push(task.name);
    }
  });
  return standby;
}

/**
 * The assignor for a topology whose sub-topology `s` reads `sourceTopics.get(s)` (full topic
 * names, internal topics with the application id prefix).
 *
 * @example
 * ```ts
 * const assignor = streamsAssignor(new Map([[0, ['orders', 'customers']], [1, ['app-x-repartition']]]));
 * new Consumer({ bootstrap, groupId: 'app', assignors: [assignor], enableAutoCommit: false });
 * ```
 */
export function streamsAssignor(
  sourceTopics: ReadonlyMap<number, readonly string[]>,
  standbyReplicas = 0,
  options: PlacementOptions & {
    /** This instance's task offset sums, reported when it joins (see task-offset-sums.ts). */
    readonly taskOffsetSums?: () => ReadonlyMap<string, number>;
  } = {},
): Assignor {
  let standbys = new Map<string, string[]>();
  const sums = options.taskOffsetSums;
  return {
    name: STREAMS_ASSIGNOR_NAME,
    protocols: ['COOPERATIVE'],
    ...(sums === undefined
      ? {}
      : {
          subscriptionUserData: () => {
            const report = sums();
            return report.size === 0 ? null : encodeTaskOffsetSums(report);
          },
        }),
    assignmentUserData: (memberId) => {
      const tasks = standbys.get(memberId) ?? [];
      return tasks.length === 0 ? null : encodeStandbyTasks(tasks);
    },
    assign(members, partitionsPerTopic) {
      const tasks = tasksOf(sourceTopics, partitionsPerTopic);
      const placed = placeTasks(members, tasks, options);
      standbys =
        standbyReplicas > 0
          ? placeStandbys(members, placed, standbyReplicas)
          : new Map<string, string[]>();
      const claims = claimsOf(members);
      const result = new Map<string, TopicPartition[]>();
      for (const m of members) {
        const partitions: TopicPartition[] = [];
        for (const task of placed.get(m.memberId) ?? []) {
          // Cooperative hand-over: wait until no other member claims any of the task's partitions.
          const elsewhere = task.partitions.some((tp) =>
            (claims.get(key(tp)) ?? []).some((c) => c.memberId !== m.memberId),
          );
          if (!elsewhere) partitions.push(...task.partitions);
        }
        result.set(m.memberId, partitions);
      }
      return result;
    },
  };
}
