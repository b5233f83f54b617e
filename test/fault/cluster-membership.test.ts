/**
 * Cluster membership under real faults: broker processes over one etcd, SIGKILLed, restarted, and
 * etcd itself killed for longer than a lease. A partition whose only in-sync replica dies goes
 * offline — never to a replica that lacks acknowledged records — until that replica returns with
 * a higher leader epoch; these tests use one replica for that (replicated failover is in
 * replication.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiKey } from '../../core/protocol/messages/index.js';
import { startEtcd } from '../helpers/etcd-process.js';
import type { EtcdProcess } from '../helpers/etcd-process.js';
import { partitionOf, portOf, withConnection } from '../helpers/fault-cluster.js';
import { startProcessCluster } from '../helpers/process-cluster.js';
import type { ProcessCluster } from '../helpers/process-cluster.js';
import { eventually } from '../helpers/test-cluster.js';
import { fetchAll, produceValues } from '../helpers/wire-client.js';

/** 3 s: short enough for quick tests, long enough that a loaded 2-core machine keeps leases. */
const SESSION_MS = 3000;

async function createTopic(
  cluster: ProcessCluster,
  name: string,
  partitions: number,
  rf: number,
): Promise<void> {
  const port = cluster.ports()[0] ?? 0;
  await withConnection(port, async (conn) => {
    const response = await conn.send(ApiKey.CREATE_TOPICS, 5, {
      topics: [
        { name, numPartitions: partitions, replicationFactor: rf, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(response.topics[0]?.errorCode).toBe(0);
  });
}

describe('cluster membership faults (broker processes + etcd)', () => {
  let etcd: EtcdProcess;
  let cluster: ProcessCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startProcessCluster(etcd, 3, SESSION_MS);
    await eventually(async () => (await cluster.metadata(null)).brokers.length === 3, 20_000);
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('SIGKILLed leader: its partition goes offline within the lease, no unclean election, and it returns with every acknowledged record and a higher epoch', async () => {
    await createTopic(cluster, 'kill-leader', 1, 1);
    let m = await cluster.metadata(['kill-leader']);
    const before = partitionOf(m, 'kill-leader', 0);
    const leader = before.leaderId;
    const acked: string[] = [];
    await withConnection(portOf(m, leader), async (conn) => {
      for (let i = 0; i < 20; i++) {
        const values = [`a${i}`, `b${i}`];
        const result = await produceValues(conn, 'kill-leader', 0, values, { acks: -1 });
        expect(result.errorCode).toBe(0);
        acked.push(...values);
      }
    });
    const killedAt = Date.now();
    await cluster.signal(leader, 'SIGKILL');
    await eventually(
      async () => {
        // Offline in the controller's record (the epoch moved), not only unseen in Metadata.
        const now = partitionOf(await cluster.metadata(['kill-leader']), 'kill-leader', 0);
        return now.leaderId === -1 && now.leaderEpoch === (before.leaderEpoch ?? 0) + 1;
      },
      8 * SESSION_MS,
      'the partition offline',
    );
    const offlineMs = Date.now() - killedAt;
    m = await cluster.metadata(['kill-leader']);
    const offline = partitionOf(m, 'kill-leader', 0);
    expect(offline.isrNodes).toEqual([leader]);
    expect(offline.leaderEpoch).toBe((before.leaderEpoch ?? 0) + 1);
    await cluster.start(leader);
    await eventually(
      async () =>
        partitionOf(await cluster.metadata(['kill-leader']), 'kill-leader', 0).leaderId === leader,
      10_000,
      'the leader back',
    );
    m = await cluster.metadata(['kill-leader']);
    expect(partitionOf(m, 'kill-leader', 0).leaderEpoch).toBe((before.leaderEpoch ?? 0) + 2);
    const stored = await withConnection(portOf(m, leader), (conn) =>
      fetchAll(conn, 'kill-leader', 0),
    );
    expect(stored.map((r) => r.value)).toEqual(acked);
    expect(stored.map((r) => r.offset)).toEqual(acked.map((_, i) => i));
    console.log(`leader SIGKILL → partition offline in ${offlineMs} ms (session ${SESSION_MS} ms)`);
  });

  it('zombie leader: SIGSTOPped past its lease it is fenced by a newer epoch, and on SIGCONT it registers again and is re-elected with everything it acknowledged', async () => {
    await createTopic(cluster, 'zombie', 1, 1);
    let m = await cluster.metadata(['zombie']);
    const before = partitionOf(m, 'zombie', 0);
    const leader = before.leaderId;
    const port = portOf(m, leader);
    const acked: string[] = [];
    await withConnection(port, async (conn) => {
      for (let i = 0; i < 10; i++) {
        expect((await produceValues(conn, 'zombie', 0, [`z${i}`])).errorCode).toBe(0);
        acked.push(`z${i}`);
      }
    });
    await cluster.signal(leader, 'SIGSTOP');
    try {
      await eventually(
        async () => {
          const now = partitionOf(await cluster.metadata(['zombie']), 'zombie', 0);
          return now.leaderId === -1 && now.leaderEpoch === (before.leaderEpoch ?? 0) + 1;
        },
        8 * SESSION_MS,
        'the paused leader fenced',
      );
      m = await cluster.metadata(['zombie']);
      expect(partitionOf(m, 'zombie', 0).leaderEpoch).toBe((before.leaderEpoch ?? 0) + 1);
      // No other broker was elected: none holds its acknowledged records.
      expect(m.brokers.map((b) => b.nodeId)).not.toContain(leader);
    } finally {
      await cluster.signal(leader, 'SIGCONT');
    }
    // The woken broker answers from its cache of before the pause (itself leading, the old
    // epoch) until its watch catches up: only the new epoch shows the re-election.
    await eventually(
      async () => {
        const now = partitionOf(await cluster.metadata(['zombie']), 'zombie', 0);
        return now.leaderId === leader && now.leaderEpoch === (before.leaderEpoch ?? 0) + 2;
      },
      20_000,
      'the woken broker re-elected',
    );
    m = await cluster.metadata(['zombie']);
    expect(partitionOf(m, 'zombie', 0).leaderEpoch).toBe((before.leaderEpoch ?? 0) + 2);
    const stored = await withConnection(port, (conn) => fetchAll(conn, 'zombie', 0));
    expect(stored.map((r) => r.value)).toEqual(acked);
  });

  it('SIGKILLed controller: another broker takes over within the lease TTL and topic creation works', async () => {
    const m = await cluster.metadata(null);
    const controller = m.controllerId ?? -1;
    const killedAt = Date.now();
    await cluster.signal(controller, 'SIGKILL');
    await eventually(
      async () => {
        const now = (await cluster.metadata(null)).controllerId ?? -1;
        return now !== controller && now > 0;
      },
      8 * SESSION_MS,
      'a new controller',
    );
    const takeoverMs = Date.now() - killedAt;
    await createTopic(cluster, 'after-controller', 2, 2);
    console.log(
      `controller SIGKILL → new controller in ${takeoverMs} ms (session ${SESSION_MS} ms)`,
    );
    expect(takeoverMs).toBeLessThan(3 * SESSION_MS);
    await cluster.start(controller);
    await eventually(async () => (await cluster.metadata(null)).brokers.length === 3, 20_000);
  });

  it('etcd down for longer than a lease: brokers keep serving, then register again; nothing is lost', async () => {
    await createTopic(cluster, 'etcd-down', 1, 1);
    let m = await cluster.metadata(['etcd-down']);
    const leader = partitionOf(m, 'etcd-down', 0).leaderId;
    const port = portOf(m, leader);
    const acked: string[] = [];
    await withConnection(port, async (conn) => {
      expect((await produceValues(conn, 'etcd-down', 0, ['before'])).errorCode).toBe(0);
      acked.push('before');
      etcd.child.kill('SIGKILL');
      await etcd.exited;
      // The brokers serve from their cached metadata while etcd is away.
      for (let i = 0; i < 5; i++) {
        expect((await produceValues(conn, 'etcd-down', 0, [`during${i}`])).errorCode).toBe(0);
        acked.push(`during${i}`);
        await new Promise((r) => setTimeout(r, (2 * SESSION_MS) / 5));
      }
    });
    etcd = await etcd.restart();
    await eventually(
      async () => (await cluster.metadata(null)).brokers.length === 3,
      20_000,
      're-registration',
    );
    m = await cluster.metadata(['etcd-down']);
    await eventually(
      async () =>
        partitionOf(await cluster.metadata(['etcd-down']), 'etcd-down', 0).leaderId === leader,
      20_000,
      'the leader serving',
    );
    const stored = await withConnection(portOf(m, leader), (conn) =>
      fetchAll(conn, 'etcd-down', 0),
    );
    expect(stored.map((r) => r.value)).toEqual(acked);
    await createTopic(cluster, 'after-etcd', 1, 3);
  });
});
