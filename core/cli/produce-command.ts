import * as readline from 'node:readline';

import type { Command } from 'commander';

import { Producer } from '../client/producer/producer.js';
import type { Acks, CompressionCodec } from '../client/producer/options.js';
import type { RecordMetadata } from '../client/producer/producer-record.js';
import { BOOTSTRAP_HELP } from './with-admin.js';

interface ProduceOptions {
  bootstrapServer?: string;
  keySeparator?: string;
  header?: string[];
  acks: string;
  compression: string;
}

/** Records sent before the CLI waits for their acknowledgements. */
const WINDOW_RECORDS = 10_000;
const CODECS: readonly string[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function parseAcks(value: string): Acks {
  if (value === 'all' || value === '-1') return 'all';
  if (value === '0') return 0;
  if (value === '1') return 1;
  throw new Error(`--acks ${value}: expected 0, 1 or all`);
}

function parseCompression(value: string): CompressionCodec {
  if (!CODECS.includes(value))
    throw new Error(`--compression ${value}: expected ${CODECS.join('|')}`);
  return value as CompressionCodec;
}

function parseHeaders(values: readonly string[] | undefined): { key: string; value: string }[] {
  return (values ?? []).map((kv) => {
    const at = kv.indexOf('=');
    if (at <= 0) throw new Error(`--header ${kv}: expected key=value`);
    return { key: kv.slice(0, at), value: kv.slice(at + 1) };
  });
}

/** Splits a line into key and value at the first separator; no separator means a null key. */
function splitLine(
  line: string,
  separator: string | undefined,
): { key: string | null; value: string } {
  if (separator === undefined) return { key: null, value: line };
  const at = line.indexOf(separator);
  if (at < 0) return { key: null, value: line };
  return { key: line.slice(0, at), value: line.slice(at + separator.length) };
}

/**
 * Reads stdin line by line and produces one record per line; returns how many records the broker
 * acknowledged, by partition.
 */
async function produceLines(
  producer: Producer,
  topic: string,
  options: ProduceOptions,
): Promise<Map<number, number>> {
  const headers = parseHeaders(options.header);
  const byPartition = new Map<number, number>();
  const count = (m: RecordMetadata): void => {
    byPartition.set(m.partition, (byPartition.get(m.partition) ?? 0) + 1);
  };
  let window: Promise<void>[] = [];
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const { key, value } = splitLine(line, options.keySeparator);
    window.push(
      producer.send({ topic, key, value, ...(headers.length > 0 ? { headers } : {}) }).then(count),
    );
    if (window.length >= WINDOW_RECORDS) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  return byPartition;
}

/** `fjord produce TOPIC`: one record per stdin line, modelled on kafka-console-producer.sh. */
export function registerProduceCommand(program: Command): void {
  program
    .command('produce <topic>')
    .description('produce one record per line of stdin; a summary goes to stderr')
    .option('--bootstrap-server <servers>', BOOTSTRAP_HELP)
    .option('--key-separator <sep>', 'the text before the first <sep> in a line is the key')
    .option('--header <k=v...>', 'a header for every record (repeatable)')
    .option('--acks <acks>', '0, 1 or all', 'all')
    .option('--compression <codec>', CODECS.join('|'), 'none')
    .action(async (topic: string, o: ProduceOptions) => {
      const producer = new Producer({
        bootstrap: o.bootstrapServer ?? process.env.FJORD_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092',
        clientId: 'fjord-cli-producer',
        acks: parseAcks(o.acks),
        compression: parseCompression(o.compression),
      });
      let byPartition: Map<number, number>;
      try {
        await producer.connect();
        byPartition = await produceLines(producer, topic, o);
      } finally {
        await producer.close();
      }
      const total = [...byPartition.values()].reduce((a, b) => a + b, 0);
      const partitions = [...byPartition.keys()].sort((a, b) => a - b).join(',');
      console.error(
        `Produced ${total} record${total === 1 ? '' : 's'} to ${topic}` +
          (total > 0 ? ` (partitions ${partitions})` : ''),
      );
    });
}
