/**
 * The lifecycle of stores: the open/closed state of byte stores, and its forwarding through the
 * layers above them. The open/closed state every store layer shares: a closed store throws on any use, so a
 * processor that keeps a store past its task's close fails loudly instead of writing nowhere.
 */
import type { StateStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';

/**
 * Base of the in-memory stores: name, open flag, the check.
 *
 * @example
 * ```ts
 * class MyStore extends StoreLifecycle { get(k: string) { this.assertOpen(); return undefined; } }
 * ```
 */
export abstract class StoreLifecycle {
  private open = true;

  constructor(readonly name: string) {}

  get isOpen(): boolean {
    return this.open;
  }

  flush(): void {
    this.assertOpen();
  }

  close(): void {
    this.open = false;
  }

  protected assertOpen(): void {
    if (!this.open) throw new StateStoreError(`store ${this.name} is closed`, { store: this.name });
  }
}

/**
 * Base of a layer over another store (changelogging, typed): the lifecycle is the inner store's.
 *
 * @example
 * ```ts
 * class Metered extends ForwardingStore<KeyValueStore<Buffer, Buffer>> {}
 * ```
 */
export abstract class ForwardingStore<S extends StateStore> {
  constructor(protected readonly inner: S) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }
}
