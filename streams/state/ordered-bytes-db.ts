/**
 * What a persistent store needs of its embedded engine: an ordered map of bytes on disk with
 * batched writes. Keeping the engine behind this interface keeps it in one thin adapter
 * (lmdb-bytes-db.ts), so the stores above are tested against the same contract and the engine
 * could be swapped without touching them.
 */

/**
 * One write of a batch: a key and its value, `null` deleting it.
 *
 * @example
 * ```ts
 * const w: BytesWrite = [Buffer.from('k'), null];
 * ```
 */
export type BytesWrite = readonly [key: Buffer, value: Buffer | null];

/**
 * An ordered key-value map of bytes on disk (keys compared as unsigned bytes).
 *
 * @example
 * ```ts
 * const db = openLmdbBytesDb('/tmp/fjord-streams/app/0_0/counts');
 * db.write([[Buffer.from('a'), Buffer.from([1])]], true);
 * db.get(Buffer.from('a')); // <Buffer 01>
 * ```
 */
export interface OrderedBytesDb {
  get(key: Buffer): Buffer | undefined;
  /**
   * Entries with `from` ≤ key < `to` (either bound undefined: open), ascending, or descending
   * with `reverse`. Reads see every write made before the call.
   */
  range(
    from: Buffer | undefined,
    to: Buffer | undefined,
    options?: { readonly reverse?: boolean; readonly limit?: number },
  ): IterableIterator<readonly [Buffer, Buffer]>;
  /** Applies the writes in one transaction; with `durable`, returns once they are on disk. */
  write(batch: Iterable<BytesWrite>, durable: boolean): void;
  /** The number of entries. */
  count(): number;
  /** Deletes every entry (a wiped store, restored from scratch). */
  clear(): void;
  close(): void;
}
