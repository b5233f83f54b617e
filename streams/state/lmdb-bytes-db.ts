/**
 * The adapter of the embedded engine, LMDB through the `lmdb` package: the only file of the state
 * layer that touches it (and the file system). LMDB was picked over better-sqlite3 by
 * `npm run bench:state-engines` (see docs/streams-state.md for the figures): faster point reads
 * and scans for this workload, and it ships prebuilt binaries as npm packages, so installing
 * fjord never compiles a database.
 *
 * Writes are synchronous transactions: the store above batches them, so a transaction carries
 * many puts. A durable write waits for the disk (before a checkpoint names its changelog
 * offset); the others leave syncing to the next durable one, which LMDB orders after them.
 */
import { mkdirSync } from 'node:fs';

import { open, TransactionFlags, type RootDatabase } from 'lmdb';

import type { BytesWrite, OrderedBytesDb } from './ordered-bytes-db.js';
import { StateStoreError } from './state-store-error.js';

/** Commit before returning, and wait for the disk. */
const DURABLE = TransactionFlags.SYNCHRONOUS_COMMIT;
/** Commit before returning; the next durable commit syncs it. */
const NOT_DURABLE = (TransactionFlags.SYNCHRONOUS_COMMIT |
  TransactionFlags.NO_SYNC_FLUSH) as TransactionFlags;

/** LMDB maps the file into memory up to this size; it grows in steps past it. */
const INITIAL_MAP_BYTES = 64 * 2 ** 20;

class LmdbBytesDb implements OrderedBytesDb {
  constructor(
    private readonly db: RootDatabase<Buffer, Buffer>,
    private readonly store: string,
    private readonly path: string,
  ) {}

  get(key: Buffer): Buffer | undefined {
    return this.db.getBinary(key);
  }

  *range(
    from: Buffer | undefined,
    to: Buffer | undefined,
    options: { readonly reverse?: boolean; readonly limit?: number } = {},
  ): IterableIterator<readonly [Buffer, Buffer]> {
    const reverse = options.reverse ?? false;
    // lmdb's reverse ranges run from `start` down to `end`.
    const range = this.db.getRange({
      ...(reverse
        ? {
            ...(to === undefined ? {} : { start: to, exclusiveStart: true }),
            ...(from === undefined ? {} : { end: from, inclusiveEnd: true }),
          }
        : {
            ...(from === undefined ? {} : { start: from }),
            ...(to === undefined ? {} : { end: to }),
          }),
      reverse,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    for (const { key, value } of range) yield [key, value];
  }

  write(batch: Iterable<BytesWrite>, durable: boolean): void {
    try {
      this.writeBatch(batch, durable);
    } catch (err) {
      throw new StateStoreError(`store ${this.store}: writing to ${this.path} failed`, {
        store: this.store,
        cause: err,
      });
    }
  }

  private writeBatch(batch: Iterable<BytesWrite>, durable: boolean): void {
    const db = this.db;
    db.transactionSync(
      () => {
        for (const [k, v] of batch) {
          if (v === null) db.removeSync(k);
          else db.putSync(k, v);
        }
      },
      durable ? DURABLE : NOT_DURABLE,
    );
  }

  count(): number {
    return this.db.getCount();
  }

  clear(): void {
    this.db.clearSync();
  }

  close(): void {
    void this.db.close();
  }
}

/**
 * Opens (creating it) the LMDB environment in directory `path`.
 *
 * @example
 * ```ts
 * const db = openLmdbBytesDb(join(taskDir, 'counts'));
 * ```
 */
export function openLmdbBytesDb(path: string, store: string): OrderedBytesDb {
  try {
    mkdirSync(path, { recursive: true });
    const db = open<Buffer, Buffer>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      mapSize: INITIAL_MAP_BYTES,
    });
    return new LmdbBytesDb(db, store, path);
  } catch (err) {
    throw new StateStoreError(`store ${store}: cannot open ${path}`, { store, cause: err });
  }
}
