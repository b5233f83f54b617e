/**
 * How a window store that retains duplicates and numbers them itself (the persistent one)
 * tells the changelog layer each entry's number, and takes it back on restore: the changelog
 * key's sequence number is then the store's, so a replayed changelog record rewrites its entry
 * instead of adding it again.
 */

/**
 * A window byte store that numbers its duplicates itself, so that its changelog and restore
 * use the same numbers (see `LmdbDuplicatesWindowBytesStore`).
 *
 * @example
 * ```ts
 * const seq = duplicateSequencerOf(bytes)?.lastDuplicateSeq;
 * ```
 */
export interface DuplicateSequencer {
  /** The sequence number of the last value put (-1 before the first). */
  readonly lastDuplicateSeq: number;
  /** Puts `value` under sequence number `seq` (restoring a changelog record: idempotent). */
  putDuplicate(key: Buffer, value: Buffer, windowStartMs: number, seq: number): void;
}

/** The store as a {@link DuplicateSequencer}, when it is one. */
export function duplicateSequencerOf(store: object): DuplicateSequencer | undefined {
  return 'putDuplicate' in store && 'lastDuplicateSeq' in store
    ? (store as DuplicateSequencer)
    : undefined;
}
