import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../../core/index.js';
import type { Serde, SerdeContext } from './serde.js';
import { serdeFailure } from './serde-error.js';
import { requireBytes, requireValue } from './strict-checks.js';

/** At most this many of ajv's errors are listed in a {@link SerdeError} message. */
const MAX_LISTED_SCHEMA_ERRORS = 10;

/** Strict UTF-8: JSON on the wire must be valid UTF-8 (RFC 8259 §8.1); a leading BOM is skipped. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Options of `Serdes.json()`.
 *
 * @example
 * ```ts
 * const options: JsonSerdeOptions = {
 *   schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
 * };
 * const orders = Serdes.json<Order>(options);
 * ```
 */
export interface JsonSerdeOptions {
  /**
   * A JSON Schema that every value must satisfy, checked on serialize and on deserialize. It is
   * compiled once, when the serde is made; a schema ajv rejects throws `ConfigError` then.
   */
  readonly schema?: SchemaObject;
  /**
   * The ajv instance to compile the schema with: share one to reuse compiled `$ref`s, or to
   * bring formats (`ajv-formats`) and options such as `allErrors`. Without it each serde makes
   * its own `new Ajv()`, which reports the first error only and knows no formats.
   */
  readonly ajv?: Pick<Ajv, 'compile'>;
}

function compile(options: JsonSerdeOptions | undefined): ValidateFunction | undefined {
  if (options?.schema === undefined) return undefined;
  const ajv = options.ajv ?? new Ajv();
  try {
    return ajv.compile(options.schema);
  } catch (err) {
    throw new ConfigError(
      `json serde: invalid JSON schema: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

function listErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const listed = (errors ?? [])
    .slice(0, MAX_LISTED_SCHEMA_ERRORS)
    .map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`);
  const more = (errors?.length ?? 0) - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function check(validate: ValidateFunction | undefined, value: unknown, ctx: SerdeContext): void {
  if (validate === undefined || validate(value)) return;
  throw serdeFailure('json', ctx, `schema violation: ${listErrors(validate.errors)}`);
}

function toJson(data: unknown, ctx: SerdeContext): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw serdeFailure('json', ctx, `value has no JSON form: ${why}`, err);
  }
  // JSON.stringify returns undefined for undefined, functions and symbols (typed as string).
  if ((text as string | undefined) === undefined) {
    throw serdeFailure('json', ctx, `value has no JSON form: ${typeof data}`);
  }
  return text;
}

function fromJson(bytes: Buffer, ctx: SerdeContext): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (err) {
    throw serdeFailure('json', ctx, 'invalid JSON: not valid UTF-8', err);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw serdeFailure('json', ctx, `invalid JSON (${bytes.length} bytes): ${why}`, err);
  }
}

/**
 * JSON as UTF-8 text (`JSON.stringify` / `JSON.parse`), optionally validated with ajv against a
 * JSON Schema on both sides. What serialize validates is the value as it will be read back (the
 * JSON text parsed again), so `toJSON`, dropped `undefined` fields and `NaN → null` are
 * accounted for; that costs one extra parse per serialize when a schema is set.
 *
 * Without a schema, `T` is a promise the bytes do not check. Like every strict serde it refuses
 * a `null` value and null bytes (`Serdes.nullable(Serdes.json())` maps `null` to a tombstone),
 * while the 4 bytes `null` still read back as `null` unless the schema forbids it.
 * Failures throw {@link SerdeError}: a value with no JSON form (a `bigint`, a cycle,
 * `undefined`), bytes that are not UTF-8 JSON, or a schema violation listing ajv's errors as
 * `<instancePath> <message>` (e.g. `/ must have required property 'id'`).
 *
 * @example
 * ```ts
 * interface Order { id: number; item: string }
 * const orders = Serdes.json<Order>({
 *   schema: {
 *     type: 'object',
 *     required: ['id', 'item'],
 *     properties: { id: { type: 'integer' }, item: { type: 'string' } },
 *   },
 * });
 * orders.serialize({ id: 1, item: 'tea' }, { topic: 'orders' }); // '{"id":1,"item":"tea"}'
 * ```
 */
export function jsonSerde<T>(options?: JsonSerdeOptions): Serde<T> {
  const validate = compile(options);
  return Object.freeze({
    name: 'json',
    serialize(data: T, ctx: SerdeContext): Buffer {
      requireValue('json', data, ctx);
      const text = toJson(data, ctx);
      if (validate !== undefined) check(validate, JSON.parse(text), ctx);
      return Buffer.from(text, 'utf8');
    },
    deserialize(data: Buffer | null, ctx: SerdeContext): T {
      const value = fromJson(requireBytes('json', data, ctx), ctx);
      check(validate, value, ctx);
      return value as T;
    },
  });
}
