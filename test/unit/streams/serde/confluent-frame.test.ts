import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONFLUENT_HEADER_BYTES,
  SerdeError,
  decodeConfluentFrame,
  encodeConfluentFrame,
} from '../../../../streams/serde/index.js';
import { fcSeed } from '../../../helpers/fc-seed.js';

const seed = fcSeed('confluent frame');

describe('Confluent wire-format frame', () => {
  it('is magic byte 0, a 4-byte big-endian schema id, then the payload', () => {
    const frame = encodeConfluentFrame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect(frame).toEqual(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb]));
    expect(decodeConfluentFrame(frame)).toEqual({
      schemaId: 0x01020304,
      payload: Buffer.from([0xaa, 0xbb]),
    });
  });

  it('round-trips every schema id and payload', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fff_ffff }), fc.uint8Array(), (schemaId, bytes) => {
        const payload = Buffer.from(bytes);
        const frame = encodeConfluentFrame(schemaId, payload);
        expect(frame.length).toBe(CONFLUENT_HEADER_BYTES + payload.length);
        expect(decodeConfluentFrame(frame)).toEqual({ schemaId, payload });
      }),
      { seed, numRuns: 300 },
    );
  });

  it('decodes an empty payload', () => {
    expect(decodeConfluentFrame(Buffer.from([0, 0, 0, 0, 1])).payload.length).toBe(0);
  });

  it('hands out the payload as a view, not a copy', () => {
    const frame = Buffer.from([0, 0, 0, 0, 1, 5]);
    const { payload } = decodeConfluentFrame(frame);
    frame[5] = 6;
    expect(payload[0]).toBe(6);
  });

  it.each([0, 1, 4])('refuses a frame of %d bytes, shorter than the header', (length) => {
    expect(() => decodeConfluentFrame(Buffer.alloc(length), { topic: 'users' })).toThrow(
      `confluent-frame, topic 'users': frame of ${length} bytes is shorter than the 5-byte header`,
    );
  });

  it('refuses a magic byte other than 0', () => {
    expect(() => decodeConfluentFrame(Buffer.from([1, 0, 0, 0, 1, 9]))).toThrow(
      'confluent-frame: unknown magic byte 0x01; the Confluent wire format starts with 0x00',
    );
  });

  it('refuses a negative schema id either way', () => {
    expect(() => decodeConfluentFrame(Buffer.from([0, 0xff, 0xff, 0xff, 0xff]))).toThrow(
      SerdeError,
    );
    for (const id of [-1, 2 ** 31, 1.5]) {
      expect(() => encodeConfluentFrame(id, Buffer.alloc(0))).toThrow(SerdeError);
    }
  });
});
