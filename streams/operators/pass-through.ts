import { identity, type MonoTypeOperatorFunction } from 'rxjs';

import type { StreamRecord } from '../runtime/stream-record.js';

/**
 * Passes every record on: the operator of merge nodes and branch children.
 *
 * @example
 * ```ts
 * merge(left$, right$).pipe(passThrough());
 * ```
 */
export function passThrough<K, V>(): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return identity;
}
