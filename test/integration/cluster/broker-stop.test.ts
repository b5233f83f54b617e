/**
 * `fjord broker start` in a cluster stops on SIGTERM and exits, whatever its part in the
 * controller election: a broker still waiting to be elected must not hang on etcd's election
 * watch, nor become controller after it stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEtcd } from '../../helpers/etcd-process.js';
import type { EtcdProcess } from '../../helpers/etcd-process.js';
import { startProcessCluster } from '../../helpers/process-cluster.js';
import type { ProcessCluster } from '../../helpers/process-cluster.js';
import { eventually } from '../../helpers/test-cluster.js';

describe('stopping a broker process in a cluster', () => {
  let etcd: EtcdProcess;
  let cluster: ProcessCluster;

  beforeAll(async () => {
    etcd = await startEtcd();
    cluster = await startProcessCluster(etcd, 3, 3000);
  });
  afterAll(async () => {
    await cluster.close();
    await etcd.stop();
  });

  it('SIGTERM makes every broker exit with 0, the controller last, while the others still campaign', async () => {
    let controller = -1;
    await eventually(
      async () => {
        const m = await cluster.metadata(null);
        controller = m.controllerId ?? -1;
        return m.brokers.length === 3 && controller > 0;
      },
      30_000,
      'three brokers and a controller',
    );
    const order = [...cluster.nodes.map((n) => n.nodeId).filter((id) => id !== controller)];
    for (const nodeId of [...order, controller]) {
      const proc = cluster.nodes.find((n) => n.nodeId === nodeId)?.process;
      expect(proc).toBeDefined();
      proc?.child.kill('SIGTERM');
      // Before the fix the waiting campaigners only exited once the controller's key went away.
      expect(await proc?.exited).toBe(0);
    }
  });
});
