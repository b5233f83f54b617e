/**
 * What a `KStream` knows of itself: its node, its serdes (known until an operation changes the
 * type), the serdes inherited from upstream, and whether its key changed since it was last
 * partitioned by it. Plus the helpers that turn typed operators into untyped graph nodes.
 */
import type { OperatorFunction } from 'rxjs';

import type { Serde } from '../serde/index.js';
import type { AnyRecord, NodeContext, NodeFactory, Routed } from '../runtime/node-context.js';
import type { InheritedSerdes } from '../runtime/topology-nodes.js';

/** The node, serdes and repartition flag of a stream. */
export interface StreamState<K, V> {
  readonly node: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** The nearest serdes upstream, for sinks that find no other (see InheritedSerdes). */
  readonly inherited: InheritedSerdes;
  readonly repartitionRequired: boolean;
}

/** The serdes known at `state`: its own, else those inherited. */
export function known(state: StreamState<unknown, unknown>): InheritedSerdes {
  const { keySerde, valueSerde, inherited } = state;
  return { key: keySerde ?? inherited.key, value: valueSerde ?? inherited.value };
}

/** After a key (and maybe value) change: serdes unknown, repartition required. */
export function rekeyed<K2, V2>(state: StreamState<unknown, unknown>): StreamState<K2, V2> {
  return {
    node: '',
    keySerde: undefined,
    valueSerde: undefined,
    inherited: known(state),
    repartitionRequired: true,
  };
}

/** After a value change: the value serde unknown. */
export function revalued<K, V2>(state: StreamState<K, unknown>): StreamState<K, V2> {
  return { ...state, valueSerde: undefined, inherited: known(state) };
}

/** A typed record operator as the untyped graph carries it. */
export function untyped<A, B>(
  operator: OperatorFunction<A, B>,
): OperatorFunction<AnyRecord, AnyRecord> {
  return operator as unknown as OperatorFunction<AnyRecord, AnyRecord>;
}

/** A typed routing operator as the untyped graph carries it. */
export function untypedRouted<A>(
  operator: OperatorFunction<A, Routed>,
): OperatorFunction<AnyRecord, Routed> {
  return operator as unknown as OperatorFunction<AnyRecord, Routed>;
}

/** A node factory from a typed record operator made per task. */
export function records(make: (ctx: NodeContext) => OperatorFunction<never, unknown>): NodeFactory {
  return (ctx) => ({ kind: 'records', operator: untyped(make(ctx)) });
}
