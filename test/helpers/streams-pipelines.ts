/**
 * The topologies the streams runtime tests and the streams benchmark run, built with the DSL,
 * and the records they read.
 */
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import type {
  FixedKeyProcessor,
  FixedKeyProcessorContext,
} from '../../streams/runtime/processor.js';
import type { StreamRecord } from '../../streams/runtime/stream-record.js';
import type { Topology } from '../../streams/runtime/topology.js';
import { Serdes } from '../../streams/serde/index.js';

/** An input record of the cleaner pipeline. */
export interface Order {
  readonly id: number;
  readonly amount: number;
}

/** Orders whose amount is positive, the amount in cents: filter → mapValues → to. */
export function cleanerTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: Serdes.string(), value: Serdes.json<Order>() })
    .filter((_key, order) => order.amount > 0)
    .mapValues((order) => ({ ...order, amount: order.amount * 100 }))
    .to(output, { key: Serdes.string(), value: Serdes.json<Order>() });
  return b.build();
}

/** The order with id `id`: every third has a non-positive amount, so the cleaner drops it. */
export function orderOf(id: number): Order {
  return { id, amount: id % 3 === 0 ? -id : id };
}

/** Whether the cleaner keeps order `id`. */
export function cleanerKeeps(id: number): boolean {
  return orderOf(id).amount > 0;
}

/** A word count's input: a word and where it came from. */
export interface Word {
  readonly word: string;
  readonly n: number;
}

/** What the re-keying pipeline writes: the record and the task that saw it after repartitioning. */
export interface TaggedWord extends Word {
  readonly task: string;
}

/** Tags each record with the task processing it. */
class TagWithTask implements FixedKeyProcessor<string, Word, TaggedWord> {
  private ctx: FixedKeyProcessorContext<string, TaggedWord> | undefined;

  init(ctx: FixedKeyProcessorContext<string, TaggedWord>): void {
    this.ctx = ctx;
  }

  process(record: StreamRecord<string, Word>): void {
    const ctx = this.ctx!;
    const task = `${ctx.taskId.subtopology}_${ctx.taskId.partition}`;
    ctx.forward({ ...record, value: { ...record.value, task } });
  }
}

/**
 * Re-keys records by their word (selectKey), repartitions through
 * `<application.id>-by-word-repartition`, and tags each record with the task that read it back.
 */
export function rekeyTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: Serdes.string(), value: Serdes.json<Word>() })
    .selectKey((_key, w) => w.word)
    .repartition({ name: 'by-word', key: Serdes.string(), value: Serdes.json<Word>() })
    .processValues(() => new TagWithTask())
    .to(output, { key: Serdes.string(), value: Serdes.json<TaggedWord>() });
  return b.build();
}
