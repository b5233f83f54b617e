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
  type CachingStoreBuilder,
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
export { LmdbKeyValueBytesStore } from './lmdb-key-value-store.js';
export { LmdbWindowBytesStore } from './lmdb-window-store.js';
export { LmdbDuplicatesWindowBytesStore } from './lmdb-duplicates-window-store.js';
export { duplicateSequencerOf, type DuplicateSequencer } from './duplicate-sequencer.js';
export { LmdbSessionBytesStore } from './lmdb-session-store.js';
export { openLmdbBytesDb } from './lmdb-bytes-db.js';
export type { OrderedBytesDb, BytesWrite } from './ordered-bytes-db.js';
export { PersistentTable, DEFAULT_MAX_PENDING_WRITES } from './persistent-table.js';
export {
  dslStoreSupplier,
  dslStoreTypeOf,
  DSL_STORE_VALUES,
  type DslStoreConfig,
  type DslStoreType,
} from './dsl-store-type.js';
export {
  isLockedHere,
  isProcessAlive,
  lockTaskDirectory,
  LOCK_FILE,
  TaskDirectoryLockedError,
  type TaskDirectoryLock,
} from './task-directory-lock.js';
export { DEFAULT_STATE_DIR, taskDirectory, storeDirectory } from './state-directory.js';
export {
  RecordCache,
  NamedCache,
  DEFAULT_CACHE_MAX_BYTES,
  CACHE_ENTRY_OVERHEAD_BYTES,
  type CacheFlushEntry,
  type RecordCacheStats,
} from './record-cache.js';
export {
  CachingKeyValueStore,
  type CacheFlushListener,
  type CacheFlushPrevious,
} from './caching-key-value-store.js';
export { CachingWindowStore, type WindowCacheFlushListener } from './caching-window-store.js';
export { CachingSessionStore, type SessionCacheFlushListener } from './caching-session-store.js';
export {
  isFlushReporting,
  type CachedRecordContext,
  type FlushListenerOptions,
  type FlushedUpdate,
  type FlushedUpdateListener,
  type FlushReporting,
} from './cache-flush.js';
