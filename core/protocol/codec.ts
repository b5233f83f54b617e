/**
 * The one generic encoder and decoder for every message schema at every version.
 *
 * Encodings (kafka-protocol.md §2.3):
 * ```
 *                 classic                         flexible (compact)
 * string          int16 len, -1 = null            uvarint len+1, 0 = null
 * bytes/records   int32 len, -1 = null            uvarint len+1, 0 = null
 * array           int32 count, -1 = null          uvarint count+1, 0 = null
 * struct          fields                          fields, then a tag buffer:
 *                                                 uvarint n, n × (uvarint tag, uvarint size, bytes)
 * ```
 * Decoding yields plain objects with every field of the schema: fields absent at the version, or
 * tagged fields not sent, hold their defaults. Unknown tags are skipped. Encoding takes `undefined`
 * as the default, writes tagged fields only when they differ from their default, and refuses a
 * non-default value for a field the version lacks unless the field is ignorable (Apache's rule).
 */
import { ErrorCode } from '../util/error-codes.js';
import { ProtocolError } from '../util/errors.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import {
  FieldMode,
  defaultValue,
  isDefaultValue,
  byteLengthOf,
  structPlan,
  type FieldStep,
} from './plan.js';
import {
  inVersions,
  isFlexible,
  type FieldNode,
  type MessageSchema,
  type StructNode,
  type TypeNode,
} from './schema.js';

const MAX_STRING_BYTES = 0x7fff;
const UUID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

interface Context {
  readonly version: number;
  readonly flexible: boolean;
  readonly message: string;
}

function checkVersion(schema: MessageSchema<unknown>, version: number): Context {
  if (!Number.isInteger(version) || !inVersions(schema.versions, version)) {
    throw new ProtocolError(
      `${schema.name} v${version} is not supported (${schema.versions.min}-${schema.versions.max})`,
      ErrorCode.UNSUPPORTED_VERSION,
    );
  }
  return { version, flexible: isFlexible(schema, version), message: schema.name };
}

/**
 * Decodes one message body at `version` from `reader`, leaving the reader after it. Throws
 * `DecodeError` (from the reader, with the reader's error code) for malformed bytes and
 * {@link ProtocolError} with `UNSUPPORTED_VERSION` for a version outside the schema.
 *
 * @example
 * ```ts
 * const reader = new ByteReader(body);
 * const req = decodeMessage(produceRequestSchema, 7, reader);
 * for (const topic of req.topicData) console.log(topic.name, topic.partitionData.length);
 * ```
 */
export function decodeMessage<T>(schema: MessageSchema<T>, version: number, reader: ByteReader): T {
  const ctx = checkVersion(schema, version);
  // The schema's phantom type is the contract: the decoded object has exactly its fields.
  return readStruct(reader, schema.root, ctx) as T;
}

/**
 * Encodes one message body at `version` into `writer`. Fields left `undefined` take their
 * defaults. Throws {@link ProtocolError} for a value the version cannot carry.
 *
 * @example
 * ```ts
 * const writer = new ByteWriter();
 * encodeMessage(heartbeatResponseSchema, 4, { throttleTimeMs: 0, errorCode: 0 }, writer);
 * const body = writer.finish();
 * ```
 */
export function encodeMessage<T>(
  schema: MessageSchema<T>,
  version: number,
  value: T,
  writer: ByteWriter,
): void {
  const ctx = checkVersion(schema, version);
  writeStruct(writer, schema.root, asRecord(value, schema.name), ctx);
}

function readStruct(r: ByteReader, struct: StructNode, ctx: Context): Record<string, unknown> {
  const plan = structPlan(struct, ctx.version, ctx.flexible);
  const out: Record<string, unknown> = {};
  for (const step of plan.steps) {
    out[step.field.name] =
      step.mode === FieldMode.WIRE
        ? readValue(r, step.field.type, step.nullable, step, ctx)
        : defaultValue(step.field);
  }
  if (!ctx.flexible) return out;
  const count = r.readUVarint();
  for (let i = 0; i < count; i++) {
    const tag = r.readUVarint();
    const size = r.readUVarint();
    r.need(size, 'tagged field');
    const step = plan.byTag.get(tag);
    if (step === undefined) {
      r.skip(size);
      continue;
    }
    const end = r.pos + size;
    out[step.field.name] = readValue(r, step.field.type, step.nullable, step, ctx);
    if (r.pos !== end) throw r.fail(`tagged field ${step.field.name} is not ${size} bytes long`);
  }
  return out;
}

function readValue(
  r: ByteReader,
  type: TypeNode,
  nullable: boolean,
  step: FieldStep,
  ctx: Context,
): unknown {
  switch (type.kind) {
    case 'struct':
      return readStruct(r, type.struct, ctx);
    case 'array': {
      const count = ctx.flexible ? r.readUVarint() - 1 : r.readInt32();
      if (count < 0) return nullOrFail(r, count, nullable, step);
      if (count * step.minElementBytes > r.remaining) {
        throw r.fail(`${step.field.name}: ${count} elements cannot fit in ${r.remaining} bytes`);
      }
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(readValue(r, type.element, false, step, ctx));
      return out;
    }
    case 'scalar':
      switch (type.scalar) {
        case 'int8':
          return r.readInt8();
        case 'int16':
          return r.readInt16();
        case 'int32':
          return r.readInt32();
        case 'int64':
          return r.readInt64Number();
        case 'uint16':
          return r.readUInt16();
        case 'float64':
          return r.readFloat64();
        case 'bool':
          return r.readInt8() !== 0;
        case 'uuid':
          return r.readBytes(16).toString('base64url');
        case 'string': {
          const n = ctx.flexible ? r.readUVarint() - 1 : r.readInt16();
          if (n < 0) return nullOrFail(r, n, nullable, step);
          if (n > MAX_STRING_BYTES) throw r.fail(`${step.field.name}: string of ${n} bytes`);
          return r.readUtf8(n);
        }
        case 'bytes':
        case 'records': {
          const n = ctx.flexible ? r.readUVarint() - 1 : r.readInt32();
          if (n < 0) return nullOrFail(r, n, nullable, step);
          return r.readBytes(n);
        }
      }
  }
}

function nullOrFail(r: ByteReader, length: number, nullable: boolean, step: FieldStep): null {
  if (length === -1 && nullable) return null;
  throw r.fail(
    length === -1
      ? `${step.field.name}: null for a non-nullable field`
      : `${step.field.name}: negative length ${length}`,
  );
}

function writeStruct(
  w: ByteWriter,
  struct: StructNode,
  value: Readonly<Record<string, unknown>>,
  ctx: Context,
): void {
  const plan = structPlan(struct, ctx.version, ctx.flexible);
  for (const step of plan.steps) {
    const field = step.field;
    const v = value[field.name];
    if (step.mode === FieldMode.WIRE) {
      writeValue(
        w,
        field.type,
        v === undefined ? defaultValue(field) : v,
        step.nullable,
        step,
        ctx,
      );
    } else if (step.mode === FieldMode.ABSENT && !field.ignorable && !isDefaultValue(field, v)) {
      throw new ProtocolError(
        `${ctx.message} v${ctx.version} has no field ${field.name}; it must be left at its default`,
        ErrorCode.UNSUPPORTED_VERSION,
      );
    }
  }
  if (!ctx.flexible) return;
  if (plan.tagged.length === 0) {
    w.writeUInt8(0);
    return;
  }
  writeTagBuffer(w, plan.tagged, value, ctx);
}

function writeTagBuffer(
  w: ByteWriter,
  tagged: readonly FieldStep[],
  value: Readonly<Record<string, unknown>>,
  ctx: Context,
): void {
  let count = 0;
  for (const step of tagged) if (!isDefaultValue(step.field, value[step.field.name])) count++;
  w.writeUVarint(count);
  for (const step of tagged) {
    const v = value[step.field.name];
    if (isDefaultValue(step.field, v)) continue;
    // A tagged field is preceded by its size, so it is written aside first; tagged fields are
    // small and rare, unlike the records that make a message large.
    const aside = new ByteWriter(64);
    writeValue(aside, step.field.type, v, step.nullable, step, ctx);
    w.writeUVarint(step.field.tag).writeUVarint(aside.pos).writeBytes(aside.finish());
  }
}

function writeValue(
  w: ByteWriter,
  type: TypeNode,
  v: unknown,
  nullable: boolean,
  step: FieldStep,
  ctx: Context,
): void {
  const field = step.field;
  if (v === null) {
    // defineMessage lets only strings, bytes, records and arrays be nullable.
    if (!nullable) throw encodeError(ctx, field, 'null for a non-nullable field');
    writeLength(w, type, -1, ctx);
    return;
  }
  switch (type.kind) {
    case 'struct':
      writeStruct(w, type.struct, asRecord(v, field.name), ctx);
      return;
    case 'array': {
      if (!Array.isArray(v)) throw encodeError(ctx, field, 'expected an array');
      writeLength(w, type, v.length, ctx);
      for (const element of v as unknown[]) writeValue(w, type.element, element, false, step, ctx);
      return;
    }
    case 'scalar':
      writeScalar(w, type, v, field, ctx);
  }
}

function writeLength(w: ByteWriter, type: TypeNode, n: number, ctx: Context): void {
  if (ctx.flexible) {
    w.writeUVarint(n + 1);
  } else if (type.kind === 'scalar' && type.scalar === 'string') {
    w.writeInt16(n);
  } else {
    w.writeInt32(n);
  }
}

function writeScalar(
  w: ByteWriter,
  type: TypeNode & { kind: 'scalar' },
  v: unknown,
  field: FieldNode,
  ctx: Context,
): void {
  switch (type.scalar) {
    case 'bool':
      if (typeof v !== 'boolean') throw encodeError(ctx, field, 'expected a boolean');
      w.writeInt8(v ? 1 : 0);
      return;
    case 'string': {
      if (typeof v !== 'string') throw encodeError(ctx, field, 'expected a string');
      const n = Buffer.byteLength(v, 'utf8');
      if (n > MAX_STRING_BYTES) throw encodeError(ctx, field, `string of ${n} bytes`);
      writeLength(w, type, n, ctx);
      w.writeUtf8(v, n);
      return;
    }
    case 'bytes':
    case 'records': {
      const n = byteLengthOf(v);
      if (n < 0) throw encodeError(ctx, field, 'expected a Buffer or a list of Buffers');
      writeLength(w, type, n, ctx);
      if (v instanceof Uint8Array) w.writeBytes(v);
      else for (const chunk of v as readonly Uint8Array[]) w.writeBytes(chunk);
      return;
    }
    case 'uuid': {
      if (typeof v !== 'string' || !UUID_PATTERN.test(v)) {
        throw encodeError(ctx, field, 'expected a 22-character base64url UUID');
      }
      w.writeBytes(Buffer.from(v, 'base64url'));
      return;
    }
    case 'int8':
      w.writeInt8(checkInt(v, -0x80, 0x7f, field, ctx));
      return;
    case 'int16':
      w.writeInt16(checkInt(v, -0x8000, 0x7fff, field, ctx));
      return;
    case 'uint16':
      w.writeUInt16(checkInt(v, 0, 0xffff, field, ctx));
      return;
    case 'int32':
      w.writeInt32(checkInt(v, -0x8000_0000, 0x7fff_ffff, field, ctx));
      return;
    case 'int64':
      w.writeInt64(checkInt(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, field, ctx));
      return;
    case 'float64':
      if (typeof v !== 'number') throw encodeError(ctx, field, 'expected a number');
      w.writeFloat64(v);
      return;
  }
}

function checkInt(v: unknown, min: number, max: number, field: FieldNode, ctx: Context): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw encodeError(ctx, field, `${String(v)} is not an integer in [${min}, ${max}]`);
  }
  return v;
}

function asRecord(v: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ProtocolError(`${what}: expected an object`, ErrorCode.INVALID_REQUEST);
  }
  return v as Readonly<Record<string, unknown>>;
}

function encodeError(ctx: Context, field: FieldNode, problem: string): ProtocolError {
  return new ProtocolError(
    `cannot encode ${ctx.message} v${ctx.version} field ${field.name}: ${problem}`,
    ErrorCode.INVALID_REQUEST,
  );
}
