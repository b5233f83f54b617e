/**
 * A task's inputs: the source node of each input topic with its serdes and timestamp extractor,
 * each input partition's partition time (the largest event time taken from it), and the
 * deserialization of a consumed record into a {@link StreamRecord}. Partition times can be
 * seeded from the committed offsets' metadata, so stream time survives a task move.
 */
import type { Subject } from 'rxjs';

import { ConfigError, type ConsumerRecord } from '../../core/index.js';
import { SerdeError, type Serde } from '../serde/index.js';

import type { AnyRecord } from './node-context.js';
import { serdeContext, toStreamHeaders } from './record-headers.js';
import { resolveTopic } from './runnable-topology.js';
import type { StreamRecord } from './stream-record.js';
import { StreamsError } from './streams-error.js';
import type { TaskEnvironment, TimestampExtractor } from './task.js';
import type { SinkNodeSpec, SourceNodeSpec, SubtopologyPlan } from './topology-nodes.js';

/** A source node at run time. */
export interface SourceRuntime {
  readonly spec: SourceNodeSpec;
  readonly subject: Subject<AnyRecord>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Undefined: the record's own timestamp. */
  readonly extractor: TimestampExtractor | undefined;
}

/**
 * The serdes of a source or sink: its own, else the runner's defaults, else those inherited from
 * upstream; none is a {@link ConfigError} naming the node.
 */
export function serdesOf(
  node: SourceNodeSpec | SinkNodeSpec,
  env: TaskEnvironment,
): { keySerde: Serde<unknown>; valueSerde: Serde<unknown> } {
  const pick = (
    side: 'key' | 'value',
    own: Serde<unknown> | undefined,
    fallback: Serde<unknown> | undefined,
  ) => {
    const serde = own ?? fallback ?? node.inherited?.[side];
    if (serde === undefined)
      throw new ConfigError(
        `${node.kind} ${node.name} (${side}): no serde given, none known upstream and no default set`,
      );
    return serde;
  };
  return {
    keySerde: pick('key', node.keySerde, env.defaultKeySerde),
    valueSerde: pick('value', node.valueSerde, env.defaultValueSerde),
  };
}

/**
 * The inputs of one task.
 *
 * @example
 * ```ts
 * const input = new TaskInput('0_1', env);
 * input.connect(plan, graph.sources);
 * const record = input.deserialize(source, consumerRecord);
 * ```
 */
export class TaskInput {
  private readonly sources = new Map<string, SourceRuntime>();
  private readonly partitionTimes = new Map<string, number>();

  constructor(
    private readonly taskName: string,
    private readonly env: TaskEnvironment,
  ) {}

  /** Binds each input topic (full name) to its source node's Subject in the wired graph. */
  connect(plan: SubtopologyPlan, subjects: ReadonlyMap<string, Subject<AnyRecord>>): void {
    for (const node of plan.nodes) {
      const subject = subjects.get(node.name);
      if (node.kind !== 'source' || subject === undefined) continue;
      const runtime: SourceRuntime = {
        spec: node,
        subject,
        ...serdesOf(node, this.env),
        extractor:
          node.timestampExtractor ??
          (node.topics.some((t) => t.internal) ? undefined : this.env.timestampExtractor),
      };
      for (const topic of node.topics)
        this.sources.set(resolveTopic(topic, this.env.applicationId), runtime);
    }
  }

  /** The source reading `topic`, undefined when the task reads no such topic. */
  source(topic: string): SourceRuntime | undefined {
    return this.sources.get(topic);
  }

  /** The partition time of input `topic`; -1 before its first record. */
  partitionTimeMs(topic: string): number {
    return this.partitionTimes.get(topic) ?? -1;
  }

  /** Seeds partition times (from committed metadata); returns the largest, -1 for none. */
  seed(times: ReadonlyMap<string, number>): number {
    let max = -1;
    for (const [topic, ms] of times) {
      if (ms > this.partitionTimeMs(topic)) this.partitionTimes.set(topic, ms);
      max = Math.max(max, ms);
    }
    return max;
  }

  /**
   * The record as the graph sees it: key and value deserialized, the event time extracted (and
   * checked). Throws what a deserialization failure turns into (see {@link TaskInput.fail}).
   */
  deserialize(source: SourceRuntime, record: ConsumerRecord): AnyRecord {
    const headers = toStreamHeaders(record.headers);
    const ctx = serdeContext(record.topic, headers);
    const key = decode(source.keySerde, record.key, ctx, 'key');
    const value = decode(source.valueSerde, record.value, ctx, 'value');
    const partitionTime = this.partitionTimeMs(record.topic);
    const timestamp =
      source.extractor === undefined ? record.timestamp : source.extractor(record, partitionTime);
    if (!Number.isFinite(timestamp) || timestamp < 0)
      throw new StreamsError(
        `record ${record.topic}-${record.partition}@${record.offset} has an invalid timestamp ${timestamp}; ` +
          'use a timestamp extractor that returns a non-negative epoch ms',
        { taskId: this.taskName, nodeName: source.spec.name },
      );
    if (timestamp > partitionTime) this.partitionTimes.set(record.topic, timestamp);
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    return { key, value, headers, timestamp, source: position } satisfies StreamRecord<
      unknown,
      unknown
    >;
  }
}

function decode(
  serde: Serde<unknown>,
  data: Buffer | null,
  ctx: ReturnType<typeof serdeContext>,
  side: 'key' | 'value',
): unknown {
  try {
    return serde.deserialize(data, ctx);
  } catch (err) {
    throw err instanceof SerdeError ? err.withSide(side) : err;
  }
}
