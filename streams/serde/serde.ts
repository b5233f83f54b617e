/**
 * The serde contract of fjord's streams: how keys and values become record bytes and back.
 *
 * Null handling: the built-in serdes are strict. `deserialize(null)` throws a
 * {@link SerdeError} (null bytes are a tombstone or a missing key, and a serde that did not
 * declare them would otherwise hand `null` to code typed for `T`), and `serialize` never returns
 * `null`. Wrap a serde with `Serdes.nullable(...)` to map `null` values to null bytes and back.
 *
 * @module
 */
/**
 * Where the bytes come from or go to. Serdes use it for error messages and may read the headers
 * (a schema-registry serde, for example, could carry a schema id there).
 *
 * @example
 * ```ts
 * const ctx: SerdeContext = { topic: 'orders', headers: { 'content-type': 'application/json' } };
 * Serdes.json<Order>().serialize(order, ctx);
 * ```
 */
export interface SerdeContext {
  /** The topic the record is read from or written to. */
  readonly topic: string;
  /** The record's headers, when the caller has them. */
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

/**
 * Turns a value into record bytes. Implementations throw {@link SerdeError} when the value cannot
 * be encoded; `null` means "no bytes" (a tombstone value or an absent key) and only
 * `Serdes.nullable(...)` returns it among the built-in serdes.
 *
 * @example
 * ```ts
 * const upper: Serializer<string> = {
 *   serialize: (data) => Buffer.from(data.toUpperCase(), 'utf8'),
 * };
 * upper.serialize('abc', { topic: 't' }); // <Buffer 41 42 43>
 * ```
 */
export interface Serializer<T> {
  /** Encodes `data` for `ctx.topic`; throws {@link SerdeError} when it cannot. */
  serialize(data: T, ctx: SerdeContext): Buffer | null;
}

/**
 * Turns record bytes back into a value. Implementations throw {@link SerdeError} when the bytes
 * do not decode; the built-in deserializers throw on `null` unless wrapped in
 * `Serdes.nullable(...)`.
 *
 * @example
 * ```ts
 * const count: Deserializer<number> = Serdes.int32();
 * count.deserialize(Buffer.from([0, 0, 0, 7]), { topic: 'counts' }); // 7
 * ```
 */
export interface Deserializer<T> {
  /** Decodes bytes read from `ctx.topic`; throws {@link SerdeError} when they do not decode. */
  deserialize(data: Buffer | null, ctx: SerdeContext): T;
}

/**
 * A serializer and deserializer pair for one type, with a name used in errors and in topology
 * descriptions (`'string'`, `'json'`, `'nullable(int32)'`, ...).
 *
 * @example
 * ```ts
 * const serde: Serde<string> = Serdes.string();
 * const bytes = serde.serialize('hello', { topic: 'greetings' });
 * serde.deserialize(bytes, { topic: 'greetings' }); // 'hello'
 * ```
 */
export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** A short name for errors and descriptions, e.g. `'string'` or `'json'`. */
  readonly name: string;
}
