import { describe, expect, it } from 'vitest';

import type {
  BrokerRegistration,
  ClusterView,
  PartitionState,
} from '../../../core/broker/metadata/cluster-view.js';
import { ReplicaAdmin } from '../../../core/broker/metadata/replica-admin.js';
import { ElectionType } from '../../../core/broker/metadata/replica-changes.js';
import { ErrorCode } from '../../../core/util/error-codes.js';

/** A cluster view over a map that compare-and-swap writes change, with a hook to race them. */
function fakeCluster(initial: Record<string, PartitionState>, brokers = [1, 2, 3]) {
  const states = new Map(Object.entries(initial));
  let controller = true;
  let beforeWrite: (() => void) | undefined;
  const writes: PartitionState[] = [];
  const view: ClusterView = {
    kind: 'etcd',
    liveBrokers: (): BrokerRegistration[] =>
      brokers.map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: null })),
    controllerId: () => 1,
    partitionState: (topic, partition) => states.get(`${topic}/${partition}`),
    onChange: () => () => undefined,
    // Only leaders change the ISR; these tests act as the controller.
    alterIsr: () => Promise.resolve(false),
  };
  const admin = new ReplicaAdmin({
    view,
    isController: () => controller,
    *partitions() {
      for (const [key, state] of states) {
        const [topic = '', partition = '0'] = key.split('/');
        yield [topic, Number(partition), state] as const;
      }
    },
    write: (topic, partition, expected, next) => {
      beforeWrite?.();
      const key = `${topic}/${partition}`;
      if (states.get(key) !== expected) return Promise.resolve(false);
      states.set(key, next);
      writes.push(next);
      return Promise.resolve(true);
    },
  });
  return {
    admin,
    states,
    writes,
    setController: (v: boolean) => (controller = v),
    raceWith: (hook: (() => void) | undefined) => (beforeWrite = hook),
  };
}

const single = (over: Partial<PartitionState> = {}): PartitionState => ({
  leader: 1,
  leaderEpoch: 0,
  isr: [1],
  replicas: [1],
  partitionEpoch: 0,
  ...over,
});

describe('the broker’s replica administration', () => {
  it('starts, lists and cancels a reassignment', async () => {
    const c = fakeCluster({ 'orders/0': single(), 'orders/1': single() });
    await c.admin.reassign('orders', 1, [2, 3]);
    expect(c.admin.reassignments()).toEqual([
      {
        topic: 'orders',
        partition: 1,
        replicas: [2, 3, 1],
        addingReplicas: [2, 3],
        removingReplicas: [1],
      },
    ]);
    await c.admin.reassign('orders', 1, null);
    expect(c.states.get('orders/1')).toEqual(single({ partitionEpoch: 2 }));
    expect(c.admin.reassignments()).toEqual([]);
    await expect(c.admin.reassign('orders', 1, null)).rejects.toMatchObject({
      code: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
    });
  });

  it('recomputes a change that lost a compare-and-swap race, over the newer state', async () => {
    const c = fakeCluster({ 't/0': single({ replicas: [1, 2], isr: [1, 2] }) });
    let raced = false;
    c.raceWith(() => {
      if (raced) return;
      raced = true;
      // The leader expanded nothing but bumped the record meanwhile.
      const now = c.states.get('t/0');
      if (now !== undefined)
        c.states.set('t/0', { ...now, partitionEpoch: now.partitionEpoch + 1 });
    });
    await c.admin.reassign('t', 0, [2, 1]);
    expect(c.states.get('t/0')).toMatchObject({ replicas: [2, 1], partitionEpoch: 2 });
    expect(c.writes).toHaveLength(1);
  });

  it('refuses everything on a broker that is not the controller, and unknown partitions', async () => {
    const c = fakeCluster({ 't/0': single() });
    await expect(c.admin.reassign('t', 3, [1])).rejects.toMatchObject({
      code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
    c.setController(false);
    await expect(c.admin.electLeader('t', 0, ElectionType.PREFERRED)).rejects.toMatchObject({
      code: ErrorCode.NOT_CONTROLLER,
    });
    expect(c.admin.isController).toBe(false);
    expect(c.writes).toEqual([]);
  });

  it('gives up with a retriable error when the record keeps changing', async () => {
    const c = fakeCluster({ 't/0': single({ replicas: [1, 2], isr: [1, 2] }) });
    c.raceWith(() => {
      const now = c.states.get('t/0');
      if (now !== undefined)
        c.states.set('t/0', { ...now, partitionEpoch: now.partitionEpoch + 1 });
    });
    await expect(c.admin.reassign('t', 0, [2, 1])).rejects.toMatchObject({
      code: ErrorCode.REQUEST_TIMED_OUT,
    });
  });
});
