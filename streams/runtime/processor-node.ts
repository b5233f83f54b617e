/**
 * Runs a {@link Processor} as a topology node: one processor per task, initialised when the task
 * is created and closed with it; `forward` emits {@link Routed} envelopes so a record can go to
 * one named child.
 */
import { Observable } from 'rxjs';

import type { StateStore } from '../state/index.js';

import type { NodeContext, NodeFactory, Routed } from './node-context.js';
import type { Processor, ProcessorContext, ProcessorSupplier } from './processor.js';
import { recordOperator } from './record-operator.js';
import type { StreamRecord } from './stream-record.js';
import { StreamsError } from './streams-error.js';

function processorContext<KOut, VOut>(
  ctx: NodeContext,
  forward: (routed: Routed) => void,
): ProcessorContext<KOut, VOut> {
  return {
    applicationId: ctx.applicationId,
    taskId: ctx.taskId,
    get streamTimeMs() {
      return ctx.streamTimeMs;
    },
    currentWallClockMs: () => ctx.currentWallClockMs(),
    get recordContext() {
      return ctx.recordContext;
    },
    forward(record: StreamRecord<KOut, VOut>, childName?: string) {
      if (childName !== undefined && !ctx.children.includes(childName))
        throw new StreamsError(
          `${ctx.nodeName}: unknown child ${childName} (children: ${ctx.children.join(', ') || 'none'})`,
          { nodeName: ctx.nodeName },
        );
      forward({ record, child: childName });
    },
    schedule: (intervalMs, type, callback) => ctx.schedule(intervalMs, type, callback),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see ProcessorContext
    getStateStore: <S extends StateStore>(name: string) => ctx.getStateStore(name) as S,
  };
}

/**
 * A node factory running a fresh processor from `supplier` in each task.
 *
 * @example
 * ```ts
 * topology.addNode({ kind: 'processor', name: 'dedupe', parents: ['in'], stores: [], create: processorNode(() => new Dedupe()) });
 * ```
 */
export function processorNode<KIn, VIn, KOut, VOut>(
  supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
): NodeFactory {
  return (ctx) => {
    const processor: Processor<KIn, VIn, KOut, VOut> = supplier();
    let downstream: ((routed: Routed) => void) | undefined;
    const forward = (routed: Routed): void => {
      if (downstream === undefined)
        throw new StreamsError(
          `${ctx.nodeName}: forward() before the task started or after it closed`,
          {
            nodeName: ctx.nodeName,
          },
        );
      downstream(routed);
    };
    processor.init?.(processorContext<KOut, VOut>(ctx, forward));
    ctx.onClose(() => processor.close?.());
    const run = recordOperator<StreamRecord<KIn, VIn>, Routed>(ctx, (record) => {
      processor.process(record);
    });
    return {
      kind: 'routed',
      operator: (source) =>
        new Observable<Routed>((subscriber) => {
          downstream = (routed) => {
            subscriber.next(routed);
          };
          const subscription = run(source as Observable<StreamRecord<KIn, VIn>>).subscribe(
            subscriber,
          );
          return () => {
            subscription.unsubscribe();
            downstream = undefined;
          };
        }),
    };
  };
}
