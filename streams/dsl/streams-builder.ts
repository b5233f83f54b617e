/**
 * The entry point of the DSL: `stream()` reads topics, the returned {@link KStream}s add
 * operations, `build()` hands over the {@link Topology} a runner runs.
 */
import type { Topology } from '../runtime/topology.js';

import { BuilderContext, NodePrefix } from './builder-context.js';
import { KStream } from './kstream.js';
import type { StreamOptions } from './options.js';

/**
 * Builds a topology with the DSL.
 *
 * @example
 * ```ts
 * const b = new StreamsBuilder();
 * b.stream('orders', { key: Serdes.string(), value: Serdes.json<Order>() })
 *   .filter((k, o) => o.amount > 0)
 *   .to('orders-positive');
 * const topology = b.build();
 * ```
 */
export class StreamsBuilder {
  private readonly ctx = new BuilderContext();

  /**
   * A stream of the records of `topics` (several topics make one stream; they must be
   * co-partitioned). Serdes default to the runner's `default.key.serde` / `default.value.serde`.
   */
  stream<K = unknown, V = unknown>(
    topics: string | readonly string[],
    options: StreamOptions<K, V> = {},
  ): KStream<K, V> {
    const name = this.ctx.nameOr(options.name, NodePrefix.source);
    this.ctx.topology.addSource(name, topics, options);
    return new KStream(this.ctx, {
      node: name,
      keySerde: options.key,
      valueSerde: options.value,
      inherited: { key: undefined, value: undefined },
      repartitionRequired: false,
    });
  }

  /** The topology built so far. */
  build(): Topology {
    return this.ctx.topology;
  }
}
