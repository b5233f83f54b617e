import { describe, expect, it } from 'vitest';

import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../../core/broker/group/offsets-records.js';
import { DecodeError } from '../../../../core/protocol/byte-reader.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const str = (s: string): string =>
  Buffer.from([0, Buffer.byteLength(s)]).toString('hex') + Buffer.from(s).toString('hex');
const i64 = (n: number): string => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b.toString('hex');
};

describe("__consumer_offsets records in Kafka's byte format", () => {
  it('encodes an offset commit key as version 1: group, topic, partition', () => {
    expect(encodeOffsetCommitKey({ group: 'g1', topic: 'orders', partition: 2 })).toEqual(
      hex(`0001 ${str('g1')} ${str('orders')} 00000002`),
    );
  });

  it('encodes an offset commit value as version 3: offset, leader epoch, metadata, timestamp', () => {
    const bytes = encodeOffsetCommitValue({
      offset: 42,
      leaderEpoch: 5,
      metadata: 'meta',
      commitTimestamp: 1_700_000_000_123,
    });
    expect(bytes).toEqual(hex(`0003 ${i64(42)} 00000005 ${str('meta')} ${i64(1_700_000_000_123)}`));
    expect(decodeOffsetCommitValue(bytes)).toEqual({
      offset: 42,
      leaderEpoch: 5,
      metadata: 'meta',
      commitTimestamp: 1_700_000_000_123,
      expireTimestamp: -1,
    });
  });

  it('encodes a group metadata key as version 2', () => {
    expect(encodeGroupMetadataKey('g1')).toEqual(hex(`0002 ${str('g1')}`));
  });

  it('encodes group metadata as version 3 with members, subscriptions and assignments', () => {
    const bytes = encodeGroupMetadataValue({
      protocolType: 'consumer',
      generation: 3,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 1000,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeout: 30000,
          sessionTimeout: 10000,
          subscription: Buffer.from([1, 2]),
          assignment: Buffer.from([3]),
        },
      ],
    });
    expect(bytes).toEqual(
      hex(
        `0003 ${str('consumer')} 00000003 ${str('range')} ${str('m-1')} ${i64(1000)} 00000001
         ${str('m-1')} ffff ${str('c')} ${str('/127.0.0.1')} 00007530 00002710
         00000002 0102 00000001 03`,
      ),
    );
    expect(decodeGroupMetadataValue(bytes).members[0]?.subscription).toEqual(Buffer.from([1, 2]));
  });

  it('decodes keys of both offset versions and the group version, and flags others', () => {
    expect(decodeOffsetsKey(hex(`0000 ${str('g')} ${str('t')} 00000001`))).toEqual({
      kind: 'offset',
      group: 'g',
      topic: 't',
      partition: 1,
    });
    expect(decodeOffsetsKey(encodeGroupMetadataKey('g'))).toEqual({ kind: 'group', group: 'g' });
    // KIP-848 consumer group records (key versions 3+) belong to another coordinator.
    expect(decodeOffsetsKey(hex(`0003 ${str('g')}`))).toEqual({ kind: 'other', version: 3 });
  });

  it('decodes older and flexible offset values', () => {
    // v0: offset, metadata, timestamp.
    expect(decodeOffsetCommitValue(hex(`0000 ${i64(7)} ${str('x')} ${i64(5)}`))).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: 'x',
      commitTimestamp: 5,
      expireTimestamp: -1,
    });
    // v1 adds an explicit expiry.
    expect(
      decodeOffsetCommitValue(hex(`0001 ${i64(7)} ${str('')} ${i64(5)} ${i64(99)}`))
        .expireTimestamp,
    ).toBe(99);
    // v4: compact string and an (empty) tag buffer.
    expect(decodeOffsetCommitValue(hex(`0004 ${i64(8)} 00000002 02 61 ${i64(6)} 00`))).toEqual({
      offset: 8,
      leaderEpoch: 2,
      metadata: 'a',
      commitTimestamp: 6,
      expireTimestamp: -1,
    });
  });

  it('decodes a version 0 group value (no rebalance timeout, no state timestamp)', () => {
    const v0 = hex(
      `0000 ${str('consumer')} 00000001 ${str('range')} ${str('m')} 00000001
       ${str('m')} ${str('c')} ${str('h')} 00002710 00000000 00000000`,
    );
    expect(decodeGroupMetadataValue(v0)).toEqual(
      expect.objectContaining({
        generation: 1,
        currentStateTimestamp: -1,
        members: [
          expect.objectContaining({ memberId: 'm', rebalanceTimeout: 0, sessionTimeout: 10000 }),
        ],
      }),
    );
  });

  it('refuses truncated or trailing bytes and unknown value versions', () => {
    expect(() => decodeOffsetCommitValue(hex('0003 0000'))).toThrow(DecodeError);
    expect(() => decodeOffsetsKey(hex(`0001 ${str('g')} ${str('t')} 00000001 ff`))).toThrow(
      DecodeError,
    );
    expect(() => decodeOffsetCommitValue(hex(`0009 ${i64(1)}`))).toThrow(DecodeError);
    expect(() => decodeGroupMetadataValue(hex('ffff'))).toThrow(DecodeError);
  });
});
