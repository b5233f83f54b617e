import type { Command } from 'commander';

import { Broker } from '../broker/broker.js';
import { parseBrokerConfig, readPropertiesFile } from '../broker/broker-config.js';
import { createLogger } from '../util/logger.js';

interface StartOptions {
  port?: string;
  host?: string;
  data?: string;
  config?: string;
  metricsPort?: string;
  override?: string[];
  metadata?: string;
  brokerId?: string;
  rack?: string;
}

/** `fjord broker start`: one broker in the foreground until SIGTERM/SIGINT. */
export function registerBrokerCommand(program: Command): void {
  const broker = program.command('broker').description('run a fjord broker');
  broker
    .command('start')
    .description('start a broker in the foreground; SIGTERM or SIGINT stops it cleanly')
    .option('--port <port>', 'listener port (0 = any free port)')
    .option('--host <host>', 'listener host')
    .option('--data <dir>', 'data folder (log.dirs)')
    .option('--config <file>', 'broker.properties with Kafka property names')
    .option('--metrics-port <port>', 'serve /metrics and /healthz on this port')
    .option('--override <k=v...>', 'set a broker property, as Kafka’s --override does')
    .option(
      '--metadata <url>',
      'where cluster metadata lives: local (default) or etcd://host:port[/prefix]',
    )
    .option('--broker-id <id>', 'this broker’s node id (node.id), unique in the cluster')
    .option('--rack <rack>', 'broker.rack, for rack-aware replica placement')
    .action(async (options: StartOptions) => {
      const props = options.config === undefined ? {} : readPropertiesFile(options.config);
      for (const kv of options.override ?? []) {
        const at = kv.indexOf('=');
        if (at <= 0) throw new Error(`--override ${kv}: expected key=value`);
        props[kv.slice(0, at)] = kv.slice(at + 1);
      }
      if (options.data !== undefined) props['log.dirs'] = options.data;
      if (options.metadata !== undefined) props['metadata.store'] = options.metadata;
      if (options.brokerId !== undefined) props['node.id'] = options.brokerId;
      if (options.rack !== undefined) props['broker.rack'] = options.rack;
      if (options.port !== undefined || options.host !== undefined) {
        props.listeners = `PLAINTEXT://${options.host ?? '127.0.0.1'}:${options.port ?? '9092'}`;
      }
      const logger = createLogger('fjord-broker');
      const running = await Broker.start({
        config: parseBrokerConfig(props),
        logger,
        ...(options.metricsPort === undefined ? {} : { metricsPort: Number(options.metricsPort) }),
      });
      await stopOnSignal(running);
      // Everything is closed and flushed; but a controller campaign still waiting in etcd keeps
      // a watch open that the etcd client cannot cancel, and would hold the process.
      process.exit();
    });
}

/** Resolves once the broker stopped after SIGTERM or SIGINT. */
export function stopOnSignal(broker: Broker): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      broker.logger.info({ signal }, 'signal received');
      broker
        .stop()
        .then(resolve)
        .catch((err: unknown) => {
          broker.logger.error({ err }, 'unclean stop');
          process.exitCode = 1;
          resolve();
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
