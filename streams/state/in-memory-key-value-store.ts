/**
 * The in-memory key-value byte store. Point reads and writes go to a Map keyed by the latin1
 * string of the key bytes (see store-keys.ts for why strings). Ordered reads use a sorted key
 * index maintained lazily: new keys collect in a side list and are merged in (sort the new
 * keys, one linear merge that also drops deleted keys) only when a range is asked for, so a
 * write-heavy aggregation never pays for ordering it does not use.
 */
import type { KeyValue } from './key-value.js';
import type { KeyValueStore } from './state-store.js';
import { StoreLifecycle } from './store-lifecycle.js';
import { fromLatin1, lowerBound, toLatin1 } from './store-keys.js';

/**
 * A key-value store of bytes in memory, ordered by key bytes.
 *
 * @example
 * ```ts
 * const store = new InMemoryKeyValueBytesStore('counts');
 * store.put(Buffer.from('a'), Buffer.from([1]));
 * [...store.all()]; // [[<Buffer 61>, <Buffer 01>]]
 * ```
 */
export class InMemoryKeyValueBytesStore
  extends StoreLifecycle
  implements KeyValueStore<Buffer, Buffer>
{
  readonly persistent = false;
  private readonly map = new Map<string, string>();
  /** Sorted keys; may still hold deleted keys (skipped, dropped at the next merge). */
  private sorted: string[] = [];
  /** Keys added since the last merge, unsorted; may repeat keys of `sorted`. */
  private added: string[] = [];
  private deletedSinceMerge = 0;

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    const v = this.map.get(toLatin1(key));
    return v === undefined ? undefined : fromLatin1(v);
  }

  put(key: Buffer, value: Buffer | null): void {
    this.assertOpen();
    const k = toLatin1(key);
    if (value === null) {
      if (this.map.delete(k)) this.deletedSinceMerge++;
      return;
    }
    if (!this.map.has(k)) this.added.push(k);
    this.map.set(k, toLatin1(value));
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

  range(
    from: Buffer | undefined,
    to: Buffer | undefined,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.assertOpen();
    return this.iterate(
      from === undefined ? undefined : toLatin1(from),
      to === undefined ? undefined : toLatin1(to),
    );
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.range(undefined, undefined);
  }

  approximateNumEntries(): number {
    this.assertOpen();
    return this.map.size;
  }

  override close(): void {
    super.close();
    this.map.clear();
    this.sorted = [];
    this.added = [];
  }

  private *iterate(
    from: string | undefined,
    to: string | undefined,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.merge();
    // A snapshot of the index: writes during the iteration do not disturb it; values are read
    // live, so a key deleted meanwhile is skipped.
    const keys = this.sorted;
    for (let i = from === undefined ? 0 : lowerBound(keys, from); i < keys.length; i++) {
      const k = keys[i];
      if (k === undefined) return;
      if (to !== undefined && k > to) return;
      const v = this.map.get(k);
      if (v !== undefined) yield [fromLatin1(k), fromLatin1(v)];
    }
  }

  /** Folds the added keys into the sorted index and drops deleted ones. */
  private merge(): void {
    if (this.added.length === 0 && this.deletedSinceMerge === 0) return;
    const added = this.added.sort();
    const old = this.sorted;
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < added.length) {
      const a = old[i];
      const b = added[j];
      let next: string;
      if (a !== undefined && (b === undefined || a <= b)) {
        next = a;
        i++;
      } else if (b !== undefined) {
        next = b;
        j++;
      } else break;
      if (next !== out[out.length - 1] && this.map.has(next)) out.push(next);
    }
    this.sorted = out;
    this.added = [];
    this.deletedSinceMerge = 0;
  }
}
