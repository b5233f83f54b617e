/**
 * `fjord topics reassign` and `fjord topics elect-leaders`, modelled on
 * kafka-reassign-partitions.sh and kafka-leader-election.sh: the same reassignment JSON file
 * (`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2,3]}]}`), or one partition
 * given on the command line.
 */
import * as fs from 'node:fs';

import type { Command } from 'commander';

import type { Reassignment } from '../client/partition-admin.js';
import { BOOTSTRAP_HELP, withAdmin } from './with-admin.js';

/** Parses Kafka's `1:2,2:3` replica assignment: partitions by commas, replicas by colons. */
export function parseReplicaAssignment(text: string): number[][] {
  return text.split(',').map((partition) =>
    partition.split(':').map((id) => {
      const n = Number(id);
      if (id.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
        throw new Error(`--replica-assignment ${text}: "${id}" is not a broker id`);
      }
      return n;
    }),
  );
}

/** Reads a reassignment JSON file in kafka-reassign-partitions.sh's format. */
export function parseReassignmentJson(text: string): Reassignment[] {
  const doc = JSON.parse(text) as { partitions?: unknown };
  if (!Array.isArray(doc.partitions)) throw new Error('the file has no "partitions" list');
  return doc.partitions.map((entry: unknown, i) => {
    const e = entry as { topic?: unknown; partition?: unknown; replicas?: unknown };
    const ids = Array.isArray(e.replicas) ? (e.replicas as unknown[]) : undefined;
    if (
      typeof e.topic !== 'string' ||
      !Number.isSafeInteger(e.partition) ||
      ids?.every((id) => Number.isSafeInteger(id)) !== true
    ) {
      throw new Error(`partitions[${i}] needs "topic", "partition" and "replicas" (broker ids)`);
    }
    return { topic: e.topic, partition: e.partition as number, replicas: ids as number[] };
  });
}

interface ReassignOptions {
  bootstrapServer?: string;
  reassignmentJsonFile?: string;
  topic?: string;
  partition?: string;
  replicas?: string;
  verify?: boolean;
  cancel?: boolean;
}

function wanted(o: ReassignOptions): Reassignment[] {
  if (o.reassignmentJsonFile !== undefined) {
    return parseReassignmentJson(fs.readFileSync(o.reassignmentJsonFile, 'utf8'));
  }
  if (o.topic === undefined || o.partition === undefined) {
    throw new Error('give --reassignment-json-file, or --topic and --partition');
  }
  const replicas = o.replicas === undefined ? [] : (parseReplicaAssignment(o.replicas)[0] ?? []);
  if (!o.cancel && !o.verify && replicas.length === 0) {
    throw new Error('give --replicas id[:id...] for the new replica list');
  }
  return [{ topic: o.topic, partition: Number(o.partition), replicas }];
}

/** Adds `reassign` and `elect-leaders` to the `topics` command. */
export function registerReplicaVerbs(topics: Command): void {
  topics
    .command('reassign')
    .description(
      'move partitions to other brokers (--execute is the default), or --verify / --cancel',
    )
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--reassignment-json-file <file>', 'kafka-reassign-partitions.sh JSON')
    .option('--topic <name>', 'one partition: its topic')
    .option('--partition <n>', 'one partition: its index')
    .option('--replicas <ids>', 'one partition: new replicas, preferred leader first (2:3:1)')
    .option('--execute', 'start the reassignment (default)')
    .option('--verify', 'print whether each reassignment finished')
    .option('--cancel', 'stop running reassignments, back to the original replicas')
    .action(async (o: ReassignOptions) => {
      const list = wanted(o);
      await withAdmin(o.bootstrapServer, async (admin) => {
        if (o.verify === true) {
          const running = await admin.partitions.reassignments();
          const key = (t: string, p: number): string => `${t}-${p}`;
          const busy = new Set(running.map((r) => key(r.topic, r.partition)));
          for (const r of list) {
            const state = busy.has(key(r.topic, r.partition))
              ? 'is still in progress'
              : 'is complete';
            console.log(`Reassignment of partition ${key(r.topic, r.partition)} ${state}.`);
          }
          return;
        }
        const outcomes = await admin.partitions.reassign(
          list.map((r) => ({ ...r, replicas: o.cancel === true ? null : r.replicas })),
        );
        const failed = outcomes.filter((x) => x.error !== undefined);
        for (const x of failed) console.error(x.error?.message);
        const verb = o.cancel === true ? 'Cancelled' : 'Started';
        console.log(
          `${verb} ${outcomes.length - failed.length} of ${outcomes.length} reassignment(s).`,
        );
        if (failed.length > 0) process.exitCode = 1;
      });
    });

  topics
    .command('elect-leaders')
    .description('move leadership to preferred replicas, or elect an unclean leader')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--election-type <type>', 'preferred or unclean', 'preferred')
    .option('--topic <name>', 'only this topic')
    .option('--partition <n>', 'only this partition of --topic')
    .option('--all-topic-partitions', 'every partition (the default without --topic)')
    .action(
      async (o: {
        bootstrapServer?: string;
        electionType: string;
        topic?: string;
        partition?: string;
        allTopicPartitions?: boolean;
      }) => {
        if (o.electionType !== 'preferred' && o.electionType !== 'unclean') {
          throw new Error(`--election-type ${o.electionType}: expected preferred or unclean`);
        }
        const kind = o.electionType;
        await withAdmin(o.bootstrapServer, async (admin) => {
          let partitions: { topic: string; partitions: number[] }[] | undefined;
          if (o.topic !== undefined) {
            const all = (await admin.describeTopic(o.topic)).partitions.map((p) => p.partition);
            partitions = [
              {
                topic: o.topic,
                partitions: o.partition === undefined ? all : [Number(o.partition)],
              },
            ];
          }
          const outcomes = await admin.partitions.electLeaders(kind, partitions);
          for (const x of outcomes) {
            console.log(
              x.error === undefined
                ? `Successfully completed leader election (${kind}) for partition ${x.topic}-${x.partition}`
                : x.error.message,
            );
          }
          if (outcomes.length === 0) console.log(`No partition needed a ${kind} election.`);
        });
      },
    );
}
