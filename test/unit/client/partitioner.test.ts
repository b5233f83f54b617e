import { Partitioners } from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { Partitioner } from '../../../core/client/producer/partitioner.js';
import type { PartitionLeaders } from '../../../core/client/producer/partitioner.js';
import { seededRandom, testSeed } from '../../helpers/seeded-random.js';

function leaders(count: number, leaderOf: (p: number) => number = () => 1): PartitionLeaders {
  return Array.from({ length: count }, (_, partition) => ({
    partition,
    leader: leaderOf(partition),
  }));
}

function kafkajsMetadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

function randomKeys(random: () => number, n: number): Buffer[] {
  return Array.from({ length: n }, () => {
    const length = Math.floor(random() * 48);
    const key = Buffer.alloc(length);
    for (let i = 0; i < length; i++) key[i] = Math.floor(random() * 256);
    return key;
  });
}

describe('Partitioner', () => {
  it('places 10,000 random keys where kafkajs DefaultPartitioner does, for 1..64 partitions', () => {
    const random = seededRandom(testSeed('partitioner keys'));
    const keys = randomKeys(random, 10_000);
    keys.push(Buffer.from(''), Buffer.from('foobar'), Buffer.from('ünïcödé key'));
    const ours = new Partitioner(16_384, random);
    const kafkajs = Partitioners.DefaultPartitioner();
    for (let count = 1; count <= 64; count++) {
      const partitions = leaders(count);
      const partitionMetadata = kafkajsMetadata(count);
      const mismatches = keys.filter(
        (key) =>
          ours.partition('t', partitions, key, 10) !==
          kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }),
      );
      expect(mismatches, `${count} partitions`).toEqual([]);
    }
  });

  it('hashes string keys as their UTF-8 bytes, as kafkajs does', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const partitionMetadata = kafkajsMetadata(12);
    const ours = new Partitioner(16_384);
    for (const key of ['user-42', 'ключ', '🔑', 'a'.repeat(300)]) {
      expect(ours.partition('t', leaders(12), Buffer.from(key, 'utf8'), 10)).toBe(
        kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }),
      );
    }
  });

  it('sticks null-key records to one partition until batch.size bytes went to it', () => {
    const picks = [0.1, 0.6, 0.9];
    const partitioner = new Partitioner(1000, () => picks.shift() ?? 0);
    const partitions = leaders(4);
    const chosen: number[] = [];
    // 10 records of 100 bytes fill the first partition's 1000 bytes; the 11th moves on.
    for (let i = 0; i < 25; i++) chosen.push(partitioner.partition('t', partitions, null, 100));
    expect(chosen.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(chosen.slice(10, 20)).toEqual(Array(10).fill(2));
    expect(chosen.slice(20)).toEqual(Array(5).fill(3));
  });

  it('keeps a sticky partition per topic', () => {
    const picks = [0.0, 0.99];
    const partitioner = new Partitioner(1000, () => picks.shift() ?? 0.5);
    expect(partitioner.partition('a', leaders(8), null, 10)).toBe(0);
    expect(partitioner.partition('b', leaders(8), null, 10)).toBe(7);
    expect(partitioner.partition('a', leaders(8), null, 10)).toBe(0);
  });

  it('picks sticky partitions only among those with a leader, and may pick the same again', () => {
    const random = seededRandom(7);
    const partitioner = new Partitioner(100, random);
    const partitions = leaders(6, (p) => (p % 2 === 0 ? -1 : 1));
    const seen = new Set<number>();
    let repeats = 0;
    let previous = -1;
    for (let i = 0; i < 400; i++) {
      const p = partitioner.partition('t', partitions, null, 100);
      seen.add(p);
      if (p === previous) repeats++;
      previous = p;
    }
    expect([...seen].sort()).toEqual([1, 3, 5]);
    expect(repeats).toBeGreaterThan(0);
  });

  it('falls back to any partition when none has a leader', () => {
    const partitioner = new Partitioner(100, () => 0.5);
    expect(
      partitioner.partition(
        't',
        leaders(4, () => -1),
        null,
        10,
      ),
    ).toBe(2);
  });

  it('spreads null keys uniformly over many switches', () => {
    const partitioner = new Partitioner(1, seededRandom(11));
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const p = partitioner.partition('t', leaders(5), null, 1);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
  });
});
