import { describe, expect, it } from 'vitest';

import type { MemberSubscription } from '../../../../core/index.js';
import {
  decodeStandbyTasks,
  encodeStandbyTasks,
  streamsAssignor,
} from '../../../../streams/runtime/streams-assignor.js';
import {
  ACTIVE_TASK_OFFSET_SUM,
  decodeTaskOffsetSums,
  encodeTaskOffsetSums,
} from '../../../../streams/runtime/task-offset-sums.js';

function member(
  id: string,
  topics: readonly string[],
  held: {
    readonly owned?: readonly number[];
    readonly sums?: Readonly<Record<string, number>>;
  } = {},
): MemberSubscription {
  const sums = new Map(Object.entries(held.sums ?? {}));
  return {
    memberId: id,
    groupInstanceId: null,
    topics,
    ownedPartitions: (held.owned ?? []).map((partition) => ({ topic: 'in', partition })),
    generationId: held.owned === undefined ? -1 : 1,
    userData: sums.size === 0 ? null : encodeTaskOffsetSums(sums),
  };
}

/** The active task names and standby task names each member got. */
function assign(members: readonly MemberSubscription[], replicas: number, partitions: number) {
  const assignor = streamsAssignor(new Map([[0, ['in']]]), replicas);
  const active = assignor.assign(members, new Map([['in', partitions]]));
  return members.map((m) => ({
    id: m.memberId,
    active: (active.get(m.memberId) ?? []).map((tp) => `0_${tp.partition}`).sort(),
    standby: decodeStandbyTasks(assignor.assignmentUserData?.(m.memberId) ?? null).sort(),
  }));
}

describe('standby replicas in the fjord-streams assignor', () => {
  it('puts each task’s standby on an instance other than its active owner', () => {
    const [a, b] = assign([member('a', ['in']), member('b', ['in'])], 1, 4);
    expect(a?.active).toEqual(['0_0', '0_2']);
    expect(b?.active).toEqual(['0_1', '0_3']);
    expect(a?.standby).toEqual(b?.active);
    expect(b?.standby).toEqual(a?.active);
  });

  it('gives every task n standbys on n different instances, balanced, never with the active', () => {
    const members = ['a', 'b', 'c', 'd'].map((id) => member(id, ['in']));
    const result = assign(members, 2, 8);
    for (let p = 0; p < 8; p++) {
      const task = `0_${p}`;
      const owners = result.filter((r) => r.active.includes(task)).map((r) => r.id);
      const standbys = result.filter((r) => r.standby.includes(task)).map((r) => r.id);
      expect(owners).toHaveLength(1);
      expect(standbys).toHaveLength(2);
      expect(standbys).not.toContain(owners[0]);
    }
    const loads = result.map((r) => r.active.length + r.standby.length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });

  it('assigns no standby by default, nor with a single instance', () => {
    expect(assign([member('a', ['in']), member('b', ['in'])], 0, 2).map((r) => r.standby)).toEqual([
      [],
      [],
    ]);
    expect(assign([member('a', ['in'])], 1, 2)[0]?.standby).toEqual([]);
  });

  it('reads back the standby tasks it wrote, and nothing from foreign userData', () => {
    expect(decodeStandbyTasks(encodeStandbyTasks(['0_1', '1_0']))).toEqual(['0_1', '1_0']);
    expect(decodeStandbyTasks(Buffer.from('not json'))).toEqual([]);
    expect(decodeStandbyTasks(null)).toEqual([]);
  });

  it('keeps standbys on the members that report holding them when a member joins', () => {
    const before = assign([member('a', ['in']), member('b', ['in'])], 1, 4);
    // Each member reports its active tasks as current and its standbys with their positions.
    const again = (id: string, i: number) => {
      const r = before[i];
      const sums: Record<string, number> = {};
      for (const t of r?.active ?? []) sums[t] = ACTIVE_TASK_OFFSET_SUM;
      for (const t of r?.standby ?? []) sums[t] = 1_000;
      const owned = (r?.active ?? []).map((t) => Number(t.slice(2)));
      return member(id, ['in'], { owned, sums });
    };
    const after = assign([again('a', 0), again('b', 1), member('c', ['in'])], 1, 4);
    for (const [i, r] of before.entries())
      for (const task of r.standby) {
        const active = after.find((x) => x.active.includes(task))?.id;
        // c (new, empty) would be the least loaded: the standby stays where it is warm.
        if (active !== r.id) expect(after[i]?.standby).toContain(task);
      }
    expect(after.flatMap((r) => r.standby).sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
  });

  it('hands a task without an owner to the most caught-up member holding its state', () => {
    // The active owner is gone: m and z hold standbys; a (least loaded, first) holds nothing.
    const members = [
      member('a', ['in']),
      member('m', ['in'], { sums: { '0_0': 100 } }),
      member('z', ['in'], { sums: { '0_0': 900 } }),
    ];
    expect(assign(members, 0, 1).find((r) => r.active.includes('0_0'))?.id).toBe('z');
    // Without reports the least loaded member takes it.
    const cold = ['a', 'm', 'z'].map((id) => member(id, ['in']));
    expect(assign(cold, 0, 1).find((r) => r.active.includes('0_0'))?.id).toBe('a');
  });

  it('passes a task to a second holder only within acceptable.recovery.lag', () => {
    // a is the best holder of both tasks but may run only one of them (balance); z holds 0_1.
    const holderOf01 = (zSum: number): string | undefined => {
      const members = [
        member('a', ['in'], { sums: { '0_0': 20_000, '0_1': 20_000 } }),
        member('b', ['in']),
        member('z', ['in'], { sums: { '0_1': zSum } }),
      ];
      return assign(members, 0, 2).find((r) => r.active.includes('0_1'))?.id;
    };
    expect(holderOf01(15_000)).toBe('z'); // 5,000 behind: caught up enough
    expect(holderOf01(5_000)).toBe('b'); // 15,000 behind: no better than an empty member
  });

  it('reads back the task offset sums it reports, and nothing from foreign userData', () => {
    const sums = new Map([
      ['0_0', ACTIVE_TASK_OFFSET_SUM],
      ['1_2', 4200],
    ]);
    expect(decodeTaskOffsetSums(encodeTaskOffsetSums(sums))).toEqual(sums);
    expect(decodeTaskOffsetSums(Buffer.from('{"v":2}')).size).toBe(0);
    expect(decodeTaskOffsetSums(null).size).toBe(0);
  });
});
