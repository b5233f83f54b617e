/**
 * Kafka's consumer protocol: the bytes a consumer puts in JoinGroup's member metadata (its
 * subscription) and the bytes the group leader hands out in SyncGroup (each member's assignment).
 * The broker stores both opaquely; `fjord groups describe` decodes them to show who owns what.
 *
 * Wire grammar (never flexible; an int16 version precedes the struct):
 * ```
 * Subscription => version:int16 topics:[string] user_data:nullable_bytes
 *                 owned_partitions:[topic:string partitions:[int32]]   (v1+)
 *                 generation_id:int32                                  (v2+)
 *                 rack_id:nullable_string                              (v3+)
 * Assignment   => version:int16 assigned_partitions:[topic:string partitions:[int32]]
 *                 user_data:nullable_bytes                             (same shape v0-v3)
 * ```
 * Transcribed from Apache Kafka's `ConsumerProtocolSubscription.json` and
 * `ConsumerProtocolAssignment.json` (Apache-2.0, see NOTICE).
 *
 * Decoding is lenient the way Kafka's own readers are: a newer version is read as the newest one
 * known, ignoring trailing fields, and a version whose added fields are missing is read as the
 * newest older version that fits. The latter matters in practice: kafkajs 2.2.4 writes version 1
 * subscriptions without owned partitions.
 */
import { ErrorCode } from '../util/error-codes.js';
import { ByteReader, DecodeError } from '../protocol/byte-reader.js';
import { ByteWriter } from '../protocol/byte-writer.js';
import { decodeMessage, encodeMessage } from '../protocol/codec.js';
import { defineMessage, type MessageSchema } from '../protocol/schema.js';

/** The newest consumer protocol version fjord knows (Kafka 3.5+ writes 3). */
export const CONSUMER_PROTOCOL_MAX_VERSION = 3;
/** The group protocol type of Kafka consumers, as JoinGroup and DescribeGroups name it. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Partitions of one topic. */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** What a consumer sends as its JoinGroup member metadata. */
export interface ConsumerSubscription {
  /** The version found on the wire (possibly newer than fjord knows). */
  readonly version: number;
  readonly topics: readonly string[];
  readonly userData: Buffer | null;
  /** Partitions the member owned in the previous generation. (v1+) */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** The generation the owned partitions belong to, -1 if unknown. (v2+) */
  readonly generationId: number;
  /** The consumer's `client.rack`. (v3+) */
  readonly rackId: string | null;
}

/** What the group leader assigns a member, delivered to it by SyncGroup. */
export interface ConsumerAssignment {
  /** The version found on the wire; -1 for an empty assignment (no bytes at all). */
  readonly version: number;
  readonly assignedPartitions: readonly TopicPartitions[];
  readonly userData: Buffer | null;
}

// Apache declares both as "type": "data" messages, which have no API key.
const topicPartitionFields = (
  versions: string,
): { name: string; type: string; versions: string }[] => [
  { name: 'topic', type: 'string', versions },
  { name: 'partitions', type: '[]int32', versions },
];

const subscriptionSchema = defineMessage<Omit<ConsumerSubscription, 'version'>>({
  name: 'ConsumerProtocolSubscription',
  apiKey: -1,
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'topics', type: '[]string', versions: '0+' },
    {
      name: 'userData',
      type: 'bytes',
      versions: '0+',
      nullableVersions: '0+',
      default: null,
    },
    {
      name: 'ownedPartitions',
      type: '[]TopicPartition',
      versions: '1+',
      ignorable: true,
      fields: topicPartitionFields('1+'),
    },
    { name: 'generationId', type: 'int32', versions: '2+', default: -1, ignorable: true },
    {
      name: 'rackId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: null,
      ignorable: true,
    },
  ],
});

const assignmentSchema = defineMessage<Omit<ConsumerAssignment, 'version'>>({
  name: 'ConsumerProtocolAssignment',
  apiKey: -1,
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'assignedPartitions',
      type: '[]TopicPartition',
      versions: '0+',
      fields: topicPartitionFields('0+'),
    },
    {
      name: 'userData',
      type: 'bytes',
      versions: '0+',
      nullableVersions: '0+',
      default: null,
    },
  ],
});

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION) {
    throw new DecodeError(
      `consumer protocol version ${version} outside 0-${CONSUMER_PROTOCOL_MAX_VERSION}`,
      ErrorCode.INVALID_REQUEST,
    );
  }
}

/**
 * Reads the version, then the struct at the newest known version that decodes; see the module
 * comment. Throws `DecodeError` (a `FjordError`) when no version fits.
 */
function decodeLenient<T>(schema: MessageSchema<T>, bytes: Buffer): { version: number; body: T } {
  const reader = new ByteReader(bytes, 0, bytes.length, ErrorCode.INVALID_REQUEST);
  const version = reader.readInt16();
  if (version < 0) throw reader.fail(`negative consumer protocol version ${version}`);
  let lastError: unknown;
  for (let v = Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION); v >= 0; v--) {
    try {
      return { version, body: decodeMessage(schema, v, new ByteReader(bytes, 2, bytes.length)) };
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : reader.fail('undecodable consumer protocol');
}

/**
 * Encodes a subscription at `version` (default the newest). Fields the version lacks are dropped.
 *
 * @example
 * ```ts
 * const metadata = encodeSubscription({ topics: ['orders'] });
 * decodeSubscription(metadata).topics; // ['orders']
 * ```
 */
export function encodeSubscription(
  subscription: Partial<Omit<ConsumerSubscription, 'version' | 'topics'>> &
    Pick<ConsumerSubscription, 'topics'>,
  version = CONSUMER_PROTOCOL_MAX_VERSION,
): Buffer {
  checkVersion(version);
  const writer = new ByteWriter(64);
  writer.writeInt16(version);
  encodeMessage(
    subscriptionSchema,
    version,
    {
      topics: subscription.topics,
      userData: subscription.userData ?? null,
      ownedPartitions: subscription.ownedPartitions ?? [],
      generationId: subscription.generationId ?? -1,
      rackId: subscription.rackId ?? null,
    },
    writer,
  );
  return writer.finish();
}

/**
 * Decodes JoinGroup member metadata of protocol type `consumer`. Throws `DecodeError` (a
 * `FjordError`) for bytes that are not a subscription.
 *
 * @example
 * ```ts
 * const { topics, ownedPartitions } = decodeSubscription(member.memberMetadata);
 * ```
 */
export function decodeSubscription(bytes: Buffer): ConsumerSubscription {
  const { version, body } = decodeLenient(subscriptionSchema, bytes);
  return { version, ...body };
}

/**
 * Encodes an assignment at `version` (default the newest; every version has the same shape).
 *
 * @example
 * ```ts
 * const bytes = encodeAssignment({ assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }] });
 * ```
 */
export function encodeAssignment(
  assignment: Pick<ConsumerAssignment, 'assignedPartitions'> &
    Partial<Pick<ConsumerAssignment, 'userData'>>,
  version = CONSUMER_PROTOCOL_MAX_VERSION,
): Buffer {
  checkVersion(version);
  const writer = new ByteWriter(64);
  writer.writeInt16(version);
  encodeMessage(
    assignmentSchema,
    version,
    { assignedPartitions: assignment.assignedPartitions, userData: assignment.userData ?? null },
    writer,
  );
  return writer.finish();
}

/**
 * Decodes a SyncGroup / DescribeGroups member assignment of protocol type `consumer`. Empty
 * bytes (a member that has not been assigned yet, or a rebalance in progress) decode to an empty
 * assignment of version -1. Throws `DecodeError` (a `FjordError`) for bytes that are not an
 * assignment.
 *
 * @example
 * ```ts
 * for (const { topic, partitions } of decodeAssignment(member.memberAssignment).assignedPartitions)
 *   console.log(topic, partitions.join(','));
 * ```
 */
export function decodeAssignment(bytes: Buffer): ConsumerAssignment {
  if (bytes.length === 0) return { version: -1, assignedPartitions: [], userData: null };
  const { version, body } = decodeLenient(assignmentSchema, bytes);
  return { version, ...body };
}
