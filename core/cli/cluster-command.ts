import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Command } from 'commander';

import { Broker } from '../broker/broker.js';
import { parseBrokerConfig } from '../broker/broker-config.js';
import { createLogger } from '../util/logger.js';
import { launchEtcd } from './etcd-launcher.js';

interface DevOptions {
  brokers: string;
  port: string;
  etcdPort: string;
  data?: string;
  keep?: boolean;
}

/**
 * `fjord cluster dev`: etcd from PATH plus N brokers in this process, all on 127.0.0.1, data in a
 * temporary folder (removed on exit unless `--keep` or `--data`). Ctrl-C stops everything.
 */
export function registerClusterCommand(program: Command): void {
  const cluster = program.command('cluster').description('run a fjord cluster');
  cluster
    .command('dev')
    .description('a local development cluster: etcd and N brokers on loopback; Ctrl-C stops all')
    .option('--brokers <n>', 'how many brokers', '3')
    .option('--port <port>', 'first broker port; the others follow', '9092')
    .option('--etcd-port <port>', 'etcd client port (the peer port is the next one)', '2379')
    .option('--data <dir>', 'keep data here instead of a temporary folder')
    .option('--keep', 'keep the temporary folder on exit')
    .action(async (options: DevOptions) => {
      const count = Number(options.brokers);
      const firstPort = Number(options.port);
      const etcdPort = Number(options.etcdPort);
      if (!Number.isSafeInteger(count) || count < 1) throw new Error('--brokers: expected n ≥ 1');
      const root = options.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fjord-cluster-'));
      fs.mkdirSync(root, { recursive: true });
      const logger = createLogger('fjord-cluster');
      const etcd = await launchEtcd(path.join(root, 'etcd'), etcdPort, etcdPort + 1);
      const brokers: Broker[] = [];
      const stopAll = async (): Promise<void> => {
        await Promise.all(brokers.map((b) => b.stop()));
        await etcd.stop();
        if (options.data === undefined && options.keep !== true)
          fs.rmSync(root, { recursive: true, force: true });
      };
      try {
        for (let i = 1; i <= count; i++) {
          brokers.push(
            await Broker.start({
              config: parseBrokerConfig({
                listeners: `PLAINTEXT://127.0.0.1:${firstPort === 0 ? 0 : firstPort + i - 1}`,
                'log.dirs': path.join(root, `broker-${i}`),
                'node.id': String(i),
                'metadata.store': `etcd://127.0.0.1:${etcdPort}/fjord`,
                'default.replication.factor': String(Math.min(3, count)),
              }),
              logger: logger.child({ nodeId: i }),
            }),
          );
        }
      } catch (err) {
        await stopAll();
        throw err;
      }
      const bootstrap = brokers.map((b) => b.bootstrap).join(',');
      process.stdout.write(
        `fjord dev cluster: ${count} broker(s), etcd at 127.0.0.1:${etcdPort}, data in ${root}\n` +
          `bootstrap: ${bootstrap}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          logger.info({}, 'stopping the dev cluster');
          stopAll().then(resolve, (err: unknown) => {
            logger.error({ err }, 'unclean stop');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        // etcd dying under the cluster ends it too: a dev cluster without metadata is no use.
        void etcd.exited.then(() => {
          if (brokers.length > 0) logger.error({}, 'etcd exited');
        });
      });
    });
}
