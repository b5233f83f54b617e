/**
 * Per-version plans for the codec. A struct's fields are sorted once per version into those on
 * the wire, those in the tag buffer and those absent, so encoding and decoding a message walks a
 * flat list instead of re-checking version ranges for every field of every request.
 */
import { inVersions, type FieldNode, type StructNode, type TypeNode } from './schema.js';

/** Where a field is at one version. */
export const FieldMode = {
  /** Written in declaration order. */
  WIRE: 0,
  /** Written in the struct's tag buffer when it differs from its default. */
  TAGGED: 1,
  /** Not in this version: decoded as its default. */
  ABSENT: 2,
} as const;
export type FieldMode = (typeof FieldMode)[keyof typeof FieldMode];

/** One field of a struct at one version. */
export interface FieldStep {
  readonly field: FieldNode;
  readonly mode: FieldMode;
  /** Whether null is allowed at this version. */
  readonly nullable: boolean;
  /** For arrays: the fewest bytes one element takes, to bound counts read from the wire. */
  readonly minElementBytes: number;
}

/** A struct at one version. */
export interface StructPlan {
  /** Every field, in declaration order. */
  readonly steps: readonly FieldStep[];
  /** The tagged fields, by ascending tag (the order the tag buffer requires). */
  readonly tagged: readonly FieldStep[];
  readonly byTag: ReadonlyMap<number, FieldStep>;
  /** The fewest bytes an instance takes on the wire. */
  readonly minBytes: number;
}

const plans = new WeakMap<StructNode, Map<number, StructPlan>>();

/** The plan of `struct` at `version`, computed once and cached. */
export function structPlan(struct: StructNode, version: number, flexible: boolean): StructPlan {
  let byVersion = plans.get(struct);
  if (byVersion === undefined) {
    byVersion = new Map();
    plans.set(struct, byVersion);
  }
  const key = version * 2 + (flexible ? 1 : 0);
  let plan = byVersion.get(key);
  if (plan === undefined) {
    plan = buildPlan(struct, version, flexible);
    byVersion.set(key, plan);
  }
  return plan;
}

function buildPlan(struct: StructNode, version: number, flexible: boolean): StructPlan {
  const steps: FieldStep[] = [];
  let minBytes = flexible ? 1 : 0; // the tag buffer's count
  for (const field of struct.fields) {
    const present = inVersions(field.versions, version);
    const mode = !present
      ? FieldMode.ABSENT
      : flexible && inVersions(field.taggedVersions, version)
        ? FieldMode.TAGGED
        : FieldMode.WIRE;
    const type = field.type;
    const minElementBytes =
      type.kind === 'array' ? Math.max(1, minTypeBytes(type.element, version, flexible)) : 0;
    steps.push({
      field,
      mode,
      nullable: inVersions(field.nullableVersions, version),
      minElementBytes,
    });
    if (mode === FieldMode.WIRE) minBytes += minTypeBytes(type, version, flexible);
  }
  const tagged = steps
    .filter((s) => s.mode === FieldMode.TAGGED)
    .sort((a, b) => a.field.tag - b.field.tag);
  const byTag = new Map(tagged.map((s) => [s.field.tag, s]));
  return { steps, tagged, byTag, minBytes };
}

function minTypeBytes(type: TypeNode, version: number, flexible: boolean): number {
  switch (type.kind) {
    case 'array':
      return flexible ? 1 : 4;
    case 'struct':
      return structPlan(type.struct, version, flexible).minBytes;
    case 'scalar':
      switch (type.scalar) {
        case 'int8':
        case 'bool':
          return 1;
        case 'int16':
        case 'uint16':
          return 2;
        case 'int32':
          return 4;
        case 'int64':
        case 'float64':
          return 8;
        case 'uuid':
          return 16;
        case 'string':
          return flexible ? 1 : 2;
        case 'bytes':
        case 'records':
          return flexible ? 1 : 4;
      }
  }
}

/** Kafka's zero UUID in its string form. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY = Buffer.alloc(0);

/**
 * The value of `field` when it is absent: its declared default, else Kafka's implicit one (0,
 * false, '', an empty array or buffer, the zero UUID, a struct of defaults). Arrays and structs
 * are fresh objects, so callers may keep them.
 */
export function defaultValue(field: FieldNode): unknown {
  const d = field.default;
  const type = field.type;
  switch (type.kind) {
    case 'array':
      return d === null ? null : [];
    case 'struct':
      return defaultStruct(type.struct);
    case 'scalar':
      if (d !== undefined) {
        return d === null || (type.scalar !== 'bytes' && type.scalar !== 'records') ? d : EMPTY;
      }
      switch (type.scalar) {
        case 'bool':
          return false;
        case 'string':
          return '';
        case 'uuid':
          return ZERO_UUID;
        case 'bytes':
        case 'records':
          return EMPTY;
        default:
          return 0;
      }
  }
}

/** A struct whose every field has its default value. */
export function defaultStruct(struct: StructNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of struct.fields) out[f.name] = defaultValue(f);
  return out;
}

/** Whether `value` equals the default of `field`; `undefined` counts as the default. */
export function isDefaultValue(field: FieldNode, value: unknown): boolean {
  if (value === undefined) return true;
  const d = field.default;
  const type = field.type;
  switch (type.kind) {
    case 'array':
      return d === null ? value === null : Array.isArray(value) && value.length === 0;
    case 'struct':
      return (
        typeof value === 'object' &&
        value !== null &&
        type.struct.fields.every((f) =>
          isDefaultValue(f, (value as Record<string, unknown>)[f.name]),
        )
      );
    case 'scalar':
      if (type.scalar === 'bytes' || type.scalar === 'records') {
        return d === null ? value === null : value !== null && byteLengthOf(value) === 0;
      }
      return value === defaultValue(field);
  }
}

/** The length of a bytes or records value (a Buffer or a list of them); -1 for anything else. */
export function byteLengthOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (!Array.isArray(value)) return -1;
  let n = 0;
  for (const chunk of value as unknown[]) {
    if (!(chunk instanceof Uint8Array)) return -1;
    n += chunk.length;
  }
  return n;
}
