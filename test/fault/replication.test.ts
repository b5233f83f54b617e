/**
 * Replication under real faults: three broker processes over one etcd, RF=3,
 * min.insync.replicas=2, SIGKILL, SIGSTOP/SIGCONT of leaders and followers. Every scenario ends
 * with the replication checker: no acknowledged record lost or duplicated, offsets dense, and the
 * in-sync replicas' logs byte-identical up to the high watermark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Producer } from '../../core/client/producer/producer.js';
import { KafkaConnection } from '../../core/network/client-connection.js';
import { ErrorCode } from '../../core/util/error-codes.js';
import { startEtcd } from '../helpers/etcd-process.js';
import type { EtcdProcess } from '../helpers/etcd-process.js';
import { startProcessCluster } from '../helpers/process-cluster.js';
import type { ProcessCluster } from '../helpers/process-cluster.js';
import {
  committed,
  createReplicatedTopic,
  divergence,
  partitionState,
  portOf,
  waitIsr,
  withConnection,
} from '../helpers/fault-cluster.js';
import { ackedRecordProblems } from '../helpers/replication-checker.js';
import { eventually } from '../helpers/test-cluster.js';
import { produceValues } from '../helpers/wire-client.js';

/** The broker lease: longer than the lag limit, so a paused follower leaves the ISR by lag. */
const SESSION_MS = 6000;
const LAG_MS = 1500;

describe('replication faults (3 broker processes + etcd, RF=3, min.insync.replicas=2)', () => {
  let etcd: EtcdProcess;
  let cluster: ProcessCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startProcessCluster(etcd, 3, SESSION_MS, [
      '--override',
      `replica.lag.time.max.ms=${LAG_MS}`,
    ]);
    await eventually(async () => (await cluster.metadata(null)).brokers.length === 3, 30_000);
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('(a, b) SIGKILLed leader under an idempotent acks=all producer: every acknowledged record once and in order after failover; back, the old leader truncates, rejoins the ISR and all logs are byte-identical', async () => {
    const topic = 'kill-leader';
    await createReplicatedTopic(cluster, topic);
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    const before = (await partitionState(cluster, topic)).p;
    const producer = new Producer({
      bootstrap: cluster
        .ports()
        .map((p) => `127.0.0.1:${p}`)
        .join(','),
      idempotent: true,
      acks: -1,
      maxInFlight: 5,
      lingerMs: 1,
      deliveryTimeoutMs: 120_000,
    });
    await producer.connect();
    const outcomes: ('ok' | 'failed' | undefined)[] = [];
    const sends: Promise<void>[] = [];
    let killedAt = 0;
    let firstAckAfterKill = 0;
    const send = (i: number): void => {
      sends.push(
        producer.send({ topic, partition: 0, value: `v${i}` }).then(
          () => {
            outcomes[i] = 'ok';
            if (killedAt > 0 && firstAckAfterKill === 0) firstAckAfterKill = Date.now();
          },
          () => {
            outcomes[i] = 'failed';
          },
        ),
      );
    };
    const TOTAL = 600;
    try {
      for (let i = 0; i < TOTAL; i++) {
        send(i);
        if (i % 20 === 19) await sends.at(-1);
        if (i === 200) {
          killedAt = Date.now();
          await cluster.signal(before.leaderId, 'SIGKILL');
        }
      }
      await Promise.all(sends);
    } finally {
      await producer.close();
    }
    const acked = outcomes.flatMap((o, i) => (o === 'ok' ? [`v${i}`] : []));
    const after = (await partitionState(cluster, topic)).p;
    expect(after.leaderId).not.toBe(before.leaderId);
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch ?? 0);
    const stored = await committed(cluster, topic);
    expect(ackedRecordProblems(acked, stored)).toEqual([]);
    expect(acked.length).toBeGreaterThan(TOTAL / 2);
    console.log(
      `(a) ${acked.length}/${TOTAL} acknowledged, ${stored.length} committed; leader SIGKILL → first ack on the new leader after ${firstAckAfterKill - killedAt} ms (session ${SESSION_MS} ms)`,
    );

    // (b) The killed broker returns: it truncates against the new leader and rejoins the ISR.
    const restartedAt = Date.now();
    await cluster.start(before.leaderId);
    await waitIsr(cluster, topic, 3, 'the old leader back in the ISR');
    console.log(`(b) restarted broker back in the ISR after ${Date.now() - restartedAt} ms`);
    const { m, p } = await partitionState(cluster, topic);
    await withConnection(portOf(m, p.leaderId), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['last'], { acks: -1 })).errorCode).toBe(0);
    });
    const final = await committed(cluster, topic);
    expect(ackedRecordProblems([...acked, 'last'], final)).toEqual([]);
    expect(divergence(cluster, topic, final.length)).toEqual([]);
  });

  it('(c) SIGSTOPped follower leaves the ISR after replica.lag.time.max.ms (before its lease ends), acks=all goes on; SIGCONT and it rejoins', async () => {
    const topic = 'pause-follower';
    await createReplicatedTopic(cluster, topic);
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    const { m, p } = await partitionState(cluster, topic);
    const follower = p.replicaNodes.find((id) => id !== p.leaderId) ?? -1;
    const acked: string[] = [];
    await withConnection(portOf(m, p.leaderId), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['before'], { acks: -1 })).errorCode).toBe(0);
      acked.push('before');
      const pausedAt = Date.now();
      await cluster.signal(follower, 'SIGSTOP');
      try {
        // While the follower is out and still in the ISR, acks=all waits; it is answered once
        // the leader drops the follower.
        const during = await produceValues(conn, topic, 0, ['during'], { acks: -1 });
        expect(during.errorCode).toBe(0);
        acked.push('during');
        await waitIsr(cluster, topic, 2, 'the paused follower out of the ISR');
        const shrinkMs = Date.now() - pausedAt;
        console.log(`(c) paused follower out of the ISR after ${shrinkMs} ms (lag ${LAG_MS} ms)`);
        expect(shrinkMs).toBeLessThan(SESSION_MS);
        // Still registered: it left by lag, not as a dead broker.
        expect((await cluster.metadata(null)).brokers.map((b) => b.nodeId)).toContain(follower);
        for (let i = 0; i < 5; i++) {
          expect((await produceValues(conn, topic, 0, [`c${i}`], { acks: -1 })).errorCode).toBe(0);
          acked.push(`c${i}`);
        }
      } finally {
        await cluster.signal(follower, 'SIGCONT');
      }
      await waitIsr(cluster, topic, 3, 'the follower back in the ISR');
      expect((await produceValues(conn, topic, 0, ['after'], { acks: -1 })).errorCode).toBe(0);
      acked.push('after');
    });
    const stored = await committed(cluster, topic);
    expect(ackedRecordProblems(acked, stored)).toEqual([]);
    expect(divergence(cluster, topic, stored.length)).toEqual([]);
  });

  it('(d) two of three followers stopped: acks=all gets NOT_ENOUGH_REPLICAS once the ISR is the leader alone, acks=1 goes on', async () => {
    const topic = 'stop-two';
    await createReplicatedTopic(cluster, topic);
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    const { m, p } = await partitionState(cluster, topic);
    const followers = p.replicaNodes.filter((id) => id !== p.leaderId);
    await withConnection(portOf(m, p.leaderId), async (conn) => {
      for (const id of followers) await cluster.signal(id, 'SIGSTOP');
      try {
        await waitIsr(cluster, topic, 1, 'an ISR of the leader alone');
        expect((await produceValues(conn, topic, 0, ['refused'], { acks: -1 })).errorCode).toBe(
          ErrorCode.NOT_ENOUGH_REPLICAS,
        );
        expect((await produceValues(conn, topic, 0, ['one'], { acks: 1 })).errorCode).toBe(0);
      } finally {
        for (const id of followers) await cluster.signal(id, 'SIGCONT');
      }
      await waitIsr(cluster, topic, 3, 'the followers back');
      expect((await produceValues(conn, topic, 0, ['all'], { acks: -1 })).errorCode).toBe(0);
    });
    const stored = await committed(cluster, topic);
    expect(stored.map((r) => r.value)).toEqual(['one', 'all']);
    expect(divergence(cluster, topic, stored.length)).toEqual([]);
  });

  it('(e) zombie leader: SIGSTOPped past its lease, a follower takes over; on SIGCONT nothing it accepts is acknowledged as committed, it steps down and its log converges', async () => {
    const topic = 'zombie';
    await createReplicatedTopic(cluster, topic);
    await waitIsr(cluster, topic, 3, 'ISR of 3');
    const before = await partitionState(cluster, topic);
    const zombie = before.p.leaderId;
    const acked: string[] = [];
    await withConnection(portOf(before.m, zombie), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['z0'], { acks: -1 })).errorCode).toBe(0);
      acked.push('z0');
    });
    const zombieConn = await KafkaConnection.connect('127.0.0.1', portOf(before.m, zombie));
    await cluster.signal(zombie, 'SIGSTOP');
    let zombieAnswer: Promise<number> | undefined;
    try {
      await eventually(
        async () => {
          const now = (await partitionState(cluster, topic)).p;
          return now.leaderId !== zombie && now.leaderId > 0;
        },
        4 * SESSION_MS,
        'a new leader',
      );
      const { m, p } = await partitionState(cluster, topic);
      expect(p.leaderEpoch).toBeGreaterThan(before.p.leaderEpoch ?? 0);
      await withConnection(portOf(m, p.leaderId), async (conn) => {
        expect((await produceValues(conn, topic, 0, ['n0'], { acks: -1 })).errorCode).toBe(0);
        acked.push('n0');
      });
      // Queued in the paused process's socket: it reads this the moment it wakes, racing its
      // own discovery of the new epoch.
      zombieAnswer = produceValues(zombieConn, topic, 0, ['from-zombie'], { acks: -1 }).then(
        (r) => r.errorCode,
      );
    } finally {
      await cluster.signal(zombie, 'SIGCONT');
    }
    const code = await zombieAnswer;
    await zombieConn.close();
    console.log(`(e) the woken zombie answered acks=all with error ${code}`);
    expect(code).not.toBe(ErrorCode.NONE);
    await waitIsr(cluster, topic, 3, 'the zombie back as a follower in the ISR');
    const { m, p } = await partitionState(cluster, topic);
    expect(p.leaderId).not.toBe(zombie);
    await withConnection(portOf(m, p.leaderId), async (conn) => {
      expect((await produceValues(conn, topic, 0, ['n1'], { acks: -1 })).errorCode).toBe(0);
      acked.push('n1');
    });
    const stored = await committed(cluster, topic);
    expect(ackedRecordProblems(acked, stored)).toEqual([]);
    expect(stored.map((r) => r.value)).not.toContain('from-zombie');
    expect(divergence(cluster, topic, stored.length)).toEqual([]);
  });
});
