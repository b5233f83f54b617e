import { describe, expect, it } from 'vitest';

import type { MemberSubscription } from '../../../core/client/consumer/assignors/assignor.js';
import {
  cooperativeStickyAssignor,
  stickyAssign,
} from '../../../core/client/consumer/assignors/cooperative-sticky.js';
import { rangeAssignor } from '../../../core/client/consumer/assignors/range.js';
import { roundRobinAssignor } from '../../../core/client/consumer/assignors/roundrobin.js';
import type { TopicPartition } from '../../../core/client/consumer/types.js';

function member(
  memberId: string,
  topics: string[],
  extra: Partial<MemberSubscription> = {},
): MemberSubscription {
  return {
    memberId,
    groupInstanceId: null,
    topics,
    ownedPartitions: [],
    generationId: -1,
    userData: null,
    ...extra,
  };
}

/** `topic-partition` strings per member, as the Java tests compare them. */
function render(assignment: Map<string, TopicPartition[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, tps] of assignment) out[id] = tps.map((tp) => `${tp.topic}-${tp.partition}`);
  return out;
}

function tps(...names: string[]): TopicPartition[] {
  return names.map((n) => {
    const at = n.lastIndexOf('-');
    return { topic: n.slice(0, at), partition: Number(n.slice(at + 1)) };
  });
}

describe('range assignor (as Java RangeAssignor computes it)', () => {
  it('gives the first members the extra partitions of each topic', () => {
    const result = rangeAssignor.assign(
      [member('consumer2', ['t1', 't2']), member('consumer1', ['t1', 't2'])],
      new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    );
    expect(render(result)).toEqual({
      consumer2: ['t1-2', 't2-2'],
      consumer1: ['t1-0', 't1-1', 't2-0', 't2-1'],
    });
  });

  it('ranges each topic over only its own subscribers (testMultipleConsumersMixedTopics)', () => {
    const result = rangeAssignor.assign(
      [member('consumer1', ['t1']), member('consumer2', ['t1', 't2']), member('consumer3', ['t1'])],
      new Map([
        ['t1', 3],
        ['t2', 2],
      ]),
    );
    expect(render(result)).toEqual({
      consumer1: ['t1-0'],
      consumer2: ['t1-1', 't2-0', 't2-1'],
      consumer3: ['t1-2'],
    });
  });

  it('orders static members by instance id ahead of dynamic ones', () => {
    const result = rangeAssignor.assign(
      [
        member('a', ['t']),
        member('b', ['t'], { groupInstanceId: 'z' }),
        member('c', ['t'], { groupInstanceId: 'y' }),
      ],
      new Map([['t', 5]]),
    );
    expect(render(result)).toEqual({ c: ['t-0', 't-1'], b: ['t-2', 't-3'], a: ['t-4'] });
  });

  it('skips unknown topics and leaves surplus members empty', () => {
    const result = rangeAssignor.assign(
      [member('m1', ['t', 'gone']), member('m2', ['t']), member('m3', ['t'])],
      new Map([['t', 2]]),
    );
    expect(render(result)).toEqual({ m1: ['t-0'], m2: ['t-1'], m3: [] });
  });
});

describe('roundrobin assignor (as Java RoundRobinAssignor computes it)', () => {
  it('deals partitions of all topics in turn (testTwoConsumersTwoTopicsSixPartitions)', () => {
    const result = roundRobinAssignor.assign(
      [member('consumer1', ['t1', 't2']), member('consumer2', ['t1', 't2'])],
      new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    );
    expect(render(result)).toEqual({
      consumer1: ['t1-0', 't1-2', 't2-1'],
      consumer2: ['t1-1', 't2-0', 't2-2'],
    });
  });

  it('skips members not subscribed to a topic (testMultipleConsumersMixedTopics)', () => {
    const result = roundRobinAssignor.assign(
      [member('consumer1', ['t1']), member('consumer2', ['t1', 't2']), member('consumer3', ['t1'])],
      new Map([
        ['t1', 3],
        ['t2', 2],
      ]),
    );
    expect(render(result)).toEqual({
      consumer1: ['t1-0'],
      consumer2: ['t1-1', 't2-0', 't2-1'],
      consumer3: ['t1-2'],
    });
  });

  it('sorts by member id with UTF-16 order, topics by name', () => {
    const result = roundRobinAssignor.assign(
      [member('b', ['x', 'a']), member('B', ['a', 'x']), member('a', ['a', 'x'])],
      new Map([
        ['x', 2],
        ['a', 2],
      ]),
    );
    // Ring: B, a, b. Partitions: a-0, a-1, x-0, x-1.
    expect(render(result)).toEqual({ B: ['a-0', 'x-1'], a: ['a-1'], b: ['x-0'] });
  });
});

describe('cooperative-sticky assignor', () => {
  const counts = new Map([['t', 6]]);

  function sizes(assignment: Map<string, TopicPartition[]>): number[] {
    return [...assignment.values()].map((l) => l.length).sort();
  }

  it('balances a fresh group', () => {
    const result = cooperativeStickyAssignor.assign(
      [member('m1', ['t']), member('m2', ['t']), member('m3', ['t']), member('m4', ['t'])],
      counts,
    );
    expect(sizes(result)).toEqual([1, 1, 2, 2]);
    expect(new Set([...result.values()].flat().map((tp) => tp.partition)).size).toBe(6);
  });

  it('keeps owned partitions when a member joins, moving only what balance needs', () => {
    const owned = [
      member('m1', ['t'], { ownedPartitions: tps('t-0', 't-1', 't-2'), generationId: 4 }),
      member('m2', ['t'], { ownedPartitions: tps('t-3', 't-4', 't-5'), generationId: 4 }),
    ];
    const sticky = stickyAssign([...owned, member('m3', ['t'])], counts);
    expect(sizes(sticky)).toEqual([2, 2, 2]);
    const m1 = sticky.get('m1')!.map((tp) => tp.partition);
    const m2 = sticky.get('m2')!.map((tp) => tp.partition);
    expect(m1.every((p) => [0, 1, 2].includes(p))).toBe(true);
    expect(m2.every((p) => [3, 4, 5].includes(p))).toBe(true);
  });

  it('withholds moving partitions from their new owner until the old owner revoked them', () => {
    const first = [
      member('m1', ['t'], { ownedPartitions: tps('t-0', 't-1', 't-2'), generationId: 4 }),
      member('m2', ['t'], { ownedPartitions: tps('t-3', 't-4', 't-5'), generationId: 4 }),
      member('m3', ['t']),
    ];
    const round1 = cooperativeStickyAssignor.assign(first, counts);
    expect(round1.get('m3')).toEqual([]);
    expect(sizes(round1)).toEqual([0, 2, 2]);
    // The old owners revoke what they lost and rejoin: the second round completes the move.
    const round2 = cooperativeStickyAssignor.assign(
      first.map((m) => ({ ...m, ownedPartitions: round1.get(m.memberId)!, generationId: 5 })),
      counts,
    );
    expect(sizes(round2)).toEqual([2, 2, 2]);
    expect(round2.get('m1')).toEqual(round1.get('m1'));
    expect(round2.get('m2')).toEqual(round1.get('m2'));
  });

  it('lets the newer generation win a contested partition and drops ties', () => {
    const result = stickyAssign(
      [
        member('m1', ['t'], { ownedPartitions: tps('t-0', 't-1'), generationId: 3 }),
        member('m2', ['t'], { ownedPartitions: tps('t-0'), generationId: 5 }),
      ],
      new Map([['t', 2]]),
    );
    expect(render(result)).toEqual({ m1: ['t-1'], m2: ['t-0'] });
  });

  it('balances members with different subscriptions', () => {
    const result = cooperativeStickyAssignor.assign(
      [member('m1', ['a', 'b']), member('m2', ['a']), member('m3', ['b'])],
      new Map([
        ['a', 4],
        ['b', 2],
      ]),
    );
    expect(sizes(result)).toEqual([2, 2, 2]);
    for (const [id, list] of result) {
      const topics = id === 'm2' ? ['a'] : id === 'm3' ? ['b'] : ['a', 'b'];
      expect(list.every((tp) => topics.includes(tp.topic))).toBe(true);
    }
  });

  it('drops owned partitions of topics the member no longer subscribes to', () => {
    const result = cooperativeStickyAssignor.assign(
      [member('m1', ['b'], { ownedPartitions: tps('a-0'), generationId: 2 }), member('m2', ['a'])],
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    expect(render(result)).toEqual({ m1: ['b-0'], m2: ['a-0'] });
  });
});
