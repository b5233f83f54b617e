import { describe, expect, it } from 'vitest';

import {
  groupPartition,
  javaAbs,
  javaStringHashCode,
} from '../../../../core/broker/group/group-partition.js';

describe("Java's String.hashCode", () => {
  it('matches known vectors', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('ab')).toBe(3105);
    expect(javaStringHashCode('group')).toBe(98629247);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // Overflows wrap to a negative int, as in Java.
    expect(javaStringHashCode('my-consumer-group-7')).toBe(-1322913901);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes UTF-16 code units, so a character outside the BMP counts as two surrogates', () => {
    const emoji = '\u{1F600}';
    expect(emoji.length).toBe(2);
    const [hi, lo] = [emoji.charCodeAt(0), emoji.charCodeAt(1)];
    expect(javaStringHashCode(emoji)).toBe((Math.imul(31, hi) + lo) | 0);
    expect(javaStringHashCode('é')).toBe(233);
  });
});

describe('the __consumer_offsets partition of a group', () => {
  it("is Utils.abs(hashCode) % partitions, with Integer.MIN_VALUE's abs being 0", () => {
    expect(javaAbs(-5)).toBe(5);
    expect(javaAbs(-2147483648)).toBe(0);
    expect(groupPartition('group', 50)).toBe(98629247 % 50);
    expect(groupPartition('', 50)).toBe(0);
    expect(groupPartition('a', 50)).toBe(97 % 50);
    expect(groupPartition('polygenelubricants', 50)).toBe(0);
    // Negative hash: the absolute value decides, not Java's % on a negative number.
    const h = javaStringHashCode('my-consumer-group-7');
    expect(groupPartition('my-consumer-group-7', 50)).toBe(Math.abs(h) % 50);
  });

  it('always lands inside the topic', () => {
    for (let i = 0; i < 500; i++) {
      const p = groupPartition(`g-${i}-${'x'.repeat(i % 40)}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });
});
