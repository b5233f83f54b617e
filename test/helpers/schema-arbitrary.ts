import fc from 'fast-check';
import { FieldMode, defaultValue, structPlan } from '../../core/protocol/plan.js';
import {
  isFlexible,
  type MessageSchema,
  type ScalarType,
  type StructNode,
  type TypeNode,
} from '../../core/protocol/schema.js';

/** Limits that keep generated messages small enough to run thousands of them. */
const MAX_ELEMENTS = 3;
const MAX_STRING_LENGTH = 12;
const MAX_BYTES = 24;

/**
 * Random messages of `schema` at `version`, in the form the decoder yields: fields the version
 * lacks hold their defaults, every other field (tagged ones included) any valid value.
 */
export function messageArbitrary<T>(schema: MessageSchema<T>, version: number): fc.Arbitrary<T> {
  // The generator follows the schema, which is what T describes.
  return structArbitrary(schema.root, version, isFlexible(schema, version)) as fc.Arbitrary<T>;
}

function structArbitrary(
  struct: StructNode,
  version: number,
  flexible: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const step of structPlan(struct, version, flexible).steps) {
    const field = step.field;
    if (step.mode === FieldMode.ABSENT) {
      fields[field.name] = fc.constant(null).map(() => defaultValue(field));
      continue;
    }
    const value = typeArbitrary(field.type, version, flexible);
    fields[field.name] = step.nullable ? fc.option(value, { nil: null }) : value;
  }
  return fc.record(fields);
}

function typeArbitrary(type: TypeNode, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'array':
      return fc.array(typeArbitrary(type.element, version, flexible), {
        maxLength: MAX_ELEMENTS,
      });
    case 'struct':
      return structArbitrary(type.struct, version, flexible);
    case 'scalar':
      return scalarArbitrary(type.scalar);
  }
}

function scalarArbitrary(scalar: ScalarType): fc.Arbitrary<unknown> {
  switch (scalar) {
    case 'int8':
      return fc.integer({ min: -0x80, max: 0x7f });
    case 'int16':
      return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer();
    case 'int64':
      return fc.oneof(fc.integer({ min: -2, max: 1000 }), fc.maxSafeInteger());
    case 'float64':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: MAX_STRING_LENGTH });
    case 'uuid':
      return fc
        .uint8Array({ minLength: 16, maxLength: 16 })
        .map((b) => Buffer.from(b).toString('base64url'));
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: MAX_BYTES }).map((b) => Buffer.from(b));
  }
}
