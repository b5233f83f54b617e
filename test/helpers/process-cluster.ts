/**
 * A cluster of broker child processes (`fjord broker start --metadata etcd://... --broker-id N`)
 * over one etcd, for fault tests: SIGKILL, SIGSTOP and restarts of real processes.
 */
import { randomUUID } from 'node:crypto';

import { KafkaConnection } from '../../core/network/client-connection.js';
import { ApiKey } from '../../core/protocol/messages/index.js';
import type { MetadataResponse } from '../../core/protocol/messages/index.js';
import { spawnBroker } from './broker-process.js';
import type { BrokerProcess } from './broker-process.js';
import type { EtcdProcess } from './etcd-process.js';
import { makeTempDir } from './temp-dir.js';

/** One broker process slot: its data folder survives restarts. */
export interface ProcessNode {
  readonly nodeId: number;
  readonly dataDir: string;
  process: BrokerProcess | undefined;
  /** SIGSTOPped: skipped when asking for Metadata (it would not answer). */
  paused: boolean;
}

/** Broker processes 1..n. */
export interface ProcessCluster {
  readonly nodes: readonly ProcessNode[];
  readonly metadataUrl: string;
  /**
   * Starts broker `nodeId` on its data folder; with `port`, on that port (a broker back on its
   * old endpoint takes its registration over at once, without waiting out its old lease).
   */
  start(nodeId: number, port?: number): Promise<BrokerProcess>;
  /** Sends `signal` and, for SIGKILL/SIGTERM, waits for the exit. */
  signal(nodeId: number, signal: NodeJS.Signals): Promise<void>;
  /** Ports of the running brokers. */
  ports(): number[];
  /** Metadata v9 for `topics` from the first running broker that answers. */
  metadata(topics: readonly string[] | null): Promise<MetadataResponse>;
  close(): Promise<void>;
}

/**
 * Per-broker wiring, for partition tests that put a proxy on one broker's links: the etcd port
 * it dials (a proxy in front of etcd) and arguments added after the shared ones (a fixed
 * `--port` and `advertised.listeners` pointing at a proxy in front of it).
 */
export interface PerNodeOptions {
  readonly etcdPort?: (nodeId: number) => number | undefined;
  readonly args?: (nodeId: number) => readonly string[];
}

/** Starts `count` broker processes with a `sessionMs` broker session (etcd lease TTL). */
export async function startProcessCluster(
  etcd: EtcdProcess,
  count: number,
  sessionMs = 2000,
  extraArgs: readonly string[] = [],
  perNode: PerNodeOptions = {},
): Promise<ProcessCluster> {
  const prefix = `/fjord-fault-${randomUUID()}`;
  const metadataUrl = `etcd://127.0.0.1:${etcd.clientPort}${prefix}`;
  const metadataUrlOf = (nodeId: number): string =>
    `etcd://127.0.0.1:${perNode.etcdPort?.(nodeId) ?? etcd.clientPort}${prefix}`;
  const cleanups: (() => void)[] = [];
  const nodes: ProcessNode[] = [];
  for (let i = 1; i <= count; i++) {
    const { dir, cleanup } = makeTempDir(`fjord-fault-${i}-`);
    cleanups.push(cleanup);
    nodes.push({ nodeId: i, dataDir: dir, process: undefined, paused: false });
  }
  const find = (nodeId: number): ProcessNode => {
    const node = nodes.find((n) => n.nodeId === nodeId);
    if (node === undefined) throw new Error(`no broker ${nodeId}`);
    return node;
  };
  const start = async (nodeId: number, port?: number): Promise<BrokerProcess> => {
    const node = find(nodeId);
    node.process = await spawnBroker(node.dataDir, [
      ...(port === undefined ? [] : ['--port', String(port)]),
      '--metadata',
      metadataUrlOf(nodeId),
      '--broker-id',
      String(nodeId),
      '--override',
      `broker.session.timeout.ms=${sessionMs}`,
      ...extraArgs,
      ...(perNode.args?.(nodeId) ?? []),
    ]);
    return node.process;
  };
  await Promise.all(nodes.map((n) => start(n.nodeId)));
  const ports = (): number[] =>
    nodes.flatMap((n) => (n.process === undefined || n.paused ? [] : [n.process.port]));
  return {
    nodes,
    metadataUrl,
    start,
    ports,
    async signal(nodeId, signal) {
      const node = find(nodeId);
      const proc = node.process;
      if (proc === undefined) return;
      proc.child.kill(signal);
      if (signal === 'SIGSTOP') node.paused = true;
      if (signal === 'SIGCONT') node.paused = false;
      if (signal === 'SIGKILL' || signal === 'SIGTERM') {
        node.paused = false;
        await proc.exited;
        node.process = undefined;
      }
    },
    async metadata(topics) {
      let lastError: unknown;
      for (const port of ports()) {
        try {
          const conn = await KafkaConnection.connect('127.0.0.1', port, {
            connectTimeoutMs: 2000,
            requestTimeoutMs: 2000,
          });
          try {
            return await conn.send(ApiKey.METADATA, 9, {
              topics: topics === null ? null : topics.map((name) => ({ name })),
              allowAutoTopicCreation: false,
              includeClusterAuthorizedOperations: false,
              includeTopicAuthorizedOperations: false,
            });
          } finally {
            await conn.close();
          }
        } catch (err) {
          lastError = err;
        }
      }
      throw new Error(`no broker answered Metadata: ${String(lastError)}`);
    },
    async close() {
      for (const n of nodes) {
        const proc = n.process;
        if (proc === undefined) continue;
        proc.child.kill('SIGCONT');
        proc.child.kill('SIGKILL');
        await proc.exited;
        n.process = undefined;
      }
      for (const cleanup of cleanups) cleanup();
    },
  };
}
