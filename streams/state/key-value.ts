/**
 * The pair type shared by stores and operators (operators re-export it): `[key, value]`.
 */

/**
 * A key and a value, as `map` and `flatMap` mappers return them and store iterators yield them:
 * `[key, value]`.
 *
 * @example
 * ```ts
 * const pair: KeyValue<string, number> = ['user-1', 42];
 * ```
 */
export type KeyValue<K, V> = readonly [key: K, value: V];
