/**
 * `KStream.join` / `leftJoin` take a stream (with join windows), a table, or a global table
 * (with a key selector); this picks the join by its arguments, so `KStream` stays small.
 */
import { globalTableJoinNode } from '../operators/joins/global-table-join.js';
import { JoinWindows } from '../operators/windows/join-windows.js';

import { GlobalKTable } from './global-ktable.js';
import type { Named } from './options.js';
import { windowedJoin, type StreamHandle, type StreamJoinOptions } from './stream-join.js';
import { known, type StreamState } from './stream-state.js';
import { streamTableJoin, type TableHandle, type TableJoinOptions } from './stream-table-join.js';

type Joiner = (value: unknown, other: unknown, key: unknown) => unknown;

/**
 * Adds the join `KStream.join(other, a, b, c)` (`kind` inner or left) asks for; returns the
 * joined stream's state.
 * @internal
 */
export function joinOf<K, V>(
  stream: StreamHandle<K, V>,
  kind: 'inner' | 'left',
  other: unknown,
  a: unknown,
  b: unknown,
  c: unknown,
): StreamState<K, unknown> {
  const s = stream as StreamHandle<unknown, unknown>;
  if (other instanceof GlobalKTable) {
    const { ctx, state } = stream.internals;
    const options = (c ?? {}) as Named;
    const name = options.name ?? ctx.newName('KSTREAM-JOIN-');
    ctx.topology.addNode({
      kind: 'processor',
      name,
      parents: [state.node],
      stores: [],
      create: globalTableJoinNode({
        table: other.storeName,
        kind,
        keySelector: a as (key: unknown, value: unknown) => unknown,
        joiner: b as Joiner,
      }),
    });
    const next = { ...state, node: name, valueSerde: undefined, inherited: known(state) };
    return next;
  }
  if (b instanceof JoinWindows) {
    const options = (c ?? {}) as StreamJoinOptions<unknown, unknown, unknown>;
    const joined = windowedJoin(
      s,
      other as StreamHandle<unknown, unknown>,
      kind,
      a as Joiner,
      b,
      options,
    );
    return joined as StreamState<K, unknown>;
  }
  const options = (b ?? {}) as TableJoinOptions<unknown, unknown>;
  const joined = streamTableJoin(
    s,
    other as TableHandle<unknown, unknown>,
    kind,
    a as Joiner,
    options,
  );
  return joined as StreamState<K, unknown>;
}
