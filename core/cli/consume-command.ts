/**
 * `fjord consume TOPIC`: prints a topic's records, one per line, like kafka-console-consumer.sh.
 * Without `--group` it reads every partition (or `--partition P`) by itself; with one it joins
 * the group and commits exactly the records it printed. It stops after `--max-messages` or on
 * SIGINT/SIGTERM, closing cleanly (committing, leaving the group).
 */
import type { Command } from 'commander';

import { Consumer } from '../client/consumer/consumer.js';
import type { ConsumerRecord, TopicPartitionOffset } from '../client/consumer/types.js';
import { parseDateTime } from '../client/offset-reset.js';
import { BOOTSTRAP_HELP } from './with-admin.js';

/** The flags of `fjord consume`. */
export interface ConsumeCommandOptions {
  readonly bootstrapServer?: string;
  readonly fromBeginning?: boolean;
  readonly fromTime?: string;
  readonly offset?: string;
  readonly partition?: string;
  readonly group?: string;
  readonly maxMessages?: string;
  readonly printKey?: boolean;
  readonly printHeaders?: boolean;
  readonly format: string;
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`${name} ${value}: expected an integer ≥ ${min}`);
  return n;
}

function text(b: Buffer | null): string {
  return b === null ? 'null' : b.toString('utf8');
}

/** One output line for `record`. */
export function formatRecord(record: ConsumerRecord, o: ConsumeCommandOptions): string {
  if (o.format === 'json') {
    return JSON.stringify({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key?.toString('utf8') ?? null,
      value: record.value?.toString('utf8') ?? null,
      headers: record.headers.map((h) => ({
        key: h.key,
        value: h.value?.toString('utf8') ?? null,
      })),
    });
  }
  const cells: string[] = [];
  if (o.printHeaders === true) {
    cells.push(
      record.headers.length === 0
        ? 'NO_HEADERS'
        : record.headers.map((h) => `${h.key}:${text(h.value)}`).join(','),
    );
  }
  if (o.printKey === true) cells.push(text(record.key));
  cells.push(text(record.value));
  return cells.join('\t');
}

function check(o: ConsumeCommandOptions): void {
  if (o.format !== 'text' && o.format !== 'json')
    throw new Error(`--format ${o.format}: expected text or json`);
  const starts = [o.fromBeginning === true, o.fromTime !== undefined, o.offset !== undefined];
  if (starts.filter(Boolean).length > 1)
    throw new Error('use only one of --from-beginning, --from-time and --offset');
  if (o.offset !== undefined && o.partition === undefined)
    throw new Error('--offset needs --partition');
  if (o.group !== undefined && (o.offset !== undefined || o.partition !== undefined))
    throw new Error('--offset and --partition cannot be used with --group');
}

function write(line: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(line)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

/** Runs `fjord consume`; resolves with the number of records printed. */
export async function runConsume(topic: string, o: ConsumeCommandOptions): Promise<number> {
  check(o);
  const maxMessages = integer('--max-messages', o.maxMessages, 1) ?? Infinity;
  const fromTimeMs = o.fromTime === undefined ? undefined : parseDateTime(o.fromTime);
  const consumer = new Consumer({
    bootstrap: o.bootstrapServer ?? process.env.FJORD_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092',
    clientId: 'fjord-console-consumer',
    ...(o.group === undefined ? {} : { groupId: o.group }),
    autoOffsetReset: o.fromBeginning === true ? 'earliest' : 'latest',
    enableAutoCommit: false,
    listeners: {
      onAssigned: (partitions) => {
        if (fromTimeMs !== undefined) consumer.seekToTimestamp(fromTimeMs, partitions);
      },
    },
  });
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let count = 0;
  const printed = new Map<string, TopicPartitionOffset>();
  try {
    await consumer.connect();
    if (o.group !== undefined) consumer.subscribe([topic]);
    else {
      const only = integer('--partition', o.partition, 0);
      const partitions = (await consumer.partitionsFor(topic)).filter(
        (tp) => only === undefined || tp.partition === only,
      );
      if (partitions.length === 0)
        throw new Error(`topic ${topic} has no partition ${o.partition ?? ''}`);
      const offset = integer('--offset', o.offset, 0);
      consumer.assign(partitions.map((tp) => (offset === undefined ? tp : { ...tp, offset })));
      if (fromTimeMs !== undefined) consumer.seekToTimestamp(fromTimeMs);
    }
    while (count < maxMessages) {
      const batch = await consumer.poll(stop.signal);
      if (batch === undefined) break;
      const lines: string[] = [];
      for (const record of batch.records.slice(0, maxMessages - count)) {
        lines.push(formatRecord(record, o));
        printed.set(`${record.topic}-${record.partition}`, {
          ...record,
          offset: record.offset + 1,
        });
      }
      count += lines.length;
      await write(lines.join('\n') + '\n');
      if (o.group !== undefined) await consumer.commit([...printed.values()]);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (o.group !== undefined && printed.size > 0)
      await consumer.commit([...printed.values()]).catch(() => undefined);
    await consumer.close();
  }
  console.error(`Processed a total of ${count} messages`);
  return count;
}

/** Registers `fjord consume`. */
export function registerConsumeCommand(program: Command): void {
  program
    .command('consume <topic>')
    .description("print a topic's records, one per line (like kafka-console-consumer.sh)")
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--from-beginning', 'start at the earliest offset (default: only new records)')
    .option('--from-time <iso>', 'start at the first record at or after this time (ISO-8601)')
    .option('--offset <n>', 'start at this offset (needs --partition)')
    .option('--partition <p>', 'read only this partition')
    .option(
      '--group <id>',
      'consume as a member of this consumer group, committing what is printed',
    )
    .option('--max-messages <n>', 'exit after printing this many records')
    .option('--print-key', 'print key<TAB>value')
    .option('--print-headers', 'print the headers (k:v,k:v or NO_HEADERS) first')
    .option('--format <format>', 'text or json (one object per line)', 'text')
    .action(async (topic: string, o: ConsumeCommandOptions) => {
      await runConsume(topic, o);
    });
}
