/**
 * `[key, value]` pairs; defined in the state layer (stores yield them too) and re-exported here.
 */
export type { KeyValue } from '../state/key-value.js';
