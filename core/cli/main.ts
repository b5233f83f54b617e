#!/usr/bin/env node
/**
 * The `fjord` command line. Verbs are added as the product grows; Kafka's tools are the model for
 * their names and flags.
 */
import { Command } from 'commander';

import { registerBrokerCommand } from './broker-command.js';
import { registerClusterCommand } from './cluster-command.js';
import { registerConsumeCommand } from './consume-command.js';
import { runBrokerDemo } from './broker-demo.js';
import { registerGroupsCommand } from './groups-command.js';
import { runLogDemo } from './log-demo.js';
import { registerProduceCommand } from './produce-command.js';
import { registerTopicsCommand } from './topics-command.js';

const program = new Command();
program
  .name('fjord')
  .description('fjord: a Kafka-compatible event-streaming platform')
  .version('0.1.0');

program
  .command('demo')
  .description('start an embedded broker with a demo topic, produce and consume, keep serving')
  .option('--data <dir>', 'data folder', '.fjord-data')
  .option('--port <port>', 'broker port', '9092')
  .option('--metrics-port <port>', 'metrics port', '9308')
  .action(async (options: { data: string; port: string; metricsPort: string }) => {
    await runBrokerDemo({
      dataDir: options.data,
      port: Number(options.port),
      metricsPort: Number(options.metricsPort),
    });
  });

program
  .command('log-demo')
  .description('append records to a partition log in a local data folder and read them back')
  .option('--data <dir>', 'data folder', '.fjord-data')
  .option('--records <n>', 'records to append', '1000')
  .action(async (options: { data: string; records: string }) => {
    await runLogDemo(options.data, Number(options.records));
  });

registerBrokerCommand(program);
registerClusterCommand(program);
registerTopicsCommand(program);
registerProduceCommand(program);
registerGroupsCommand(program);
registerConsumeCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`fjord: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
