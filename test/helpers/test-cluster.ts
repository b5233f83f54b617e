/**
 * In-process brokers sharing one etcd (a cluster for fast tests): each cluster gets its own key
 * prefix, so tests can share an etcd server. Brokers use a 3 s session (etcd's minimum lease is 2 s; 3 s survives a loaded machine).
 */
import { randomUUID } from 'node:crypto';

import { Broker } from '../../core/broker/broker.js';
import { parseBrokerConfig } from '../../core/broker/broker-config.js';
import { createLogger, silentLogger } from '../../core/util/logger.js';
import type { EtcdProcess } from './etcd-process.js';
import { makeTempDir } from './temp-dir.js';

/** One broker of a {@link TestCluster}. */
export interface ClusterNode {
  readonly nodeId: number;
  broker: Broker | undefined;
  readonly dataDir: string;
  port: number;
}

/** Brokers 1..n over one etcd prefix. */
export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  readonly metadataUrl: string;
  /** `host:port,...` of the running brokers. */
  bootstrap(): string;
  /** Stops broker `nodeId` cleanly (it deregisters). */
  stop(nodeId: number): Promise<void>;
  /** Starts broker `nodeId` again on its data folder and port. */
  start(nodeId: number): Promise<Broker>;
  /** Stops every broker and removes the data folders. */
  close(): Promise<void>;
}

/** Starts `count` brokers registered in `etcd` under a fresh prefix. */
export async function startTestCluster(
  etcd: EtcdProcess,
  count: number,
  props: Readonly<Record<string, string>> = {},
  racks: readonly string[] = [],
): Promise<TestCluster> {
  const prefix = `/fjord-test-${randomUUID()}`;
  const metadataUrl = `etcd://127.0.0.1:${etcd.clientPort}${prefix}`;
  const logger =
    process.env.FJORD_TEST_LOG === undefined
      ? silentLogger
      : createLogger('test-cluster', process.env.FJORD_TEST_LOG);
  const cleanups: (() => void)[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= count; i++) {
    const { dir, cleanup } = makeTempDir(`fjord-cluster-${i}-`);
    cleanups.push(cleanup);
    nodes.push({ nodeId: i, broker: undefined, dataDir: dir, port: 0 });
  }
  const launch = async (node: ClusterNode): Promise<Broker> => {
    const rack = racks[node.nodeId - 1];
    const broker = await Broker.start({
      config: parseBrokerConfig({
        listeners: `PLAINTEXT://127.0.0.1:${node.port}`,
        'log.dirs': node.dataDir,
        'node.id': String(node.nodeId),
        'metadata.store': metadataUrl,
        'broker.session.timeout.ms': '3000',
        ...(rack === undefined ? {} : { 'broker.rack': rack }),
        ...props,
      }),
      logger: logger.child({ nodeId: node.nodeId }),
    });
    node.broker = broker;
    node.port = broker.port;
    return broker;
  };
  const find = (nodeId: number): ClusterNode => {
    const node = nodes.find((n) => n.nodeId === nodeId);
    if (node === undefined) throw new Error(`no broker ${nodeId}`);
    return node;
  };
  await Promise.all(nodes.map(launch));
  return {
    nodes,
    metadataUrl,
    bootstrap: () =>
      nodes
        .filter((n) => n.broker !== undefined)
        .map((n) => `127.0.0.1:${n.port}`)
        .join(','),
    async stop(nodeId) {
      const node = find(nodeId);
      await node.broker?.stop();
      node.broker = undefined;
    },
    start: (nodeId) => launch(find(nodeId)),
    async close() {
      await Promise.all(
        nodes.map(async (n) => {
          await n.broker?.stop();
        }),
      );
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/** Polls `check` every 25 ms until it returns true, failing after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
