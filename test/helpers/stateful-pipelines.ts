/**
 * The stateful pipeline of the state-store tests: a count per key, materialized in the store
 * `counts` (changelog `<application.id>-counts-changelog`), its updates written to `output`.
 */
import { StreamsBuilder } from '../../streams/dsl/streams-builder.js';
import type { Topology } from '../../streams/runtime/topology.js';
import { Serdes } from '../../streams/serde/index.js';

export const COUNT_STORE = 'counts';

/** Counts the records of `input` per key into store `counts`; every update goes to `output`. */
export function countTopology(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream(input, { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ name: COUNT_STORE })
    .toStream()
    .to(output, { key: Serdes.string(), value: Serdes.nullable(Serdes.int64()) });
  return b.build();
}

/** The last value of each key in records of `output` (its latest count). */
export function latestCounts(
  records: readonly { key: Buffer | null; value: Buffer | null }[],
): Map<string, number> {
  const latest = new Map<string, number>();
  for (const r of records) {
    if (r.key === null || r.value === null) continue;
    latest.set(r.key.toString(), Number(r.value.readBigInt64BE(0)));
  }
  return latest;
}
