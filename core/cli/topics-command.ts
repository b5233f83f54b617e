import type { Command } from 'commander';

import { parseReplicaAssignment, registerReplicaVerbs } from './replica-verbs.js';
import { BOOTSTRAP_HELP, withAdmin } from './with-admin.js';

function parseConfigs(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new Error(`--config ${kv}: expected key=value`);
    out[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return out;
}

/**
 * `fjord topics create|list|describe|alter|delete`, modelled on kafka-topics.sh, plus `reassign`
 * and `elect-leaders` (replica-verbs.ts).
 */
export function registerTopicsCommand(program: Command): void {
  const topics = program
    .command('topics')
    .description('create, list, describe, alter and delete topics');

  topics
    .command('create <name>')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--partitions <n>', 'partition count', '1')
    .option('--replication-factor <n>', 'replication factor', '1')
    .option('--config <k=v...>', 'topic config overrides')
    .option(
      '--replica-assignment <list>',
      'manual placement: partitions by commas, replicas by colons (1:2,2:3)',
    )
    .action(
      async (
        name: string,
        o: {
          bootstrapServer?: string;
          partitions: string;
          replicationFactor: string;
          config?: string[];
          replicaAssignment?: string;
        },
      ) => {
        const assignment =
          o.replicaAssignment === undefined
            ? undefined
            : parseReplicaAssignment(o.replicaAssignment);
        await withAdmin(o.bootstrapServer, (a) =>
          a.createTopic(
            name,
            Number(o.partitions),
            Number(o.replicationFactor),
            parseConfigs(o.config),
            assignment,
          ),
        );
        console.log(`Created topic ${name}.`);
      },
    );

  topics
    .command('list')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .action(async (o: { bootstrapServer?: string }) => {
      for (const name of await withAdmin(o.bootstrapServer, (a) => a.listTopics()))
        console.log(name);
    });

  topics
    .command('describe <name>')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .action(async (name: string, o: { bootstrapServer?: string }) => {
      const d = await withAdmin(o.bootstrapServer, (a) => a.describeTopic(name));
      const overrides = d.configs
        .filter((c) => !c.isDefault)
        .map((c) => `${c.name}=${c.value ?? ''}`);
      console.log(
        `Topic: ${d.name}\tPartitionCount: ${d.partitions.length}\tConfigs: ${overrides.join(',')}`,
      );
      for (const p of d.partitions) {
        console.log(
          `\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}` +
            `\tIsr: ${p.isr.join(',')}\tLogStartOffset: ${p.logStartOffset}\tLogEndOffset: ${p.logEndOffset}`,
        );
      }
    });

  topics
    .command('alter <name>')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--config <k=v...>', 'set topic configs')
    .option('--delete-config <k...>', 'remove topic config overrides')
    .action(
      async (
        name: string,
        o: { bootstrapServer?: string; config?: string[]; deleteConfig?: string[] },
      ) => {
        const changes: Record<string, string | null> = parseConfigs(o.config);
        for (const key of o.deleteConfig ?? []) changes[key] = null;
        if (Object.keys(changes).length === 0)
          throw new Error('nothing to alter: give --config k=v or --delete-config k');
        await withAdmin(o.bootstrapServer, (a) => a.alterTopicConfig(name, changes));
        console.log(`Altered topic ${name}.`);
      },
    );

  topics
    .command('delete <name>')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .action(async (name: string, o: { bootstrapServer?: string }) => {
      await withAdmin(o.bootstrapServer, (a) => a.deleteTopic(name));
      console.log(`Deleted topic ${name}.`);
    });

  registerReplicaVerbs(topics);
}
