/** In-memory typed stores for the window operators' unit tests. */
import { Serdes, type Serde } from '../../../../streams/index.js';
import { InMemorySessionBytesStore } from '../../../../streams/state/in-memory-session-store.js';
import { InMemoryWindowBytesStore } from '../../../../streams/state/in-memory-window-store.js';
import type { SessionStore, WindowStore } from '../../../../streams/state/state-store.js';
import { TypedSessionStore, TypedWindowStore } from '../../../../streams/state/typed-stores.js';
import {
  timestampedSerde,
  type Timestamped,
} from '../../../../streams/operators/windows/timestamped.js';

export function windowStore<V>(
  value: Serde<V>,
  windowSizeMs: number,
  retentionMs: number,
  retainDuplicates = false,
): WindowStore<string, V> {
  const bytes = new InMemoryWindowBytesStore('w', { windowSizeMs, retentionMs, retainDuplicates });
  return new TypedWindowStore(bytes, Serdes.string(), value, 'app-w-changelog');
}

export function aggregateStore(
  windowSizeMs: number,
  retentionMs: number,
): WindowStore<string, Timestamped<number>> {
  return windowStore(timestampedSerde(Serdes.int64()), windowSizeMs, retentionMs);
}

export function sessionStore(retentionMs: number): SessionStore<string, number> {
  const bytes = new InMemorySessionBytesStore('s', retentionMs);
  return new TypedSessionStore(bytes, Serdes.string(), Serdes.int64(), 'app-s-changelog');
}

export const count = {
  initializer: (): number => 0,
  aggregator: (_k: string, _v: unknown, agg: number): number => agg + 1,
};
