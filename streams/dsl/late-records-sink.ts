/**
 * Adds the sink of a windowed operator's late records (`{ lateRecordsTopic }`) and builds the
 * route the operator reports late records through; also the key identity windowed operators
 * use for buffers (the serialized key when its serde is known).
 */
import type { Serde } from '../serde/index.js';
import type { LateRecordRoute } from '../operators/windows/late-records.js';
import type { DroppedRecords } from '../runtime/dropped-records.js';
import type { InheritedSerdes } from '../runtime/topology-nodes.js';

import type { BuilderContext } from './builder-context.js';

/** Where a late-records sink writes and with which serdes. */
export interface LateSinkSpec {
  /** The operator's node; the sink is `<node>-late-records`. */
  readonly node: string;
  readonly topic: string | undefined;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly inherited: InheritedSerdes;
}

/**
 * The late-record route of `spec.node`, adding its sink when a topic is set. Call after the
 * operator's node is added (the sink is its child).
 */
export function lateRecordRoute(
  ctx: BuilderContext,
  counter: DroppedRecords,
  spec: LateSinkSpec,
): LateRecordRoute {
  if (spec.topic === undefined) return { counter, sink: undefined };
  const sink = `${spec.node}-late-records`;
  ctx.topology.addNode({
    kind: 'sink',
    name: sink,
    parents: [spec.node],
    topic: { name: spec.topic, internal: false },
    keySerde: spec.keySerde,
    valueSerde: spec.valueSerde,
    inherited: spec.inherited,
    partitioner: undefined,
  });
  return { counter, sink };
}

/**
 * A string identity of keys: their serialized bytes (latin1) when the serde is known, else
 * their JSON (keys of one stream serialize alike, so either is stable within a task).
 */
export function keyIdentity<K>(serde: Serde<K> | undefined): (key: K) => string {
  if (serde === undefined) return (key) => JSON.stringify(key);
  const ctx = { topic: 'key-identity' };
  return (key) => serde.serialize(key, ctx)?.toString('latin1') ?? '';
}
