import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../core/protocol/byte-writer.js';
import { decodeRequest, decodeResponse, RequestDecodeError } from '../../../core/protocol/frame.js';
import { ApiKey, apis } from '../../../core/protocol/messages/index.js';
import { ErrorCode } from '../../../core/util/error-codes.js';
import { ProtocolError } from '../../../core/util/errors.js';
import { fcSeed } from '../../helpers/fc-seed.js';
import { loadRequestFixtures, readFixtureFrame } from '../../helpers/request-fixtures.js';

const seed = fcSeed('protocol malformed input');
const fixtures = loadRequestFixtures();
const frames = fixtures.map((f) => readFixtureFrame(f).subarray(4));
/** One frame per client, API and version: the truncation test need not repeat itself. */
const distinctFrames = [
  ...new Map(
    fixtures.map((f, i) => [`${f.client} ${f.apiKey} ${f.apiVersion}`, frames[i]!]),
  ).values(),
];

/** Decodes `frame`; returns the error, failing the test if it is anything but a ProtocolError. */
function decodeOrError(frame: Buffer): RequestDecodeError | undefined {
  try {
    decodeRequest(frame);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(RequestDecodeError);
    expect(err).toBeInstanceOf(ProtocolError);
    return err as RequestDecodeError;
  }
}

/** A request header (v1, or v2 when `flexible`) followed by `body`. */
function request(apiKey: number, apiVersion: number, flexible: boolean, body: number[]): Buffer {
  const w = new ByteWriter();
  w.writeInt16(apiKey).writeInt16(apiVersion).writeInt32(42).writeInt16(1).writeUInt8(0x63);
  if (flexible) w.writeUInt8(0);
  for (const b of body) w.writeUInt8(b);
  return Buffer.from(w.finish());
}

const int32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const int16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];

describe('malformed requests fail with a ProtocolError, nothing else', () => {
  it('rejects every truncation of the captured frames as INVALID_REQUEST', () => {
    let checked = 0;
    for (const frame of distinctFrames) {
      for (let n = 0; n < frame.length; n++) {
        const err = decodeOrError(frame.subarray(0, n));
        expect(err?.code).toBe(ErrorCode.INVALID_REQUEST);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4_000);
  });

  it('rejects trailing bytes after the body', () => {
    const [first] = frames;
    const err = decodeOrError(Buffer.concat([first!, Buffer.from([0])]));
    expect(err?.code).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('survives random byte flips in captured frames', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (index, flips) => {
          const frame = Buffer.from(frames[index]!);
          for (const [at, byte] of flips) frame[at % frame.length] = byte;
          decodeOrError(frame);
        },
      ),
      { seed, numRuns: 3000 },
    );
  });

  it('survives random bodies behind a valid header for every API and version', () => {
    const keys = Object.values(apis).map((e) => ({ ...e }));
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.nat(),
        fc.boolean(),
        fc.uint8Array({ maxLength: 64 }),
        (entry, v, flexibleHeader, body) => {
          const version = entry.minVersion + (v % (entry.maxVersion - entry.minVersion + 1));
          decodeOrError(request(entry.apiKey, version, flexibleHeader, [...body]));
        },
      ),
      { seed, numRuns: 5000 },
    );
  });

  it('answers an unknown API key or version with UNSUPPORTED_VERSION and the request ids', () => {
    for (const [key, version] of [
      [99, 0],
      [ApiKey.PRODUCE, 8],
      [ApiKey.FETCH, 3],
      [ApiKey.API_VERSIONS, 4],
      [ApiKey.METADATA, -1],
    ] as const) {
      const err = decodeOrError(request(key, version, false, []));
      expect(err?.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(err?.request).toEqual({ apiKey: key, apiVersion: version, correlationId: 42 });
    }
  });

  it('rejects a frame too short for the request ids, with no ids to answer', () => {
    const err = decodeOrError(Buffer.from([0, 18, 0, 3, 0, 0]));
    expect(err?.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(err?.request).toBeUndefined();
  });

  it.each([
    [
      'a classic array of 2^31-1 elements',
      ApiKey.METADATA,
      4,
      false,
      int32(0x7fffffff),
      'cannot fit',
    ],
    ['a classic array of -2 elements', ApiKey.METADATA, 4, false, int32(-2), 'negative length -2'],
    ['a null array where v0 allows none', ApiKey.METADATA, 0, false, int32(-1), 'non-nullable'],
    [
      'a compact array of 2^32-2 elements',
      ApiKey.METADATA,
      9,
      true,
      [0xff, 0xff, 0xff, 0xff, 0x0f],
      'cannot fit',
    ],
    [
      'a varint longer than 5 bytes',
      ApiKey.METADATA,
      9,
      true,
      [0xff, 0xff, 0xff, 0xff, 0xff, 1],
      'longer than 5',
    ],
    ['a string of -2 bytes', ApiKey.HEARTBEAT, 3, false, int16(-2), 'negative length -2'],
    [
      'a string longer than the frame',
      ApiKey.HEARTBEAT,
      3,
      false,
      int16(0x7fff),
      'needs 32767 bytes',
    ],
    ['a null non-nullable string', ApiKey.HEARTBEAT, 3, false, int16(-1), 'non-nullable'],
    [
      'a compact string over 32767 bytes',
      ApiKey.HEARTBEAT,
      4,
      true,
      [0x81, 0x80, 0x02],
      'string of 32768',
    ],
    [
      'bytes of 2^31-1 length',
      ApiKey.SYNC_GROUP,
      3,
      false,
      // groupId 'g', generation 1, memberId 'm', no instance id, one assignment for 'm'
      [
        ...int16(1),
        0x67,
        ...int32(1),
        ...int16(1),
        0x6d,
        ...int16(-1),
        ...int32(1),
        ...int16(1),
        0x6d,
      ].concat(int32(0x7fffffff)),
      'bytes: needs 2147483647',
    ],
    [
      'a tagged field larger than the frame',
      ApiKey.API_VERSIONS,
      3,
      true,
      [1, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f],
      'tagged field: needs',
    ],
  ] as const)('rejects %s as INVALID_REQUEST', (_what, key, version, flexible, body, reason) => {
    const err = decodeOrError(request(key, version, flexible, [...body]));
    expect(err?.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(err?.message).toContain(reason);
  });

  it('rejects a client id of -2 bytes as INVALID_REQUEST', () => {
    const err = decodeOrError(Buffer.from([0, ApiKey.LIST_GROUPS, 0, 0, 0, 0, 0, 1, 0xff, 0xfe]));
    expect(err?.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(err?.message).toContain('client id length -2');
  });

  it('skips unknown tagged fields in flexible bodies and headers', () => {
    // ApiVersions v3 body: two compact strings, then a tag buffer holding unknown tag 7.
    const body = [2, 0x61, 2, 0x62, 1, 7, 2, 0xaa, 0xbb];
    const frame = request(ApiKey.API_VERSIONS, 3, false, []);
    const withHeaderTag = Buffer.concat([frame, Buffer.from([1, 9, 1, 0xcc]), Buffer.from(body)]);
    const req = decodeRequest(withHeaderTag);
    expect(req.body).toEqual({ clientSoftwareName: 'a', clientSoftwareVersion: 'b' });
  });

  it('wraps malformed responses in a ProtocolError too', () => {
    expect(() => decodeResponse(ApiKey.METADATA, 4, Buffer.from([0, 0, 0, 1, 0x7f]))).toThrow(
      ProtocolError,
    );
  });
});
