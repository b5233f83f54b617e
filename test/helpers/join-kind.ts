import type { JoinWindows, KStream, StreamJoinOptions } from '../../streams/index.js';

/** The DSL method of a stream–stream join. */
export type JoinKind = 'join' | 'leftJoin' | 'outerJoin';

/** `left.<kind>(right, …)`: one call for the three joins a test runs alike. */
export function joinByKind<K, L, R, VR>(
  kind: JoinKind,
  left: KStream<K, L>,
  right: KStream<K, R>,
  joiner: (l: L | null, r: R | null, key: K) => VR,
  windows: JoinWindows,
  options: StreamJoinOptions<K, L, R>,
): KStream<K, VR> {
  if (kind === 'join') return left.join(right, joiner, windows, options);
  if (kind === 'leftJoin') return left.leftJoin(right, joiner, windows, options);
  return left.outerJoin(right, joiner, windows, options);
}
