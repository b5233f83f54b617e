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
 */
import type { Assignor, MemberSubscription, TopicPartition } from '../../core/index.js';

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

/** Balanced, sticky task placement (before the cooperative adjustment). */
export function placeTasks(
  members: readonly MemberSubscription[],
  tasks: readonly TaskSlot[],
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
  // The rest go one by one to the least loaded member that reads all of the task's topics.
  for (const task of tasks) {
    if (kept.has(task.name)) continue;
    let best: MemberSubscription | undefined;
    for (const m of eligible) {
      if (!subscribesAll(m, task)) continue;
      if (best === undefined || load(placed, m) < load(placed, best)) best = m;
    }
    if (best !== undefined) placed.get(best.memberId)?.push(task);
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
 * member, each on the member with the fewest tasks (active and standby) so far.
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
  // Task by task in task order (not member by member), so the greedy choice stays balanced.
  const byTask = [...placed]
    .flatMap(([owner, tasks]) => tasks.map((task) => ({ owner, task })))
    .sort((x, y) =>
      x.task.id.partition !== y.task.id.partition
        ? x.task.id.partition - y.task.id.partition
        : x.task.id.subtopology - y.task.id.subtopology,
    );
  byTask.forEach(({ owner, task }, i) => {
    const holders = new Set([owner]);
    // Ties go round-robin from the task's position, so no member collects every tie.
    const at = i % eligible.length;
    const order = [...eligible.slice(at), ...eligible.slice(0, at)];
    for (let r = 0; r < replicas; r++) {
      let best: MemberSubscription | undefined;
      for (const m of order)
        if (!holders.has(m.memberId) && subscribesAll(m, task))
          if (best === undefined || loadOf(m.memberId) < loadOf(best.memberId)) best = m;
      if (best === undefined) break;
      holders.add(best.memberId);
      standby.get(best.memberId)?.push(task.name);
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
): Assignor {
  let standbys = new Map<string, string[]>();
  return {
    name: STREAMS_ASSIGNOR_NAME,
    protocols: ['COOPERATIVE'],
    assignmentUserData: (memberId) => {
      const tasks = standbys.get(memberId) ?? [];
      return tasks.length === 0 ? null : encodeStandbyTasks(tasks);
    },
    assign(members, partitionsPerTopic) {
      const tasks = tasksOf(sourceTopics, partitionsPerTopic);
      const placed = placeTasks(members, tasks);
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
