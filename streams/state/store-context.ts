/**
 * What a runner (StreamsApp, TestDriver) hands a store builder when a task creates its stores,
 * and what it gets back: the store and the entry points restoration and checkpoints use. The
 * state layer knows nothing of tasks or producers: the runner supplies the changelog writer.
 */
import type { Logger } from '../../core/index.js';
import type { Serde } from '../serde/index.js';

import type { DslStoreType } from './dsl-store-type.js';
import type { RecordCache } from './record-cache.js';
import type { StateStore } from './state-store.js';

/**
 * Writes one change of a store to its changelog partition (the task's partition); the runner
 * adds the timestamp (the input record's) and sends it through the task's record collector, so
 * an offset commit, which flushes the collector first, never gets ahead of the changelog.
 *
 * @example
 * ```ts
 * const writer: ChangelogWriter = { write: (key, value) => sent.push([key, value]) };
 * ```
 */
export interface ChangelogWriter {
  write(key: Buffer, value: Buffer | null): void;
}

/**
 * A changelog record being restored: the serialized store key and value (null = deleted).
 *
 * @example
 * ```ts
 * built.restore([{ key: Buffer.from('k'), value: null }]);
 * ```
 */
export interface ChangelogRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/**
 * Where and for whom a store is built.
 *
 * @example
 * ```ts
 * const ctx: StoreContext = { applicationId: 'app', partition: 0, taskName: '0_0', changelogTopic: 'app-counts-changelog', changelog: writer };
 * ```
 */
export interface StoreContext {
  readonly applicationId: string;
  /** The task's name (`<subtopology>_<partition>`) and partition. */
  readonly taskName: string;
  readonly partition: number;
  /** The full changelog topic name (serdes see it as their topic). */
  readonly changelogTopic: string;
  /** Undefined when logging is disabled for the store. */
  readonly changelog: ChangelogWriter | undefined;
  /** Serdes the builder falls back to (`default.key.serde` / `default.value.serde`). */
  readonly defaultKeySerde?: Serde<unknown> | undefined;
  readonly defaultValueSerde?: Serde<unknown> | undefined;
  /** `state.dir`: where persistent stores keep their files. */
  readonly stateDir?: string | undefined;
  /**
   * The app's `default.dsl.store`: where a DSL store that neither its operator nor its builder
   * placed keeps its bytes. Undefined: in memory.
   */
  readonly defaultDslStore?: DslStoreType | undefined;
  /**
   * Called before a store opens files in the task's directory: the runner takes the
   * directory's lock there, and throws when another owner holds it. Undefined: no lock.
   */
  readonly claimTaskDirectory?: (() => void) | undefined;
  /**
   * The app's record cache (`statestore.cache.max.bytes` > 0); stores built with caching enabled
   * keep their writes there between commits. Undefined: no store is cached.
   */
  readonly cache?: RecordCache | undefined;
  /**
   * Runs a flush of this task's cached stores as the task's own work: a flush forwards results
   * downstream, on commit or when another task's write evicts an entry, and the task must accept
   * the records that reach its sinks then. Undefined: run it as is.
   */
  readonly cacheFlushScope?: ((flush: () => void) => void) | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * A store as a task holds it: the store processors see, plus restoration and checkpoints.
 *
 * @example
 * ```ts
 * const built = builder.build(ctx);
 * built.restore(records); // before the task processes
 * const store = built.store;
 * ```
 */
export interface BuiltStore<S extends StateStore = StateStore> {
  readonly store: S;
  /** Applies changelog records to the byte store underneath, without logging them again. */
  restore(records: readonly ChangelogRecord[]): void;
  /**
   * The changelog offset the local data already covers (a persistent store's checkpoint): the
   * restore starts there. Undefined: restore from the beginning.
   */
  checkpointOffset(): number | undefined;
  /** Records that the local data covers the changelog up to `offset` (exclusive). */
  checkpoint(offset: number): void;
  /**
   * Deletes a persistent store's local data, which is then restored from the changelog's start
   * (its checkpoint is missing or unreadable, so nothing says what the data covers).
   */
  wipe(): void;
}
