/**
 * Wires a sub-topology into RxJS for one task: a Subject per source; each processor's operator
 * applied to the merge of its parents' outputs; a node with several children multicast through
 * a hub Subject that its children subscribe to in the order they were added (so they see each
 * record in Kafka Streams' order and upstream runs once); routed outputs delivered only to the
 * addressed child; sinks and childless processors subscribed at the end of the chain.
 */
import { merge, Subject, Subscription, type Observable } from 'rxjs';

import type { AnyRecord, NodeContext, NodeOperator, Routed } from './node-context.js';
import type { SinkNodeSpec, SubtopologyPlan } from './topology-nodes.js';

/** What the wiring asks of the task. */
export interface GraphServices {
  nodeContext(name: string, children: readonly string[]): NodeContext;
  sinkWriter(spec: SinkNodeSpec): (record: AnyRecord) => void;
  /** A chain errored: a user RxJS operator threw, or a handler answered `fail`. */
  pipelineError(error: unknown): void;
}

/** The wired graph of one task. */
export interface TaskGraph {
  /** Source node name → the Subject the task pushes its records into. */
  readonly sources: ReadonlyMap<string, Subject<AnyRecord>>;
  /** Every subscription; unsubscribing tears the graph down. */
  readonly subscription: Subscription;
}

/**
 * Builds the graph of `plan`.
 *
 * @example
 * ```ts
 * const graph = wireTaskGraph(plan, services);
 * graph.sources.get('KSTREAM-SOURCE-0000000000')?.next(record);
 * ```
 */
export function wireTaskGraph(plan: SubtopologyPlan, services: GraphServices): TaskGraph {
  const sources = new Map<string, Subject<AnyRecord>>();
  const subscription = new Subscription();
  const inputs = new Map<string, Observable<AnyRecord>[]>();
  const terminal = {
    error: (e: unknown) => {
      services.pipelineError(e);
    },
  };
  const inputOf = (name: string): Observable<AnyRecord> => {
    const list = inputs.get(name) ?? [];
    const [first] = list;
    return list.length === 1 && first !== undefined ? first : merge(...list);
  };
  const connect = (name: string, out: Observable<AnyRecord>): void => {
    const children = plan.children.get(name) ?? [];
    const [only] = children;
    if (children.length === 0) subscription.add(out.subscribe(terminal));
    else if (children.length === 1 && only !== undefined) addInput(inputs, only, out);
    else {
      const hub = new Subject<AnyRecord>();
      for (const child of children) {
        const edge = new Subject<AnyRecord>();
        hub.subscribe(edge);
        addInput(inputs, child, edge);
      }
      subscription.add(out.subscribe(hub));
    }
  };
  const connectRouted = (name: string, out: Observable<Routed>): void => {
    const children = plan.children.get(name) ?? [];
    const edges = new Map(children.map((c) => [c, new Subject<AnyRecord>()]));
    for (const [child, edge] of edges) addInput(inputs, child, edge);
    subscription.add(
      out.subscribe({
        next: ({ record, child }) => {
          if (child === undefined) for (const edge of edges.values()) edge.next(record);
          else edges.get(child)?.next(record);
        },
        error: (e: unknown) => {
          if (edges.size === 0) services.pipelineError(e);
          for (const edge of edges.values()) edge.error(e);
        },
        complete: () => {
          for (const edge of edges.values()) edge.complete();
        },
      }),
    );
  };
  for (const node of plan.nodes) {
    if (node.kind === 'source') {
      const subject = new Subject<AnyRecord>();
      sources.set(node.name, subject);
      connect(node.name, subject);
    } else if (node.kind === 'sink') {
      const write = services.sinkWriter(node);
      subscription.add(inputOf(node.name).subscribe({ next: write, ...terminal }));
    } else {
      const children = plan.children.get(node.name) ?? [];
      const op: NodeOperator = node.create(services.nodeContext(node.name, children));
      if (op.kind === 'records') connect(node.name, inputOf(node.name).pipe(op.operator));
      else connectRouted(node.name, inputOf(node.name).pipe(op.operator));
    }
  }
  return { sources, subscription };
}

function addInput(
  inputs: Map<string, Observable<AnyRecord>[]>,
  child: string,
  input: Observable<AnyRecord>,
): void {
  const list = inputs.get(child);
  if (list === undefined) inputs.set(child, [input]);
  else list.push(input);
}
