/**
 * The stateless operators of the DSL, one per file: RxJS operator functions over
 * {@link StreamRecord}s that run user functions per record through the processing error
 * handler of their node.
 */
export { branch, type BranchRoute } from './branch.js';
export { filter } from './filter.js';
export { filterNot } from './filter-not.js';
export { flatMap } from './flat-map.js';
export { flatMapValues } from './flat-map-values.js';
export { foreach } from './foreach.js';
export type { KeyValue } from './key-value.js';
export { map } from './map.js';
export { mapValues } from './map-values.js';
export { passThrough } from './pass-through.js';
export { peek } from './peek.js';
export { selectKey } from './select-key.js';
