/**
 * A sink at run time: picks the topic, serializes key and value, applies a custom partitioner
 * and hands the record to the collector. Every failure on the way is a production error.
 */
import { SerdeError, type Serde, type SerdeContext } from '../serde/index.js';

import type { AnyRecord } from './node-context.js';
import type { RecordContext } from './processor.js';
import type { OutgoingRecord, RecordCollector } from './record-collector.js';
import { serdeContext } from './record-headers.js';
import { resolveTopic } from './runnable-topology.js';
import type { SinkNodeSpec } from './topology-nodes.js';

/** What a sink needs of its task. */
export interface SinkServices {
  readonly applicationId: string;
  readonly collector: RecordCollector;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly recordContext: () => RecordContext | undefined;
  /** Whether the sink may write now (the task is processing and alive). */
  readonly accepting: (sinkName: string) => boolean;
  /** Reports a production failure of this sink for `record`. */
  readonly failed: (
    sinkName: string,
    error: unknown,
    record: AnyRecord,
    output?: OutgoingRecord,
  ) => void;
}

function serialize(
  serde: Serde<unknown>,
  data: unknown,
  ctx: SerdeContext,
  side: 'key' | 'value',
): Buffer | null {
  try {
    return serde.serialize(data, ctx);
  } catch (err) {
    throw err instanceof SerdeError ? err.withSide(side) : err;
  }
}

/**
 * The function a task subscribes for sink `spec`.
 *
 * @example
 * ```ts
 * const write = sinkWriter(spec, services);
 * write({ key: 'k', value: 1, headers: {}, timestamp: 0 });
 * ```
 */
export function sinkWriter(
  spec: SinkNodeSpec,
  services: SinkServices,
): (record: AnyRecord) => void {
  const staticTopic =
    typeof spec.topic === 'function' ? undefined : resolveTopic(spec.topic, services.applicationId);
  const extractor = typeof spec.topic === 'function' ? spec.topic : undefined;
  const { partitioner, name } = spec;
  return (record) => {
    if (!services.accepting(name)) return;
    let out: OutgoingRecord;
    try {
      const topic = staticTopic ?? extractTopic(extractor, record, services.recordContext());
      const ctx = serdeContext(topic, record.headers);
      const key = serialize(services.keySerde, record.key, ctx, 'key');
      const value = serialize(services.valueSerde, record.value, ctx, 'value');
      const base = { topic, key, value, headers: record.headers, timestamp: record.timestamp };
      out =
        partitioner === undefined
          ? base
          : {
              ...base,
              partitioner: (n: number) => partitioner(topic, record.key, record.value, n),
            };
    } catch (err) {
      services.failed(name, err, record);
      return;
    }
    try {
      services.collector.send(out, record.source);
    } catch (err) {
      services.failed(name, err, record, out);
    }
  };
}

function extractTopic(
  extractor: SinkNodeSpec['topic'] | undefined,
  record: AnyRecord,
  context: RecordContext | undefined,
): string {
  if (typeof extractor !== 'function') throw new Error('sink has no topic');
  const topic = extractor(record.key, record.value, context);
  if (typeof topic !== 'string' || topic.length === 0)
    throw new Error(`the topic name extractor returned ${JSON.stringify(topic)}, not a topic name`);
  return topic;
}
