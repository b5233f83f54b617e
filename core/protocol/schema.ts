/**
 * A small type language for Kafka messages, shaped like Apache Kafka's message JSON specs
 * (`clients/src/main/resources/common/message/*.json`): every field names its type, the versions it
 * exists in, the versions it may be null in, an optional tag for flexible versions and a default.
 * Messages are declared as data with {@link defineMessage}; one generic codec (codec.ts) reads and
 * writes any of them at any version, so adding a version is an edit to data, not to code.
 *
 * Types, as Apache spells them:
 * ```
 * int8 int16 int32 int64 uint16 float64 bool string bytes records uuid
 * []<scalar>                an array of a scalar, e.g. []int32
 * <Struct> + fields         a struct (only as a tagged field here)
 * []<Struct> + fields       an array of structs
 * ```
 * Values in TypeScript: ints and int64 are numbers (int64 must be a safe integer), bool a boolean,
 * string a string, bytes and records a Buffer (a zero-copy view on decode), uuid Kafka's 22-char
 * base64url form, arrays plain arrays, structs plain objects with camelCase keys.
 */
import { assert } from '../util/assert.js';

/** Scalar wire types, named as in Apache Kafka's message specs. */
export type ScalarType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

/** A field's default value: a number, boolean, string, or `null` for nullable fields. */
export type DefaultValue = number | boolean | string | null;

/**
 * Record batch bytes for a `records` field. Decoding always yields one Buffer (a view into the
 * frame); encoding also takes a list of Buffers, written back to back without concatenating them
 * first, so a broker can hand over stored batches as they are.
 */
export type RecordData = Buffer | readonly Buffer[];

/** One field of a message or struct, as written in a message declaration. */
export interface FieldSpec {
  /** The camelCase property name on decoded objects. */
  readonly name: string;
  /** A scalar, `[]scalar`, or a struct name (`Foo` or `[]Foo`) together with `fields`. */
  readonly type: string;
  /** The versions the field exists in: `'3+'`, `'0-4'`, `'7'` or `'none'`. */
  readonly versions: string;
  /** The versions in which the field may be null (strings, bytes, records, arrays). */
  readonly nullableVersions?: string;
  /** The tag of a tagged field; tagged fields sit in the tag buffer at the end of their struct. */
  readonly tag?: number;
  /** The versions in which the field is tagged rather than positional. */
  readonly taggedVersions?: string;
  /** The value used when the field is absent; otherwise 0, false, '', empty, or the zero UUID. */
  readonly default?: DefaultValue;
  /** Whether a non-default value may be dropped silently when writing a version without it. */
  readonly ignorable?: boolean;
  /** The fields of a struct type. */
  readonly fields?: readonly FieldSpec[];
}

/**
 * A request or response declaration, as in an Apache `*Request.json` / `*Response.json`, or a
 * `data` record (the keys and values of `__consumer_offsets`), whose `apiKey` is -1.
 */
export interface MessageSpec {
  readonly name: string;
  readonly apiKey: number;
  readonly type: 'request' | 'response' | 'data';
  /** The versions this message is declared for; fields outside them are left out. */
  readonly validVersions: string;
  /** The versions using the compact encodings and tag buffers (`'none'` if never). */
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
}

/** An inclusive version range; `max` is `Infinity` for `'N+'` and `min > max` for `'none'`. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** A parsed field type. */
export type TypeNode =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType }
  | { readonly kind: 'array'; readonly element: TypeNode }
  | { readonly kind: 'struct'; readonly struct: StructNode };

/** A parsed field: its spec with ranges parsed and its type resolved. */
export interface FieldNode {
  readonly name: string;
  readonly type: TypeNode;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly taggedVersions: VersionRange;
  /** The tag, or -1 for a field that is never tagged. */
  readonly tag: number;
  readonly default: DefaultValue | undefined;
  readonly ignorable: boolean;
}

/** A parsed struct (the message body itself is the root struct). */
export interface StructNode {
  readonly name: string;
  readonly fields: readonly FieldNode[];
}

/** Type-level only: carries a schema's message type. There is no runtime value. */
export declare const messageType: unique symbol;

/**
 * A parsed message declaration. `T` is the TypeScript type of its decoded messages; it exists
 * only at the type level, so that `decodeMessage(schema, …)` returns a `T`.
 */
export interface MessageSchema<T> {
  readonly name: string;
  readonly apiKey: number;
  readonly type: 'request' | 'response' | 'data';
  readonly versions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly root: StructNode;
  readonly [messageType]?: T;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarType>([
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
]);
const NULLABLE_SCALARS: ReadonlySet<string> = new Set<ScalarType>(['string', 'bytes', 'records']);
const NO_VERSIONS: VersionRange = { min: 1, max: 0 };

/** Parses `'3+'`, `'0-4'`, `'7'` or `'none'`. */
export function parseVersions(text: string): VersionRange {
  if (text === 'none') return NO_VERSIONS;
  const m = /^(\d+)(?:(\+)|-(\d+))?$/.exec(text);
  assert(m !== null, `malformed version range '${text}'`);
  const min = Number(m[1]);
  const max = m[2] === '+' ? Infinity : m[3] === undefined ? min : Number(m[3]);
  assert(min <= max, `empty version range '${text}'`);
  return { min, max };
}

/** Whether `version` lies in `range`. */
export function inVersions(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

/** Whether `schema` uses the flexible (compact, tagged) encoding at `version`. */
export function isFlexible(schema: MessageSchema<unknown>, version: number): boolean {
  return inVersions(schema.flexibleVersions, version);
}

function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}

function parseType(spec: FieldSpec, where: string, flexible: VersionRange): TypeNode {
  const isArray = spec.type.startsWith('[]');
  const base = isArray ? spec.type.slice(2) : spec.type;
  let inner: TypeNode;
  if (isScalar(base)) {
    assert(spec.fields === undefined, `${where}: scalar type ${base} cannot have fields`);
    inner = { kind: 'scalar', scalar: base };
  } else {
    assert(spec.fields !== undefined, `${where}: unknown type ${spec.type}`);
    inner = { kind: 'struct', struct: parseStruct(base, spec.fields, where, flexible) };
  }
  return isArray ? { kind: 'array', element: inner } : inner;
}

function parseField(spec: FieldSpec, where: string, flexible: VersionRange): FieldNode {
  const path = `${where}.${spec.name}`;
  const type = parseType(spec, path, flexible);
  const nullableVersions =
    spec.nullableVersions === undefined ? NO_VERSIONS : parseVersions(spec.nullableVersions);
  if (spec.nullableVersions !== undefined) {
    assert(
      type.kind === 'array' || (type.kind === 'scalar' && NULLABLE_SCALARS.has(type.scalar)),
      `${path}: only strings, bytes, records and arrays can be nullable`,
    );
  }
  const tagged = spec.tag !== undefined;
  assert(tagged === (spec.taggedVersions !== undefined), `${path}: tag needs taggedVersions`);
  const taggedVersions =
    spec.taggedVersions === undefined ? NO_VERSIONS : parseVersions(spec.taggedVersions);
  assert(
    !tagged || (taggedVersions.min >= flexible.min && taggedVersions.max <= flexible.max),
    `${path}: tagged outside the flexible versions`,
  );
  return {
    name: spec.name,
    type,
    versions: parseVersions(spec.versions),
    nullableVersions,
    taggedVersions,
    tag: spec.tag ?? -1,
    default: spec.default,
    ignorable: spec.ignorable ?? false,
  };
}

function parseStruct(
  name: string,
  specs: readonly FieldSpec[],
  where: string,
  flexible: VersionRange,
): StructNode {
  const fields = specs.map((s) => parseField(s, where, flexible));
  const names = new Set(fields.map((f) => f.name));
  assert(names.size === fields.length, `${where}: duplicate field names`);
  const tags = fields.filter((f) => f.tag >= 0).map((f) => f.tag);
  assert(new Set(tags).size === tags.length, `${where}: duplicate tags`);
  return { name, fields };
}

/**
 * Parses and checks a message declaration once, at module load; a malformed declaration is a bug
 * in fjord and fails loudly there.
 *
 * @example
 * ```ts
 * export const heartbeatRequestSchema = defineMessage<HeartbeatRequest>({
 *   name: 'HeartbeatRequest', apiKey: 12, type: 'request',
 *   validVersions: '0-4', flexibleVersions: '4+',
 *   fields: [
 *     { name: 'groupId', type: 'string', versions: '0+' },
 *     { name: 'generationId', type: 'int32', versions: '0+' },
 *     { name: 'memberId', type: 'string', versions: '0+' },
 *     { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
 *   ],
 * });
 * ```
 */
export function defineMessage<T>(spec: MessageSpec): MessageSchema<T> {
  const versions = parseVersions(spec.validVersions);
  const flexibleVersions = parseVersions(spec.flexibleVersions);
  const root = parseStruct(spec.name, spec.fields, spec.name, flexibleVersions);
  return {
    name: spec.name,
    apiKey: spec.apiKey,
    type: spec.type,
    versions,
    flexibleVersions,
    root,
  };
}
