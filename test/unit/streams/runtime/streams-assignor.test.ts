import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { MemberSubscription, TopicPartition } from '../../../../core/index.js';
import { streamsAssignor, tasksOf } from '../../../../streams/runtime/streams-assignor.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

/** A topology's sources and the cluster's partition counts (co-partitioned per sub-topology). */
interface Layout {
  readonly sources: Map<number, string[]>;
  readonly counts: Map<string, number>;
}

const layoutArb: fc.Arbitrary<Layout> = fc
  .array(
    fc.record({
      topics: fc.integer({ min: 1, max: 3 }),
      partitions: fc.integer({ min: 1, max: 8 }),
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((subs) => {
    const sources = new Map<number, string[]>();
    const counts = new Map<string, number>();
    subs.forEach((s, id) => {
      const topics = Array.from({ length: s.topics }, (_, i) => `s${id}-t${i}`);
      sources.set(id, topics);
      for (const t of topics) counts.set(t, s.partitions);
    });
    return { sources, counts };
  });

function member(
  id: string,
  topics: readonly string[],
  owned: readonly TopicPartition[] = [],
  generationId = -1,
): MemberSubscription {
  return {
    memberId: id,
    groupInstanceId: null,
    topics,
    ownedPartitions: owned,
    generationId,
    userData: null,
  };
}

type Assignment = Map<string, TopicPartition[]>;

/** Task name → member, checking no task is split and no partition assigned twice. */
function taskOwners(layout: Layout, assignment: Assignment): Map<string, string> {
  const subtopologyOf = new Map(
    [...layout.sources].flatMap(([id, topics]) => topics.map((t) => [t, id] as const)),
  );
  const owners = new Map<string, string>();
  const seen = new Set<string>();
  for (const [memberId, tps] of assignment) {
    for (const tp of tps) {
      const k = `${tp.topic}-${tp.partition}`;
      expect(seen.has(k), `${k} assigned twice`).toBe(false);
      seen.add(k);
      const task = `${subtopologyOf.get(tp.topic)}_${tp.partition}`;
      const owner = owners.get(task);
      expect(owner === undefined || owner === memberId, `task ${task} split`).toBe(true);
      owners.set(task, memberId);
    }
  }
  // A task is whole: all its partitions present.
  for (const task of tasksOf(layout.sources, layout.counts)) {
    const owner = owners.get(task.name);
    if (owner === undefined) continue;
    const mine = assignment.get(owner) ?? [];
    for (const tp of task.partitions)
      expect(mine.some((m) => m.topic === tp.topic && m.partition === tp.partition)).toBe(true);
  }
  return owners;
}

function tasksPerMember(owners: Map<string, string>, members: readonly string[]): number[] {
  return members.map((m) => [...owners.values()].filter((o) => o === m).length);
}

/** Runs a rebalance and, as cooperative members do, a follow-up until nothing is withheld. */
function rebalance(
  layout: Layout,
  ids: readonly string[],
  previous: Assignment,
  generation: number,
): Assignment {
  const assignor = streamsAssignor(layout.sources);
  const topics = [...layout.counts.keys()];
  let owned = previous;
  for (let round = 0; round < 3; round++) {
    const members = ids.map((id) => member(id, topics, owned.get(id) ?? [], generation + round));
    const next = assignor.assign(members, layout.counts);
    const total = [...next.values()].reduce((n, l) => n + l.length, 0);
    owned = next;
    if (total === [...layout.counts.values()].reduce((a, b) => a + b, 0)) return next;
  }
  return owned;
}

const idsArb = fc.uniqueArray(fc.stringMatching(/^m[a-z0-9]{1,4}$/), {
  minLength: 1,
  maxLength: 6,
});

describe('streamsAssignor', () => {
  it('keeps co-partitioned inputs in one task, spread evenly across members', () => {
    fc.assert(
      fc.property(layoutArb, idsArb, (layout, ids) => {
        const out = streamsAssignor(layout.sources).assign(
          ids.map((id) => member(id, [...layout.counts.keys()])),
          layout.counts,
        );
        const owners = taskOwners(layout, out);
        expect(owners.size).toBe(tasksOf(layout.sources, layout.counts).length);
        const loads = tasksPerMember(owners, ids);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
      { seed: fcSeed('streams assignor: whole tasks, balanced') },
    );
  });

  it('is sticky: an unchanged group keeps its assignment', () => {
    fc.assert(
      fc.property(layoutArb, idsArb, (layout, ids) => {
        const first = rebalance(layout, ids, new Map(), 1);
        const second = rebalance(layout, ids, first, 2);
        expect(taskOwners(layout, second)).toEqual(taskOwners(layout, first));
      }),
      { seed: fcSeed('streams assignor: sticky when unchanged') },
    );
  });

  it('moves only the tasks balance needs when members join or leave', () => {
    fc.assert(
      fc.property(layoutArb, idsArb, idsArb, (layout, before, after) => {
        const first = taskOwners(layout, rebalance(layout, before, new Map(), 1));
        const prev = new Map<string, TopicPartition[]>();
        const assignment = rebalance(layout, before, new Map(), 1);
        for (const [id, tps] of assignment) prev.set(id, tps);
        const second = rebalance(layout, after, prev, 2);
        const owners = taskOwners(layout, second);
        expect(owners.size).toBe(tasksOf(layout.sources, layout.counts).length);
        const loads = tasksPerMember(owners, after);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        // A surviving member loses a task only to shed load.
        for (const id of after.filter((m) => before.includes(m))) {
          const had = [...first].filter(([, m]) => m === id).map(([t]) => t);
          const has = [...owners].filter(([, m]) => m === id).map(([t]) => t);
          const kept = had.filter((t) => has.includes(t)).length;
          expect(kept).toBe(Math.min(had.length, has.length));
        }
      }),
      { seed: fcSeed('streams assignor: minimal moves') },
    );
  });

  it('hands a task over cooperatively: never to a new owner while another member claims it', () => {
    const layout: Layout = {
      sources: new Map([[0, ['a', 'b']]]),
      counts: new Map([
        ['a', 2],
        ['b', 2],
      ]),
    };
    const assignor = streamsAssignor(layout.sources);
    const topics = ['a', 'b'];
    const all = [
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'b', partition: 1 },
    ];
    const first = assignor.assign(
      [member('m1', topics, all, 1), member('m2', topics)],
      layout.counts,
    );
    // m1 keeps one task; the other is withheld from m2 until m1 gives it up.
    expect(first.get('m1')?.length).toBe(2);
    expect(first.get('m2')).toEqual([]);
    const second = assignor.assign(
      [member('m1', topics, first.get('m1'), 2), member('m2', topics, [], 2)],
      layout.counts,
    );
    expect(second.get('m1')).toEqual(first.get('m1'));
    expect(second.get('m2')?.map((tp) => tp.partition)).toEqual([1, 1]);
  });

  it("deals each sub-topology's tasks round-robin, so each spreads over the members", () => {
    const tasks = tasksOf(
      new Map([
        [0, ['x']],
        [1, ['y']],
      ]),
      new Map([
        ['x', 2],
        ['y', 2],
      ]),
    );
    expect(tasks.map((t) => t.name)).toEqual(['0_0', '0_1', '1_0', '1_1']);
    const out = streamsAssignor(
      new Map([
        [0, ['x']],
        [1, ['y']],
      ]),
    ).assign(
      [member('a', ['x', 'y']), member('b', ['x', 'y'])],
      new Map([
        ['x', 2],
        ['y', 2],
      ]),
    );
    expect(out.get('a')).toEqual([
      { topic: 'x', partition: 0 },
      { topic: 'y', partition: 0 },
    ]);
  });

  it('skips topics the cluster does not have and members subscribed to nothing', () => {
    const out = streamsAssignor(new Map([[0, ['x', 'missing']]])).assign(
      [member('a', ['x', 'missing']), member('b', [])],
      new Map([['x', 1]]),
    );
    expect(out.get('a')).toEqual([{ topic: 'x', partition: 0 }]);
    expect(out.get('b')).toEqual([]);
  });
});
