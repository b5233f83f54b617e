/**
 * Forwarding a stateful node's results from its store's cache flushes (Kafka Streams' record
 * cache, KIP-63): when the store is cached, the node writes each update to the store only, and
 * the flush (on commit, or when the cache evicts) hands it each key's latest value once, with the
 * value the store held before and the context of the record that made the update; the node
 * forwards that. Without a cache the node forwards each update itself, as before.
 */
import { Observable, type OperatorFunction } from 'rxjs';

import type { NodeContext } from '../../runtime/node-context.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import { StreamsError } from '../../runtime/streams-error.js';
import {
  isFlushReporting,
  type CachedRecordContext,
  type FlushedUpdate,
  type StateStore,
} from '../../state/index.js';

/**
 * The flush side of a node whose store may be cached.
 *
 * @example
 * ```ts
 * const fwd = cacheForwarding<string, number, Out>(ctx, store, true, forwardChange);
 * // per record: fwd.track(record); store.put(k, v); if (!fwd.cached) emit(out);
 * return { kind: 'records', operator: fwd.operator(recordOperator(ctx, onRecord)) };
 * ```
 */
export interface CacheForwarding<O> {
  /** Whether the store is cached: the node then emits nothing per update. */
  readonly cached: boolean;
  /** Keeps `record`'s context with the updates the node makes next (its output's timestamp). */
  track(record: CachedRecordContext): void;
  /** The node's operator: the outputs of `perRecord` and those of the flushes. */
  operator<I>(perRecord: OperatorFunction<I, O>): OperatorFunction<I, O>;
}

/**
 * The context of a store's next puts, one per store instance: the nodes of a cogroup share their
 * store, and the listener registered last reads what any of them tracked.
 */
const contexts = new WeakMap<StateStore, { current: CachedRecordContext | undefined }>();

function contextHolderOf(store: StateStore): { current: CachedRecordContext | undefined } {
  let holder = contexts.get(store);
  if (holder === undefined) {
    holder = { current: undefined };
    contexts.set(store, holder);
  }
  return holder;
}

/**
 * Registers a flush listener on `store` (when it is cached) turning each flushed update into
 * outputs with `forward`, which emits any number of them. A store has one listener: of nodes
 * sharing a store (a cogroup's), the last registered forwards every update, which suits nodes
 * whose outputs meet in one node.
 */
export function cacheForwarding<K, V, O>(
  ctx: NodeContext,
  store: StateStore,
  sendOldValues: boolean,
  forward: (
    update: FlushedUpdate<K, V>,
    context: CachedRecordContext,
    emit: (out: O) => void,
  ) => void,
): CacheForwarding<O> {
  const holder = contextHolderOf(store);
  let downstream: ((out: O) => void) | undefined;
  const cached =
    isFlushReporting<K, V>(store) &&
    store.setFlushListener(
      (update) => {
        // An update made outside any record (a punctuator) carries the stream time.
        const context = update.context ?? { timestamp: Math.max(0, ctx.streamTimeMs), headers: {} };
        const emit = downstream;
        if (emit === undefined)
          throw new StreamsError(
            `${ctx.nodeName}: its store's cache flushed while it was not running`,
            {
              nodeName: ctx.nodeName,
            },
          );
        forward(update, context, emit);
      },
      { sendOldValues, recordContext: () => holder.current },
    );
  return {
    cached,
    track(record) {
      if (!cached) return;
      // A copy, so the cache does not hold on to the record's key and value.
      holder.current = {
        timestamp: record.timestamp,
        headers: record.headers,
        ...(record.source === undefined ? {} : { source: record.source }),
      };
    },
    operator: (perRecord) => (source) =>
      new Observable((subscriber) => {
        downstream = (out) => {
          subscriber.next(out);
        };
        const subscription = perRecord(source).subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          downstream = undefined;
        };
      }),
  };
}

/**
 * Forwards a table node's flushed update as its change; nothing when the key was absent before
 * and is deleted now (nothing changed downstream).
 *
 * @example
 * ```ts
 * cacheForwarding(ctx, store, true, forwardChange);
 * ```
 */
export function forwardChange<K, V>(
  update: FlushedUpdate<K, V>,
  context: CachedRecordContext,
  emit: (
    out: StreamRecord<K, { readonly newValue: V | null; readonly oldValue: V | null }>,
  ) => void,
): void {
  if (update.newValue === null && update.oldValue === null) return;
  emit({
    key: update.key,
    value: { newValue: update.newValue, oldValue: update.oldValue },
    headers: context.headers,
    timestamp: context.timestamp,
    ...(context.source === undefined ? {} : { source: context.source }),
  });
}
