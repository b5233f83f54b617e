/**
 * What the replication fault suites ask of a {@link ProcessCluster}: metadata as each broker sees
 * it, waits for the ISR to settle, the committed log read from the leader, and the checker's
 * replica comparison over every broker's data folder.
 */
import { expect } from 'vitest';

import { KafkaConnection } from '../../core/network/client-connection.js';
import type { KafkaConnectionOptions } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import type { MetadataResponse } from '../../core/protocol/messages/index.js';
import type { ProcessCluster } from './process-cluster.js';
import { replicaBatches, replicaDivergence } from './replication-checker.js';
import { eventually } from './test-cluster.js';
import { fetchAll } from './wire-client.js';
import type { StoredValue } from './wire-client.js';

/** Partition `partition` of `topic` in a Metadata response. */
export function partitionOf(m: MetadataResponse, topic: string, partition = 0) {
  const found = m.topics
    .find((t) => t.name === topic)
    ?.partitions.find((x) => x.partitionIndex === partition);
  if (found === undefined) throw new Error(`no metadata for ${topic}-${partition}`);
  return found;
}

/** The advertised port of broker `nodeId` in a Metadata response. */
export function portOf(m: MetadataResponse, nodeId: number): number {
  const broker = m.brokers.find((b) => b.nodeId === nodeId);
  if (broker === undefined) throw new Error(`broker ${nodeId} not live`);
  return broker.port;
}

/** Runs `work` on a fresh connection to `127.0.0.1:port`, closed afterwards. */
export async function withConnection<T>(
  port: number,
  work: (c: KafkaConnection) => Promise<T>,
  options: KafkaConnectionOptions = {},
): Promise<T> {
  const conn = await KafkaConnection.connect('127.0.0.1', port, options);
  try {
    return await work(conn);
  } finally {
    await conn.close();
  }
}

/** Metadata v9 from the broker on `port`; `null` asks for brokers only. */
export async function metadataAt(port: number, topics: readonly string[] | null) {
  return withConnection(port, (conn) =>
    conn.send(ApiKey.METADATA, 9, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  );
}

/** Options of {@link createReplicatedTopic}. */
export interface ReplicatedTopicOptions {
  /** The replicas of partition 0 in preference order (the first leads); else placement decides. */
  readonly replicas?: readonly number[];
  readonly replicationFactor?: number;
  readonly minInsyncReplicas?: number;
}

/** Creates a one-partition topic (RF 3, min.insync.replicas 2 unless told) once all are live. */
export async function createReplicatedTopic(
  cluster: ProcessCluster,
  name: string,
  options: ReplicatedTopicOptions = {},
): Promise<void> {
  await waitAllLive(cluster);
  const manual = options.replicas !== undefined;
  await withConnection(cluster.ports()[0] ?? 0, async (conn) => {
    const response = await conn.send(ApiKey.CREATE_TOPICS, 5, {
      topics: [
        {
          name,
          numPartitions: manual ? -1 : 1,
          replicationFactor: manual ? -1 : (options.replicationFactor ?? 3),
          assignments: manual
            ? [{ partitionIndex: 0, brokerIds: [...(options.replicas ?? [])] }]
            : [],
          configs: [{ name: 'min.insync.replicas', value: String(options.minInsyncReplicas ?? 2) }],
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(response.topics[0]?.errorCode).toBe(0);
  });
}

/** Metadata for `topic` from the first running broker that answers, with its partition 0. */
export async function partitionState(cluster: ProcessCluster, topic: string) {
  const m = await cluster.metadata([topic]);
  return { m, p: partitionOf(m, topic) };
}

/**
 * Waits until every running broker reports an ISR of `size`: a broker just woken from SIGSTOP
 * answers from its old cache until its watch catches up, so one broker's word is not enough.
 */
export async function waitIsr(
  cluster: ProcessCluster,
  topic: string,
  size: number,
  what: string,
): Promise<void> {
  await eventually(
    async () => {
      for (const port of cluster.ports()) {
        const m = await metadataAt(port, [topic]).catch(() => undefined);
        if (m === undefined || partitionOf(m, topic).isrNodes.length !== size) return false;
      }
      return true;
    },
    30_000,
    what,
  );
}

/** Waits until every running broker sees all of the cluster's brokers registered. */
export async function waitAllLive(cluster: ProcessCluster): Promise<void> {
  const count = cluster.nodes.length;
  await eventually(
    async () => {
      for (const port of cluster.ports()) {
        const m = await metadataAt(port, null).catch(() => undefined);
        if (m?.brokers.length !== count) return false;
      }
      return cluster.ports().length === count;
    },
    30_000,
    `${count} live brokers`,
  );
}

/** Everything committed (below the high watermark) of partition 0, read from its leader. */
export async function committed(cluster: ProcessCluster, topic: string): Promise<StoredValue[]> {
  const { m, p } = await partitionState(cluster, topic);
  return withConnection(portOf(m, p.leaderId), (conn) => fetchAll(conn, topic, 0));
}

/** The checker's replica comparison over every broker whose folder holds partition 0. */
export function divergence(
  cluster: ProcessCluster,
  topic: string,
  highWatermark: number,
): string[] {
  const replicas = new Map(
    cluster.nodes.map((n) => [`broker ${n.nodeId}`, replicaBatches(n.dataDir, topic, 0)] as const),
  );
  return replicaDivergence(replicas, highWatermark);
}
