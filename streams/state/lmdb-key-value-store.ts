/**
 * The persistent key-value byte store: a {@link PersistentTable} over LMDB in the store's
 * directory. Its data survives the process, so a task that starts again restores only the
 * changelog past its checkpoint. LMDB bounds keys to 1,978 bytes: a longer serialized key makes
 * the write fail with a StateStoreError.
 */
import type { KeyValue } from './key-value.js';
import type { KeyValueStore } from './state-store.js';
import { PersistentStore } from './persistent-store.js';

/**
 * The table key of a store key: one 0 byte, then the key. LMDB refuses empty keys, which
 * serdes do produce (an empty string); the prefix keeps the byte order.
 */
function tableKey(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = 0;
  key.copy(out, 1);
  return out;
}

/** The smallest table key after every key starting with `key` (an exclusive bound). */
function after(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + 2);
  key.copy(out, 1);
  return out;
}

/**
 * A key-value store of bytes on disk, ordered by key bytes.
 *
 * @example
 * ```ts
 * const store = new LmdbKeyValueBytesStore('counts', openLmdbBytesDb(dir, 'counts'));
 * store.put(Buffer.from('a'), Buffer.from([1]));
 * store.flush(); // durable
 * ```
 */
export class LmdbKeyValueBytesStore
  extends PersistentStore
  implements KeyValueStore<Buffer, Buffer>
{
  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.table.get(tableKey(key));
  }

  put(key: Buffer, value: Buffer | null): void {
    this.assertOpen();
    this.table.put(tableKey(key), value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  delete(key: Buffer): Buffer | undefined {
    const old = this.get(key);
    if (old !== undefined) this.put(key, null);
    return old;
  }

  *range(
    from: Buffer | undefined,
    to: Buffer | undefined,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.assertOpen();
    // A snapshot: writes during the iteration (the caller's) do not disturb it.
    const entries = [
      ...this.table.range(
        from === undefined ? undefined : tableKey(from),
        to === undefined ? undefined : after(to),
      ),
    ];
    for (const [k, v] of entries) yield [k.subarray(1), v];
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.range(undefined, undefined);
  }

  approximateNumEntries(): number {
    this.assertOpen();
    return this.table.count();
  }
}
