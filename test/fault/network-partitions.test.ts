/**
 * Network partitions on real links: three broker processes over one etcd, RF=3,
 * min.insync.replicas=2, with TCP proxies on broker 1's two links. Broker 1 advertises a proxy in
 * front of its listener, so every follower fetching from it goes through that proxy (clients too,
 * and they are let through), and it dials etcd through a second proxy. Broker 1 leads each topic.
 *
 * - (f) The proxy blackholes the replication link from broker 2 only: broker 2 leaves the ISR by
 *   lag while it stays registered, writes go on with the other two, and after healing it catches
 *   up with no divergence.
 * - (g) Broker 1 is cut off from etcd and from both followers, yet its clients still reach it: it
 *   must never acknowledge an acks=all write, a follower takes over with a newer epoch, and when
 *   the partition heals broker 1 steps down, drops what it took alone and converges. No split
 *   brain: the committed log holds every acknowledged record once and nothing from the isolated
 *   side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KafkaConnection } from '../../core/network/client-connection.js';
import { ErrorCode } from '../../core/util/error-codes.js';
import { freePort, startEtcd } from '../helpers/etcd-process.js';
import type { EtcdProcess } from '../helpers/etcd-process.js';
import {
  committed,
  createReplicatedTopic,
  divergence,
  metadataAt,
  partitionOf,
  partitionState,
  waitIsr,
  withConnection,
} from '../helpers/fault-cluster.js';
import { startPartitionProxy } from '../helpers/partition-proxy.js';
import type { PartitionProxy } from '../helpers/partition-proxy.js';
import { startProcessCluster } from '../helpers/process-cluster.js';
import type { ProcessCluster } from '../helpers/process-cluster.js';
import { ackedRecordProblems } from '../helpers/replication-checker.js';
import { eventually } from '../helpers/test-cluster.js';
import { produceValues } from '../helpers/wire-client.js';

const SESSION_MS = 4000;
const LAG_MS = 1500;
const ISOLATED = 1;
const REPLICA_FETCHER = /^fjord-replica-\d+$/;

describe('network partitions (3 broker processes + etcd, proxies on broker 1, RF=3, min.insync.replicas=2)', () => {
  let etcd: EtcdProcess;
  let etcdProxy: PartitionProxy;
  let brokerProxy: PartitionProxy;
  let cluster: ProcessCluster;

  /** Where a broker really listens: clients reach broker 1 directly, past its proxy. */
  const directPort = (nodeId: number): number => {
    const port = cluster.nodes.find((n) => n.nodeId === nodeId)?.process?.port;
    if (port === undefined) throw new Error(`broker ${nodeId} is not running`);
    return port;
  };

  beforeAll(async () => {
    etcd = await startEtcd();
    etcdProxy = await startPartitionProxy(etcd.clientPort);
    const isolatedPort = await freePort();
    brokerProxy = await startPartitionProxy(isolatedPort, { kafka: true });
    cluster = await startProcessCluster(
      etcd,
      3,
      SESSION_MS,
      ['--override', `replica.lag.time.max.ms=${LAG_MS}`],
      {
        etcdPort: (id) => (id === ISOLATED ? etcdProxy.port : undefined),
        args: (id) =>
          id === ISOLATED
            ? [
                '--port',
                String(isolatedPort),
                '--override',
                `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerProxy.port}`,
              ]
            : [],
      },
    );
  });
  afterAll(async () => {
    await cluster.close();
    await brokerProxy.close();
    await etcdProxy.close();
    await etcd.stop();
  });

  it('(f) blackholed link between the leader and one follower: that follower leaves the ISR, writes go on, no divergence after healing', async () => {
    const topic = 'blackhole-follower';
    await createReplicatedTopic(cluster, topic, { replicas: [ISOLATED, 2, 3] });
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    expect((await partitionState(cluster, topic)).p.leaderId).toBe(ISOLATED);
    const acked: string[] = [];
    await withConnection(directPort(ISOLATED), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['f0'], { acks: -1 })).errorCode).toBe(0);
      acked.push('f0');
      const cutAt = Date.now();
      brokerProxy.blackhole((clientId) => clientId === 'fjord-replica-2');
      try {
        // Waits while broker 2 is still in the ISR; answered once the leader drops it by lag.
        expect((await produceValues(conn, topic, 0, ['f1'], { acks: -1 })).errorCode).toBe(0);
        acked.push('f1');
        await waitIsr(cluster, topic, 2, 'the cut-off follower out of the ISR');
        const shrinkMs = Date.now() - cutAt;
        const { m, p } = await partitionState(cluster, topic);
        expect([...p.isrNodes].sort()).toEqual([ISOLATED, 3]);
        // Out by lag, not as a dead broker: its etcd session never lapsed.
        expect(m.brokers.map((b) => b.nodeId)).toContain(2);
        expect(brokerProxy.silenced).toContain('fjord-replica-2');
        expect(brokerProxy.silenced).not.toContain('fjord-replica-3');
        console.log(
          `(f) blackholed follower out of the ISR after ${shrinkMs} ms (lag ${LAG_MS} ms)`,
        );
        for (let i = 0; i < 5; i++) {
          expect((await produceValues(conn, topic, 0, [`f${i + 2}`], { acks: -1 })).errorCode).toBe(
            0,
          );
          acked.push(`f${i + 2}`);
        }
      } finally {
        brokerProxy.heal();
      }
      const healedAt = Date.now();
      await waitIsr(cluster, topic, 3, 'the follower back in the ISR after healing');
      console.log(`(f) healed follower back in the ISR after ${Date.now() - healedAt} ms`);
      expect((await produceValues(conn, topic, 0, ['after'], { acks: -1 })).errorCode).toBe(0);
      acked.push('after');
    });
    const stored = await committed(cluster, topic);
    expect(ackedRecordProblems(acked, stored)).toEqual([]);
    expect(divergence(cluster, topic, stored.length)).toEqual([]);
  });

  it('(g) leader cut off from etcd and its followers but reachable by clients: it never acknowledges acks=all, a follower takes over, and after healing it steps down and converges (no split brain)', async () => {
    const topic = 'isolated-leader';
    await createReplicatedTopic(cluster, topic, { replicas: [ISOLATED, 2, 3] });
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    const before = (await partitionState(cluster, topic)).p;
    expect(before.leaderId).toBe(ISOLATED);
    const acked: string[] = [];
    const isolatedConn = await KafkaConnection.connect('127.0.0.1', directPort(ISOLATED));
    const isolatedAnswers: number[] = [];
    let acks1Answer: number | undefined;
    let failoverMs: number | undefined;
    try {
      expect((await produceValues(isolatedConn, topic, 0, ['g0'], { acks: -1 })).errorCode).toBe(0);
      acked.push('g0');
      const cutAt = Date.now();
      etcdProxy.blackhole();
      brokerProxy.blackhole((clientId) => REPLICA_FETCHER.test(clientId ?? ''));
      let cut = true;
      try {
        // Clients still reach the isolated leader and keep writing to it with acks=all until a
        // follower has taken over; none of those writes may be acknowledged.
        const isolatedWrites = (async () => {
          for (let i = 0; cut; i++) {
            const r = await produceValues(isolatedConn, topic, 0, [`iso${i}`], { acks: -1 });
            isolatedAnswers.push(r.errorCode);
          }
        })();
        const [other] = cluster.nodes.filter((n) => n.nodeId !== ISOLATED);
        const otherPort = directPort(other?.nodeId ?? -1);
        let newLeader = -1;
        await eventually(
          async () => {
            const p = partitionOf(await metadataAt(otherPort, [topic]), topic);
            if (
              p.leaderId === ISOLATED ||
              p.leaderId < 0 ||
              (p.leaderEpoch ?? -1) <= (before.leaderEpoch ?? -1)
            ) {
              return false;
            }
            newLeader = p.leaderId;
            return true;
          },
          6 * SESSION_MS,
          'a follower elected in place of the isolated leader',
        );
        failoverMs = Date.now() - cutAt;
        // Broker 1 takes this alone with acks=1 (Kafka's contract: acknowledged by the leader
        // only); it must not survive into the committed log once the partition heals.
        acks1Answer = (await produceValues(isolatedConn, topic, 0, ['iso-acks1'], { acks: 1 }))
          .errorCode;
        await withConnection(directPort(newLeader), async (conn) => {
          for (let i = 0; i < 5; i++) {
            expect((await produceValues(conn, topic, 0, [`n${i}`], { acks: -1 })).errorCode).toBe(
              0,
            );
            acked.push(`n${i}`);
          }
        });
        cut = false;
        await isolatedWrites;
      } finally {
        cut = false;
        etcdProxy.heal();
        brokerProxy.heal();
      }
      console.log(
        `(g) isolated leader answered ${isolatedAnswers.length} acks=all writes with errors [${[...new Set(isolatedAnswers)].join(', ')}], acks=1 with ${acks1Answer}; follower took over after ${failoverMs} ms (session ${SESSION_MS} ms)`,
      );
      expect(isolatedAnswers.length).toBeGreaterThan(0);
      expect(isolatedAnswers.filter((code) => code === ErrorCode.NONE)).toEqual([]);
      expect(etcdProxy.silenced.length).toBeGreaterThan(0);
      expect(brokerProxy.silenced).toEqual(
        expect.arrayContaining(['fjord-replica-2', 'fjord-replica-3']),
      );
    } finally {
      await isolatedConn.close();
    }

    // Healed: broker 1 sees the newer epoch, steps down, truncates and rejoins as a follower.
    await eventually(
      async () =>
        partitionOf(await metadataAt(directPort(ISOLATED), [topic]), topic).leaderId !== ISOLATED,
      6 * SESSION_MS,
      'the isolated leader stepped down',
    );
    await waitIsr(cluster, topic, 3, 'the old leader back in the ISR as a follower');
    const { p } = await partitionState(cluster, topic);
    await withConnection(directPort(p.leaderId), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['after'], { acks: -1 })).errorCode).toBe(0);
      acked.push('after');
    });
    const stored = await committed(cluster, topic);
    expect(ackedRecordProblems(acked, stored)).toEqual([]);
    expect(stored.filter((r) => r.value.startsWith('iso'))).toEqual([]);
    expect(divergence(cluster, topic, stored.length)).toEqual([]);
  });
});
