import fc from 'fast-check';
import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../core/client/consumer-protocol.js';
import { DecodeError } from '../../../core/protocol/byte-reader.js';
import { fcSeed } from '../../helpers/fc-seed.js';

const topicName = fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/);
const topicPartitions = fc.array(
  fc.record({ topic: topicName, partitions: fc.array(fc.nat({ max: 1000 }), { maxLength: 8 }) }),
  { maxLength: 4 },
);
const userData = fc.option(
  fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
  {
    nil: null,
  },
);

describe('consumer protocol subscription', () => {
  it('round-trips every field of every version 0-3, dropping fields a version lacks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(topicName, { maxLength: 5 }),
        userData,
        topicPartitions,
        fc.integer({ min: -1, max: 1000 }),
        fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        (version, topics, data, owned, generationId, rackId) => {
          const bytes = encodeSubscription(
            { topics, userData: data, ownedPartitions: owned, generationId, rackId },
            version,
          );
          const decoded = decodeSubscription(bytes);
          expect(decoded.version).toBe(version);
          expect(decoded.topics).toEqual(topics);
          expect(decoded.userData).toEqual(data);
          expect(decoded.ownedPartitions).toEqual(version >= 1 ? owned : []);
          expect(decoded.generationId).toBe(version >= 2 ? generationId : -1);
          expect(decoded.rackId).toBe(version >= 3 ? rackId : null);
        },
      ),
      { seed: fcSeed('subscription round trip') },
    );
  });

  it('lays out a v1 subscription as Kafka does', () => {
    const bytes = encodeSubscription(
      { topics: ['t'], userData: null, ownedPartitions: [{ topic: 't', partitions: [2] }] },
      1,
    );
    expect(bytes.toString('hex')).toBe(
      [
        '0001', // version
        '00000001',
        '0001',
        '74', // topics: ["t"]
        'ffffffff', // user data: null
        '00000001',
        '0001',
        '74',
        '00000001',
        '00000002', // owned: t[2]
      ].join(''),
    );
  });

  it('reads what kafkajs writes, including its version 1 without owned partitions', () => {
    const bytes = AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics: ['orders', 'payments'],
      userData: Buffer.from('hi'),
    });
    const decoded = decodeSubscription(bytes);
    expect(decoded).toMatchObject({
      version: 1,
      topics: ['orders', 'payments'],
      ownedPartitions: [],
      generationId: -1,
    });
    expect(decoded.userData?.toString()).toBe('hi');
  });

  it('reads a newer version by ignoring the fields it does not know', () => {
    const v3 = encodeSubscription({ topics: ['a'], rackId: 'r1' }, 3);
    const v9 = Buffer.concat([Buffer.from([0, 9]), v3.subarray(2), Buffer.from('future')]);
    expect(decodeSubscription(v9)).toMatchObject({ version: 9, topics: ['a'], rackId: 'r1' });
  });

  it('refuses bytes that are not a subscription', () => {
    expect(() => decodeSubscription(Buffer.from([0]))).toThrow(DecodeError);
    expect(() => decodeSubscription(Buffer.from([0, 0, 0, 0, 0, 9]))).toThrow(DecodeError);
    expect(() => decodeSubscription(Buffer.from([0xff, 0xff, 0, 0, 0, 0]))).toThrow(DecodeError);
  });
});

describe('consumer protocol assignment', () => {
  it('round-trips every version 0-3', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        topicPartitions,
        userData,
        (version, assigned, data) => {
          const decoded = decodeAssignment(
            encodeAssignment({ assignedPartitions: assigned, userData: data }, version),
          );
          expect(decoded).toEqual({ version, assignedPartitions: assigned, userData: data });
        },
      ),
      { seed: fcSeed('assignment round trip') },
    );
  });

  it('reads what kafkajs writes and writes what kafkajs reads', () => {
    const fromKafkajs = AssignerProtocol.MemberAssignment.encode({
      version: 1,
      assignment: { orders: [0, 3], payments: [1] },
      userData: Buffer.alloc(0),
    });
    expect(decodeAssignment(fromKafkajs).assignedPartitions).toEqual([
      { topic: 'orders', partitions: [0, 3] },
      { topic: 'payments', partitions: [1] },
    ]);
    const ours = encodeAssignment(
      { assignedPartitions: [{ topic: 'orders', partitions: [5] }] },
      0,
    );
    expect(AssignerProtocol.MemberAssignment.decode(ours)?.assignment).toEqual({ orders: [5] });
  });

  it('reads an empty assignment (no bytes) as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({
      version: -1,
      assignedPartitions: [],
      userData: null,
    });
  });
});
