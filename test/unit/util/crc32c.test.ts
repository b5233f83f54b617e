import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../core/util/crc32c.js';

/** Bit-at-a-time CRC-32C straight from the definition, as a reference. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('gives the Castagnoli check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('gives 0 for no bytes', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('matches the bitwise definition, as an unsigned 32-bit value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const crc = crc32c(data);
        expect(crc).toBe(referenceCrc32c(data));
        expect(crc).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('continues a running checksum across chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        const whole = Buffer.concat([a, b]);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(whole));
      }),
    );
  });

  it('checksums a view, not its whole backing buffer', () => {
    const backing = Buffer.from('xx123456789yy');
    expect(crc32c(backing.subarray(2, 11))).toBe(0xe3069283);
  });
});
