/**
 * The state layer: store interfaces, in-memory byte stores, the changelogging and typed layers,
 * and the builders a topology holds.
 */
export type { KeyValue } from './key-value.js';
export { StateStoreError, type StateStoreErrorOptions } from './state-store-error.js';
export type {
  StateStore,
  ReadOnlyKeyValueStore,
  KeyValueStore,
  ReadOnlyWindowStore,
  WindowStore,
  ReadOnlySessionStore,
  SessionStore,
  SessionKey,
  TimeWindow,
  Windowed,
  WindowValue,
} from './state-store.js';
export type {
  BuiltStore,
  ChangelogRecord,
  ChangelogWriter,
  StoreContext,
} from './store-context.js';
export {
  Stores,
  CHANGELOG_ADDITIONAL_RETENTION_MS,
  type StoreBuilder,
  type KeyValueBytesStoreSupplier,
  type WindowBytesStoreSupplier,
  type SessionBytesStoreSupplier,
  type WindowStoreOptions,
} from './stores.js';
export { InMemoryKeyValueBytesStore } from './in-memory-key-value-store.js';
export { InMemoryWindowBytesStore, type WindowStoreSpec } from './in-memory-window-store.js';
export { InMemorySessionBytesStore } from './in-memory-session-store.js';
export { TypedKeyValueStore, TypedWindowStore, TypedSessionStore } from './typed-stores.js';
export {
  ChangeLoggingKeyValueStore,
  ChangeLoggingWindowStore,
  ChangeLoggingSessionStore,
} from './changelogging-stores.js';
export {
  CompositeKeyValueView,
  CompositeWindowView,
  CompositeSessionView,
  type StoreInstances,
} from './composite-stores.js';
