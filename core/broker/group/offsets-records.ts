/**
 * The records of `__consumer_offsets`, byte for byte as Kafka writes them, so the topic is
 * interchangeable with Kafka's: every key and value is an int16 schema version followed by the
 * fields of that version. Offset commits use key version 1 (0 is read too) and value version 3;
 * group metadata uses key version 2 and value version 3. Older and newer (flexible v4) values
 * are read. A null value is a tombstone: the compacted topic then forgets the key.
 *
 * ```
 * OffsetCommitKey v0-1   group:string topic:string partition:int32
 * OffsetCommitValue v3   offset:int64 leaderEpoch:int32 metadata:string commitTimestamp:int64
 * GroupMetadataKey v2    group:string
 * GroupMetadataValue v3  protocolType:string generation:int32 protocol:string? leader:string?
 *                        currentStateTimestamp:int64
 *                        members:[memberId:string groupInstanceId:string? clientId:string
 *                                 clientHost:string rebalanceTimeout:int32 sessionTimeout:int32
 *                                 subscription:bytes assignment:bytes]
 * ```
 *
 * Transcribed from Apache Kafka's `OffsetCommitKey.json`, `OffsetCommitValue.json`,
 * `GroupMetadataKey.json` and `GroupMetadataValue.json` (Apache-2.0, see NOTICE).
 */
import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { decodeMessage, encodeMessage } from '../../protocol/codec.js';
import { defineMessage } from '../../protocol/schema.js';
import type { MessageSchema } from '../../protocol/schema.js';
import { ErrorCode } from '../../util/error-codes.js';

/** The key of an offset commit: which group committed which partition. */
export interface OffsetCommitKey {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

/** A committed offset as stored. */
export interface OffsetCommitValue {
  readonly offset: number;
  /** The leader epoch of the committed offset's record, or -1. (v3+) */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** An explicit expiry (OffsetCommit v2-4 retention_time_ms), or -1. (v1 only) */
  readonly expireTimestamp: number;
}

/** The key of a group's metadata. */
export interface GroupMetadataKey {
  readonly group: string;
}

/** A group's metadata as stored: its generation and members. */
export interface GroupMetadataValue {
  /** `consumer`, `connect`…; '' for a group without one. */
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  /** When the group entered its current state, or -1. (v2+) */
  readonly currentStateTimestamp: number;
  readonly members: readonly StoredMember[];
}

/** One member in {@link GroupMetadataValue}. */
export interface StoredMember {
  readonly memberId: string;
  /** (v3+) */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** (v1+) */
  readonly rebalanceTimeout: number;
  readonly sessionTimeout: number;
  /** The member's metadata for the group's protocol (a consumer's subscription). */
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

const offsetCommitKeySchema = defineMessage<OffsetCommitKey>({
  name: 'OffsetCommitKey',
  apiKey: -1,
  type: 'data',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
});

const offsetCommitValueSchema = defineMessage<OffsetCommitValue>({
  name: 'OffsetCommitValue',
  apiKey: -1,
  type: 'data',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1, ignorable: true },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1, ignorable: true },
  ],
});

const groupMetadataKeySchema = defineMessage<GroupMetadataKey>({
  name: 'GroupMetadataKey',
  apiKey: -1,
  type: 'data',
  validVersions: '2',
  flexibleVersions: 'none',
  fields: [{ name: 'group', type: 'string', versions: '2' }],
});

const groupMetadataValueSchema = defineMessage<GroupMetadataValue>({
  name: 'GroupMetadataValue',
  apiKey: -1,
  type: 'data',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'currentStateTimestamp',
      type: 'int64',
      versions: '2+',
      default: -1,
      ignorable: true,
    },
    {
      name: 'members',
      type: '[]MemberMetadata',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        {
          name: 'groupInstanceId',
          type: 'string',
          versions: '3+',
          nullableVersions: '3+',
          default: null,
          ignorable: true,
        },
        { name: 'clientId', type: 'string', versions: '0+' },
        { name: 'clientHost', type: 'string', versions: '0+' },
        { name: 'rebalanceTimeout', type: 'int32', versions: '1+', ignorable: true },
        { name: 'sessionTimeout', type: 'int32', versions: '0+' },
        { name: 'subscription', type: 'bytes', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
});

/** The key version Kafka writes for offset commits. */
export const OFFSET_COMMIT_KEY_VERSION = 1;
/** The highest non-flexible offset value version, the one Kafka writes. */
export const OFFSET_COMMIT_VALUE_VERSION = 3;
/** The key version of group metadata records. */
export const GROUP_METADATA_KEY_VERSION = 2;
/** The highest non-flexible group value version, the one Kafka writes. */
export const GROUP_METADATA_VALUE_VERSION = 3;

function encodeVersioned<T>(schema: MessageSchema<T>, version: number, value: T): Buffer {
  const writer = new ByteWriter(64);
  writer.writeInt16(version);
  encodeMessage(schema, version, value, writer);
  return writer.finish();
}

/** The key bytes of `group`'s commit for `topic`-`partition`. */
export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return encodeVersioned(offsetCommitKeySchema, OFFSET_COMMIT_KEY_VERSION, key);
}

/** The value bytes of a commit. */
export function encodeOffsetCommitValue(value: Omit<OffsetCommitValue, 'expireTimestamp'>): Buffer {
  return encodeVersioned(offsetCommitValueSchema, OFFSET_COMMIT_VALUE_VERSION, {
    ...value,
    expireTimestamp: -1,
  });
}

/** The key bytes of `group`'s metadata. */
export function encodeGroupMetadataKey(group: string): Buffer {
  return encodeVersioned(groupMetadataKeySchema, GROUP_METADATA_KEY_VERSION, { group });
}

/** The value bytes of a group's metadata. */
export function encodeGroupMetadataValue(value: GroupMetadataValue): Buffer {
  return encodeVersioned(groupMetadataValueSchema, GROUP_METADATA_VALUE_VERSION, value);
}

/** A decoded `__consumer_offsets` key. */
export type OffsetsKey =
  | ({ readonly kind: 'offset' } & OffsetCommitKey)
  | ({ readonly kind: 'group' } & GroupMetadataKey)
  /** Records of other coordinators (KIP-848 consumer groups, share groups…): skipped. */
  | { readonly kind: 'other'; readonly version: number };

function reader(bytes: Buffer): ByteReader {
  return new ByteReader(bytes, 0, bytes.length, ErrorCode.CORRUPT_MESSAGE);
}

function decodeWhole<T>(schema: MessageSchema<T>, version: number, r: ByteReader): T {
  const value = decodeMessage(schema, version, r);
  // Kafka reads keys and values the same way: trailing bytes mean a record it does not know.
  if (r.remaining !== 0) throw r.fail(`${r.remaining} bytes after ${schema.name} v${version}`);
  return value;
}

/** Decodes a key; throws DecodeError (CORRUPT_MESSAGE) for bytes that are not one. */
export function decodeOffsetsKey(bytes: Buffer): OffsetsKey {
  const r = reader(bytes);
  const version = r.readInt16();
  if (version === 0 || version === 1)
    return { kind: 'offset', ...decodeWhole(offsetCommitKeySchema, version, r) };
  if (version === GROUP_METADATA_KEY_VERSION)
    return { kind: 'group', ...decodeWhole(groupMetadataKeySchema, version, r) };
  return { kind: 'other', version };
}

/** Decodes an offset commit value of any version 0-4. */
export function decodeOffsetCommitValue(bytes: Buffer): OffsetCommitValue {
  const r = reader(bytes);
  const version = r.readInt16();
  if (version < 0 || version > 4) throw r.fail(`unknown OffsetCommitValue version ${version}`);
  return decodeWhole(offsetCommitValueSchema, version, r);
}

/** Decodes a group metadata value of any version 0-4. */
export function decodeGroupMetadataValue(bytes: Buffer): GroupMetadataValue {
  const r = reader(bytes);
  const version = r.readInt16();
  if (version < 0 || version > 4) throw r.fail(`unknown GroupMetadataValue version ${version}`);
  return decodeWhole(groupMetadataValueSchema, version, r);
}
