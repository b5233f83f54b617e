import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../core/protocol/byte-reader.js';
import { decodeRequest, encodeRequest } from '../../../core/protocol/frame.js';
import { ApiKey, apiEntry, isSupported } from '../../../core/protocol/messages/index.js';
import { FieldMode, isDefaultValue, structPlan } from '../../../core/protocol/plan.js';
import { isFlexible, type StructNode, type TypeNode } from '../../../core/protocol/schema.js';
import {
  loadRequestFixtures,
  readFixtureFrame,
  type RequestFixture,
} from '../../helpers/request-fixtures.js';

const fixtures = loadRequestFixtures();

/** The frame without its size prefix, after checking the prefix. */
function frameBody(fixture: RequestFixture): Buffer {
  const bytes = readFixtureFrame(fixture);
  expect(bytes.length).toBe(fixture.bytes);
  expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
  return bytes.subarray(4);
}

/**
 * A decoded value in index.json's notation: int64 as decimal strings, bytes and records as
 * base64, UUIDs as hex; only the fields a client sends at the version (untagged ones, and
 * tagged ones that differ from their default).
 */
function fixtureForm(type: TypeNode, value: unknown, version: number, flexible: boolean): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case 'array':
      return (value as unknown[]).map((v) => fixtureForm(type.element, v, version, flexible));
    case 'struct':
      return structForm(type.struct, value as Record<string, unknown>, version, flexible);
    case 'scalar':
      switch (type.scalar) {
        case 'int64':
          return (value as number).toString();
        case 'bytes':
        case 'records':
          return (value as Buffer).toString('base64');
        case 'uuid':
          return Buffer.from(value as string, 'base64url').toString('hex');
        default:
          return value;
      }
  }
}

function structForm(
  struct: StructNode,
  value: Record<string, unknown>,
  version: number,
  flexible: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const step of structPlan(struct, version, flexible).steps) {
    const v = value[step.field.name];
    if (step.mode === FieldMode.ABSENT) continue;
    if (step.mode === FieldMode.TAGGED && isDefaultValue(step.field, v)) continue;
    out[step.field.name] = fixtureForm(step.field.type, v, version, flexible);
  }
  return out;
}

/** index.json's Kafka field names (`TopicData`) as fjord's camelCase (`topicData`). */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
  );
}

describe('request frames captured from kcat, kafkajs and platformatic', () => {
  it('covers all 176 frames, every one in the advertised matrix', () => {
    expect(fixtures).toHaveLength(176);
    for (const f of fixtures) expect(isSupported(f.apiKey, f.apiVersion), f.file).toBe(true);
  });

  describe.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, fixture) => {
    it('decodes the header and body that index.json records', () => {
      const { apiKey, header, body } = decodeRequest(frameBody(fixture));
      expect(apiKey).toBe(fixture.apiKey);
      expect(header).toEqual({
        apiKey: fixture.apiKey,
        apiVersion: fixture.apiVersion,
        correlationId: fixture.correlationId,
        clientId: fixture.clientId,
      });
      const entry = apiEntry(fixture.apiKey);
      expect(entry?.name).toBe(fixture.apiName);
      if (entry === undefined) return;
      const flexible = isFlexible(entry.request, fixture.apiVersion);
      expect(flexible).toBe(fixture.flexible);
      const form = structForm(
        entry.request.root,
        body as unknown as Record<string, unknown>,
        fixture.apiVersion,
        flexible,
      );
      expect(form).toEqual(camelKeys(fixture.body));
    });

    it('re-encodes to the identical bytes', () => {
      const { header, body } = decodeRequest(frameBody(fixture));
      const again = encodeRequest(header, body);
      expect(again.equals(readFixtureFrame(fixture))).toBe(true);
    });
  });

  it('hands produce records over as zero-copy views holding whole v2 batches', () => {
    const produces = fixtures.filter((f) => f.apiKey === ApiKey.PRODUCE);
    expect(produces.length).toBeGreaterThan(40);
    for (const fixture of produces) {
      const frame = frameBody(fixture);
      const req = decodeRequest(frame);
      if (req.apiKey !== ApiKey.PRODUCE) throw new Error('not a produce request');
      expect(req.body.acks).toBe(fixture.acks);
      const [topic] = req.body.topicData;
      expect(topic?.name).toBe('fx');
      const records = topic?.partitionData[0]?.records;
      expect(Buffer.isBuffer(records)).toBe(true);
      if (!records) continue;
      expect(records.buffer).toBe(frame.buffer);
      const stated = Buffer.from(
        (fixture.body.TopicData as { PartitionData: { Records: string }[] }[])[0]!.PartitionData[0]!
          .Records,
        'base64',
      );
      expect(records.length).toBe(stated.length);
      let batches = 0;
      for (let pos = 0; pos < records.length; batches++) {
        expect(records.readInt8(pos + 16)).toBe(2);
        pos += 12 + records.readInt32BE(pos + 8);
        expect(pos).toBeLessThanOrEqual(records.length);
      }
      expect(batches).toBe(fixture.batches?.length);
    }
  });

  it('reads metadata topic lists per client: named topics, never null', () => {
    const metadata = fixtures.filter((f) => f.apiKey === ApiKey.METADATA);
    for (const fixture of metadata) {
      const req = decodeRequest(frameBody(fixture));
      if (req.apiKey !== ApiKey.METADATA) throw new Error('not a metadata request');
      expect(req.body.topics?.map((t) => t.name)).toEqual(
        (fixture.body.Topics as { Name: string }[] | null)?.map((t) => t.Name),
      );
    }
  });

  it('reads the ApiVersions v3 client software fields in a flexible body', () => {
    const [kcat] = fixtures.filter((f) => f.client === 'kcat' && f.apiKey === ApiKey.API_VERSIONS);
    const frame = frameBody(kcat!);
    const req = decodeRequest(frame);
    expect(req.body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    // Header v2: the client id stays a classic int16 string, then the empty tag buffer.
    const reader = new ByteReader(frame, 8);
    expect(reader.readInt16()).toBe('rdkafka'.length);
    expect(frame[8 + 2 + 'rdkafka'.length]).toBe(0);
  });
});
