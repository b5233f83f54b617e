/**
 * KStream–KStream windowed joins in the DSL (`join`, `leftJoin`, `outerJoin` with
 * {@link JoinWindows}): both inputs are repartitioned when their keys changed (so equal keys
 * meet in one task), each side's records are kept in a window store
 * (`<node>-store`, changelogged to `<application.id>-<node>-store-changelog`), and the two side
 * nodes feed one merge node, the joined stream. Both sides run in one task per partition, so
 * their topics must have equal partition counts (co-partitioning, checked by the runners).
 */
import { Serdes, type Serde } from '../serde/index.js';
import { dslStoreSupplier, Stores, type DslStoreType } from '../state/index.js';
import { jsonEnvelopeSerde } from '../operators/windows/buffer-record-serde.js';
import type { JoinWindows } from '../operators/windows/join-windows.js';
import {
  streamJoinNodes,
  type UnmatchedEntry,
} from '../operators/windows/stream-stream-join-node.js';
import type { JoinKind } from '../operators/windows/stream-stream-joiner.js';
import { droppedRecordsOf } from '../runtime/dropped-records.js';

import type { BuilderContext } from './builder-context.js';
import { keyIdentity, lateRecordRoute } from './late-records-sink.js';
import type { Named, ToOptions } from './options.js';
import { addMergeNode } from './merge-node.js';
import { known, type StreamState } from './stream-state.js';

/**
 * What the DSL's operations outside `KStream` need of a stream (structural, so these files do
 * not import `KStream`, which imports them).
 * @internal
 */
export interface StreamHandle<K, V> {
  readonly internals: { readonly ctx: BuilderContext; readonly state: StreamState<K, V> };
  repartitionIfRequired(prefix: string, options?: ToOptions<K, V>): StreamHandle<K, V>;
}

/**
 * Serdes, names and late records of a stream–stream join (Kafka Streams' `StreamJoined`).
 * With a `name`, the nodes are `<name>-join-this` / `-join-other` / `-merge` and the stores
 * `<name>-join-this-store` / `<name>-join-other-store`, so the changelogs keep their names when
 * the topology changes elsewhere.
 *
 * @example
 * ```ts
 * orders.join(payments, (o, p) => ({ ...o, paid: p.amount }), JoinWindows.ofTimeDifferenceAndGrace(60_000, 5_000), {
 *   name: 'order-payments', key: Serdes.string(), leftValue: orderSerde, rightValue: paymentSerde, lateRecordsTopic: 'late-payments',
 * });
 * ```
 */
export interface StreamJoinOptions<K, V1, V2> extends Named {
  readonly key?: Serde<K>;
  readonly leftValue?: Serde<V1>;
  readonly rightValue?: Serde<V2>;
  /** Where records arriving after their join window closed are written (they are counted anyway). */
  readonly lateRecordsTopic?: string;
  /** How long the stores keep records; at least the window's span plus grace. */
  readonly retentionMs?: number;
  /**
   * Where the join's buffers (and the unmatched records of left and outer joins) keep their
   * bytes (Kafka's `StreamJoined.withDslStoreSuppliers`); default the builder's
   * `default.dsl.store`, else the app's.
   */
  readonly storeType?: DslStoreType;
}

/**
 * Adds a windowed join of `left` and `right`; returns the joined stream's state.
 * @internal
 */
export function windowedJoin<K, V1, V2, VR>(
  left: StreamHandle<K, V1>,
  right: StreamHandle<K, V2>,
  kind: JoinKind,
  joiner: (l: V1 | null, r: V2 | null, key: K) => VR,
  windows: JoinWindows,
  options: StreamJoinOptions<K, V1, V2>,
): StreamState<K, VR> {
  const { ctx } = left.internals;
  if (options.name === undefined)
    ctx.warn(
      'a stream-stream join is unnamed: its stores and internal topics get generated names, ' +
        'which change when the topology changes (and the state is then lost); give it a name',
    );
  const names = {
    this:
      options.name === undefined ? ctx.newName('KSTREAM-JOINTHIS-') : `${options.name}-join-this`,
    other:
      options.name === undefined ? ctx.newName('KSTREAM-JOINOTHER-') : `${options.name}-join-other`,
    merge: options.name === undefined ? ctx.newName('KSTREAM-MERGE-') : `${options.name}-merge`,
  };
  const l = left.repartitionIfRequired(
    `${names.this}-left`,
    options.key === undefined ? {} : { key: options.key },
  );
  const r = right.repartitionIfRequired(
    `${names.other}-right`,
    options.key === undefined ? {} : { key: options.key },
  );
  const ls = l.internals.state;
  const rs = r.internals.state;
  const keySerde = options.key ?? ls.keySerde ?? rs.keySerde;
  const stores = { left: `${names.this}-store`, right: `${names.other}-store` };
  const retentionMs = Math.max(options.retentionMs ?? 0, windows.minimumRetentionMs + 1);
  const spec = { windowSizeMs: Math.max(1, windows.sizeMs), retentionMs, retainDuplicates: true };
  const t = ctx.topology;
  const storeType = options.storeType ?? ctx.defaultDslStore;
  const buffer = (name: string) =>
    dslStoreSupplier(
      storeType,
      Stores.inMemoryWindowStore(name, spec),
      Stores.persistentWindowStore(name, spec),
    );
  t.addStateStore(
    Stores.windowStoreBuilder(buffer(stores.left), keySerde, options.leftValue ?? ls.valueSerde),
  );
  t.addStateStore(
    Stores.windowStoreBuilder(buffer(stores.right), keySerde, options.rightValue ?? rs.valueSerde),
  );
  // Left and outer joins hold unmatched records back: in a store, so a moved task keeps them.
  const shared = kind === 'inner' ? undefined : `${names.this}-shared-store`;
  if (shared !== undefined)
    t.addStateStore(
      Stores.keyValueStoreBuilder(
        dslStoreSupplier(
          storeType,
          Stores.inMemoryKeyValueStore(shared),
          Stores.persistentKeyValueStore(shared),
        ),
        Serdes.string(),
        jsonEnvelopeSerde<UnmatchedEntry>('join-unmatched'),
      ),
    );
  const late = {
    left: { counter: droppedRecordsOf(t), sink: undefined as string | undefined },
    right: { counter: droppedRecordsOf(t), sink: undefined as string | undefined },
  };
  const factories = streamJoinNodes({
    windows,
    kind,
    leftStore: stores.left,
    rightStore: stores.right,
    joiner,
    keyId: keyIdentity(keySerde),
    late,
    ...(shared === undefined ? {} : { sharedStore: shared }),
    serdes: {
      key: keySerde,
      left: options.leftValue ?? ls.valueSerde,
      right: options.rightValue ?? rs.valueSerde,
    },
  });
  const storeNames = [stores.left, stores.right, ...(shared === undefined ? [] : [shared])];
  t.addNode({
    kind: 'processor',
    name: names.this,
    parents: [ls.node],
    stores: storeNames,
    create: factories.left,
  });
  t.addNode({
    kind: 'processor',
    name: names.other,
    parents: [rs.node],
    stores: storeNames,
    create: factories.right,
  });
  for (const [side, node, state, value] of [
    ['left', names.this, ls, options.leftValue ?? ls.valueSerde],
    ['right', names.other, rs, options.rightValue ?? rs.valueSerde],
  ] as const) {
    late[side].sink = lateRecordRoute(ctx, droppedRecordsOf(t), {
      node,
      topic: options.lateRecordsTopic,
      keySerde,
      valueSerde: value,
      inherited: known(state),
    }).sink;
  }
  addMergeNode(ctx, names.merge, [names.this, names.other]);
  return {
    node: names.merge,
    keySerde,
    valueSerde: undefined,
    inherited: known(ls),
    repartitionRequired: false,
  };
}
