/**
 * `split()`'s result: {@link BranchedKStream} routes each record to its first matching branch.
 * It makes its branch streams through the builder context, so this module needs `KStream` only
 * as a type (`KStream.split` makes a `BranchedKStream`).
 */
import * as ops from '../operators/index.js';
import { TopologyError } from '../runtime/streams-error.js';

import type { BuilderContext } from './builder-context.js';
import type { KStream } from './kstream.js';
import type { Named } from './options.js';
import { records, untypedRouted, type StreamState } from './stream-state.js';

/**
 * How a branch of {@link BranchedKStream} is named and used (Kafka Streams' `Branched`): `name`
 * is appended to the split's name to make the branch's key in the result; `chain` transforms
 * the branch and its result is stored instead; `consume` uses the branch, which then is not
 * stored.
 *
 * @example
 * ```ts
 * split.branch((k, o) => o.amount > 1000, { name: 'big', chain: (s) => s.mapValues(flag) });
 * ```
 */
export interface BranchOptions<K, V> extends Named {
  readonly chain?: (branch: KStream<K, V>) => KStream<K, V>;
  readonly consume?: (branch: KStream<K, V>) => void;
}

/**
 * The branches of a split: each record goes to the first branch whose predicate accepts it,
 * else to the default branch if there is one, else nowhere. Branch keys are the split's name
 * plus the branch name (or its 1-based position; `0` for the default branch), as in Kafka
 * Streams: `split({ name: 'route-' }).branch(p, { name: 'big' })` is `route-big`.
 *
 * @example
 * ```ts
 * const branches = orders
 *   .split({ name: 'route-' })
 *   .branch((k, o) => o.amount > 1000, { name: 'big' })
 *   .defaultBranch({ name: 'small' });
 * branches['route-big']?.to('big-orders');
 * ```
 */
export class BranchedKStream<K, V> {
  private readonly routes: ops.BranchRoute<K, V>[] = [];
  private defaultChild: string | undefined;
  private readonly result: Record<string, KStream<K, V>> = {};
  private done = false;

  /** @internal */
  constructor(
    private readonly ctx: BuilderContext,
    private readonly parent: StreamState<K, V>,
    private readonly splitter: string,
  ) {
    ctx.topology.addNode({
      kind: 'processor',
      name: splitter,
      parents: [parent.node],
      stores: [],
      create: (c) => ({
        kind: 'routed',
        operator: untypedRouted(ops.branch(c, this.routes, this.defaultChild)),
      }),
    });
  }

  /** Adds a branch for the records `predicate` accepts (and no earlier branch took). */
  branch(predicate: (key: K, value: V) => boolean, options: BranchOptions<K, V> = {}): this {
    const child = this.addBranch(options, this.routes.length + 1);
    this.routes.push({ predicate, child });
    return this;
  }

  /** Adds the branch of records no predicate accepted; returns the branches by name. */
  defaultBranch(options: BranchOptions<K, V> = {}): Record<string, KStream<K, V>> {
    this.defaultChild = this.addBranch(options, 0);
    this.done = true;
    return this.result;
  }

  /** Ends the split without a default branch (unmatched records are dropped); returns the branches by name. */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.done = true;
    return this.result;
  }

  private addBranch(options: BranchOptions<K, V>, index: number): string {
    if (this.done) throw new TopologyError(`split ${this.splitter} is already ended`);
    const child = `${this.splitter}${options.name ?? String(index)}`;
    this.ctx.newName(child);
    this.ctx.topology.addNode({
      kind: 'processor',
      name: child,
      parents: [this.splitter],
      stores: [],
      create: records(() => ops.passThrough()),
    });
    const stream = this.ctx.makeStream({ ...this.parent, node: child }) as KStream<K, V>;
    if (options.chain !== undefined) this.result[child] = options.chain(stream);
    else if (options.consume !== undefined) options.consume(stream);
    else this.result[child] = stream;
    return child;
  }
}
