/**
 * The topology node of `KTable.suppress`: buffers each key's latest update in a
 * {@link SuppressBuffer} and forwards it when its time comes, checked on every record and as
 * stream time advances (a stream-time punctuator), so a window closes even when no record of
 * this table arrives. Final results drop the tombstones of windows never emitted (a session
 * merged away). A full buffer with `shutDownWhenFull` stops the task, whatever the processing
 * error handler says, since going on would break the promise of final results.
 *
 * With a store (`<name>-store`, changelogged), every buffered entry is written to it and deleted
 * once emitted, and the buffer is refilled from it when the task starts, so a task that moves
 * or crashes loses no buffered update (its restore replays the changelog first).
 */
import { Observable, type OperatorFunction } from 'rxjs';

import type { AnyRecord, NodeFactory } from '../../runtime/node-context.js';
import type { StreamRecord } from '../../runtime/stream-record.js';
import { StreamsError } from '../../runtime/streams-error.js';
import type { KeyValueStore, Windowed } from '../../state/index.js';
import type { Serde } from '../../serde/index.js';

import { decodeRecord, encodeRecord, type JsonRecord } from './buffer-record-serde.js';

import { SuppressBuffer, SuppressBufferFullError } from './suppress-buffer.js';
import type { Suppressed } from './suppressed.js';

/** What a suppress node needs to know of the table it suppresses. */
export interface SuppressSpec {
  readonly suppressed: Suppressed;
  /**
   * The windows of a windowed table (its keys are `Windowed`): their grace, and whether a
   * window's end is in it. Undefined for a table of plain keys.
   */
  readonly window: { readonly graceMs: number; readonly inclusiveEnd: boolean } | undefined;
  /** A string identity of a key (of the windowed key's inner key for windowed tables). */
  readonly keyId: (key: unknown) => string;
  /** The bytes a key and value take in the buffer. */
  readonly sizeOf: (key: unknown, value: unknown) => number;
  /** Whether a value deletes its key (a table's change whose new value is null). */
  readonly isTombstone: (value: unknown) => boolean;
  /** The store logging the buffer (see {@link SuppressEntry}); undefined keeps it in memory only. */
  readonly storeName?: string;
  /** The serdes of the buffered records' keys and values (JSON when undefined). */
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
}

/**
 * A buffered update as its store keeps it: when it is due, and the record.
 *
 * @example
 * ```ts
 * const e: SuppressEntry = { dueMs: 60_000, record: { k: 'YQ==', v: 'AQ==', t: 12, h: {} } };
 * ```
 */
export interface SuppressEntry {
  readonly dueMs: number;
  readonly record: JsonRecord;
}

/**
 * The node factory of a suppression.
 *
 * @example
 * ```ts
 * create: suppressNode({ suppressed, window: { graceMs: 0, inclusiveEnd: false }, keyId: String, sizeOf: () => 64, isTombstone: (v) => v === null })
 * ```
 */
export function suppressNode(spec: SuppressSpec): NodeFactory {
  const { suppressed } = spec;
  const final = suppressed.kind === 'until-window-closes';
  const window = spec.window;
  if (final && window === undefined)
    throw new StreamsError('suppress(untilWindowCloses) needs a windowed table');
  const idOf = (key: unknown): string => {
    if (window === undefined) return spec.keyId(key);
    const w = key as Windowed<unknown>;
    return `${spec.keyId(w.key)}@${w.window.startMs}:${w.window.endMs}`;
  };
  const dueAt = (record: AnyRecord): number => {
    if (suppressed.kind === 'until-time-limit') return record.timestamp + suppressed.timeLimitMs;
    const end = (record.key as Windowed<unknown>).window.endMs;
    return end + (window?.graceMs ?? 0) + (window?.inclusiveEnd === true ? 1 : 0);
  };
  return (ctx) => {
    const buffer = new SuppressBuffer<AnyRecord>(suppressed.buffer);
    // Time as this node has seen it (the largest timestamp it received), not the task's: with
    // the record cache, results arrive at commit, after the task's stream time has moved past
    // windows whose latest results are still cached.
    let observedMs = -1;
    const store =
      spec.storeName === undefined
        ? undefined
        : (ctx.getStateStore(spec.storeName) as KeyValueStore<string, SuppressEntry>);
    if (store !== undefined) {
      // Refill from the restored store, oldest first, so eviction order is the original one.
      const entries = [...store.all()].sort(([, a], [, b]) => a.dueMs - b.dueMs);
      for (const [id, e] of entries) {
        const record = decodeRecord(e.record, spec.keySerde, spec.valueSerde);
        buffer.put(id, e.dueMs, record, spec.sizeOf(record.key, record.value));
        // The buffered records were seen before the move: time resumes from them.
        observedMs = Math.max(observedMs, record.timestamp);
      }
    }
    ctx.onClose(() => {
      buffer.clear();
    });
    const operator: OperatorFunction<AnyRecord, AnyRecord> = (source) =>
      new Observable<AnyRecord>((subscriber) => {
        const forward = (id: string, record: StreamRecord<unknown, unknown>): void => {
          store?.delete(id);
          if (final && spec.isTombstone(record.value)) return; // never emitted: nothing to delete
          subscriber.next(record);
        };
        const fail = (err: unknown): void => {
          const cause = err instanceof SuppressBufferFullError ? err : undefined;
          subscriber.error(
            new StreamsError(`${ctx.nodeName}: ${cause?.message ?? String(err)}`, {
              nodeName: ctx.nodeName,
              cause: err,
            }),
          );
        };
        const tick = ctx.schedule(1, 'stream-time', (streamTimeMs) => {
          buffer.evictUntil(Math.min(streamTimeMs, observedMs), forward);
        });
        const subscription = source.subscribe({
          next(record) {
            try {
              observedMs = Math.max(observedMs, record.timestamp);
              const id = idOf(record.key);
              const due = dueAt(record);
              buffer.put(id, due, record, spec.sizeOf(record.key, record.value), forward);
              // An entry keeps its first due time when updated (see SuppressBuffer.put).
              if (store !== undefined && buffer.has(id)) {
                const dueMs = store.get(id)?.dueMs ?? due;
                const entry = encodeRecord(record, spec.keySerde, spec.valueSerde);
                store.put(id, { dueMs, record: entry });
              }
              buffer.evictUntil(Math.min(ctx.streamTimeMs, observedMs), forward);
            } catch (err) {
              fail(err);
            }
          },
          error: (err: unknown) => {
            subscriber.error(err);
          },
          complete: () => {
            subscriber.complete();
          },
        });
        return () => {
          tick.cancel();
          subscription.unsubscribe();
        };
      });
    return { kind: 'records', operator };
  };
}
