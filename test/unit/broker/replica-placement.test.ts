import { describe, expect, it } from 'vitest';

import type { BrokerRegistration } from '../../../core/broker/metadata/cluster-view.js';
import { assignReplicas, rackAlternated } from '../../../core/broker/metadata/placement.js';
import { ErrorCode } from '../../../core/util/error-codes.js';

const brokers = (n: number, racks: readonly string[] = []): BrokerRegistration[] =>
  Array.from({ length: n }, (_, i) => ({
    nodeId: i + 1,
    host: '127.0.0.1',
    port: 9092 + i,
    rack: racks[i] ?? null,
  }));

describe('replica placement', () => {
  it('spreads leaders and replicas evenly over the brokers', () => {
    const assignment = assignReplicas(brokers(3), 6, 3, 0);
    const leaders = new Map<number, number>();
    const replicas = new Map<number, number>();
    for (const r of assignment) {
      expect(new Set(r).size).toBe(3);
      leaders.set(r[0] ?? -1, (leaders.get(r[0] ?? -1) ?? 0) + 1);
      for (const id of r) replicas.set(id, (replicas.get(id) ?? 0) + 1);
    }
    expect([...leaders.values()]).toEqual([2, 2, 2]);
    expect([...replicas.values()]).toEqual([6, 6, 6]);
  });

  it('varies the followers of a leader from one round of partitions to the next', () => {
    const assignment = assignReplicas(brokers(4), 8, 2, 0);
    // Partitions 0 and 4 share a leader but not a follower (the shift moved).
    expect(assignment[0]?.[0]).toBe(assignment[4]?.[0]);
    expect(assignment[0]?.[1]).not.toBe(assignment[4]?.[1]);
  });

  it('starts at the given index and continues numbering for added partitions', () => {
    const all = assignReplicas(brokers(3), 6, 2, 1);
    const added = assignReplicas(brokers(3), 3, 2, 1, 3);
    expect(added).toEqual(all.slice(3));
    expect(all[0]?.[0]).toBe(2);
  });

  it('puts each replica of a partition on a different rack while racks remain', () => {
    const racked = brokers(6, ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(rackAlternated(racked).map((b) => b.rack)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    const rackOf = new Map(racked.map((b) => [b.nodeId, b.rack]));
    for (const start of [0, 1, 2, 3, 4, 5]) {
      for (const r of assignReplicas(racked, 12, 3, start)) {
        expect(new Set(r.map((id) => rackOf.get(id))).size).toBe(3);
      }
    }
    // Two racks, RF 3: both racks used, no broker twice.
    const two = brokers(4, ['a', 'a', 'b', 'b']);
    for (const r of assignReplicas(two, 8, 3, 0)) {
      expect(new Set(r).size).toBe(3);
      expect(new Set(r.map((id) => two[id - 1]?.rack)).size).toBe(2);
    }
  });

  it('refuses a replication factor above the broker count', () => {
    expect(() => assignReplicas(brokers(2), 1, 3, 0)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_REPLICATION_FACTOR }),
    );
  });
});
