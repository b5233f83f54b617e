import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../core/util/murmur2.js';

// apache/kafka UtilsTest.testMurmur2, via the protocol brief §6.1.
const GOLDEN: readonly (readonly [string, number])[] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
  ['', 275646681],
];

describe('murmur2', () => {
  it.each(GOLDEN)('hashes %j like the Java client', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it('always returns a signed int32', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        expect(murmur2(data) | 0).toBe(murmur2(data));
      }),
    );
  });

  it('places keys with toPositive(hash) % partitions, not Math.abs', () => {
    // "foobar" hashes negative: & 0x7fffffff and Math.abs disagree on it.
    const key = Buffer.from('foobar');
    expect(partitionForKey(key, 10)).toBe((-790332482 & 0x7fffffff) % 10);
    expect(partitionForKey(key, 10)).not.toBe(Math.abs(-790332482) % 10);
  });

  it('places every key inside the partition range', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.integer({ min: 1, max: 10_000 }), (key, n) => {
        const p = partitionForKey(key, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
      }),
    );
  });
});
