/**
 * The error of the state layer: a store used after close, a store a processor did not declare,
 * a corrupt changelog record, a store that cannot open its files.
 */
import { ErrorCode, FjordError } from '../../core/index.js';

/**
 * Options of a {@link StateStoreError}.
 *
 * @example
 * ```ts
 * throw new StateStoreError('store counts is closed', { store: 'counts' });
 * ```
 */
export interface StateStoreErrorOptions {
  /** The store concerned. */
  readonly store?: string;
  readonly cause?: unknown;
}

/**
 * A state store failed or was misused.
 *
 * @example
 * ```ts
 * try { store.get('k'); } catch (err) { if (err instanceof StateStoreError) console.log(err.store); }
 * ```
 */
export class StateStoreError extends FjordError {
  /** The store concerned, when known. */
  readonly store: string | undefined;

  constructor(message: string, options: StateStoreErrorOptions = {}) {
    super(
      message,
      ErrorCode.UNKNOWN_SERVER_ERROR,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.store = options.store;
  }
}
