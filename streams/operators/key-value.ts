/**
 * A key and a value, as `map` and `flatMap` mappers return them: `[key, value]`.
 *
 * @example
 * ```ts
 * const pair: KeyValue<string, number> = ['user-1', 42];
 * ```
 */
export type KeyValue<K, V> = readonly [key: K, value: V];
