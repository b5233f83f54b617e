/**
 * What the persistent (LMDB) byte stores share: a {@link PersistentTable} over the store's
 * files, written out and synced on flush, closed with the store, cleared by `wipe` (a store
 * whose checkpoint is missing restores from the changelog's start).
 */
import type { OrderedBytesDb } from './ordered-bytes-db.js';
import { PersistentTable } from './persistent-table.js';
import { StoreLifecycle } from './store-lifecycle.js';

/**
 * Base of the persistent byte stores; a subclass that derives state from its entries (stream
 * time...) resets it in `afterWipe`.
 *
 * @example
 * ```ts
 * class LmdbThing extends PersistentStore { get(k: Buffer) { return this.table.get(k); } }
 * ```
 */
export abstract class PersistentStore extends StoreLifecycle {
  readonly persistent = true;
  protected readonly table: PersistentTable;

  constructor(name: string, db: OrderedBytesDb, maxPendingWrites?: number) {
    super(name);
    this.table = new PersistentTable(db, maxPendingWrites);
  }

  /** Writes the buffered writes out and waits for the disk. */
  override flush(): void {
    this.assertOpen();
    this.table.flush();
  }

  /** Deletes every entry (a store without a valid checkpoint is restored from scratch). */
  wipe(): void {
    this.assertOpen();
    this.table.clear();
    this.afterWipe();
  }

  override close(): void {
    if (!this.isOpen) return;
    super.close();
    this.table.close();
  }

  /** Resets what the subclass derived from its entries. */
  protected afterWipe(): void {
    // nothing by default
  }
}
