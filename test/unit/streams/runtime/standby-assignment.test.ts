import { describe, expect, it } from 'vitest';

import type { MemberSubscription } from '../../../../core/index.js';
import {
  decodeStandbyTasks,
  encodeStandbyTasks,
  streamsAssignor,
} from '../../../../streams/runtime/streams-assignor.js';

function member(id: string, topics: readonly string[]): MemberSubscription {
  return {
    memberId: id,
    groupInstanceId: null,
    topics,
    ownedPartitions: [],
    generationId: -1,
    userData: null,
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
});
