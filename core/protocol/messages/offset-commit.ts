/**
 * OffsetCommit (API key 8): versions 2-8, flexible from v8.
 *
 * Transcribed from Apache Kafka's `OffsetCommitRequest.json` and `OffsetCommitResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** OffsetCommit request, versions 2-8. */
export interface OffsetCommitRequest {
  /** The unique group identifier. */
  readonly groupId: string;
  /**
   * The generation of the group if using the classic group protocol or the member epoch if using
   * the consumer protocol.
   */
  readonly generationIdOrMemberEpoch: number;
  /** The member ID assigned by the group coordinator. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v7+) */
  readonly groupInstanceId?: string | null;
  /** The time period in ms to retain the offset. (v2-4) */
  readonly retentionTimeMs?: number;
  /** The topics to commit offsets for. */
  readonly topics: readonly OffsetCommitRequestTopic[];
}

/** An element of `OffsetCommitRequest.topics`. */
export interface OffsetCommitRequestTopic {
  /** The topic name. */
  readonly name: string;
  /** Each partition to commit offsets for. */
  readonly partitions: readonly OffsetCommitRequestPartition[];
}

/** An element of `OffsetCommitRequestTopic.partitions`. */
export interface OffsetCommitRequestPartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The message offset to be committed. */
  readonly committedOffset: number;
  /** The leader epoch of this partition. (v6+) */
  readonly committedLeaderEpoch?: number;
  /** Any associated metadata the client wants to keep. */
  readonly committedMetadata: string | null;
}

/** OffsetCommit response, versions 2-8. */
export interface OffsetCommitResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v3+)
   */
  readonly throttleTimeMs?: number;
  /** The responses for each topic. */
  readonly topics: readonly OffsetCommitResponseTopic[];
}

/** An element of `OffsetCommitResponse.topics`. */
export interface OffsetCommitResponseTopic {
  /** The topic name. */
  readonly name: string;
  /** The responses for each partition in the topic. */
  readonly partitions: readonly OffsetCommitResponsePartition[];
}

/** An element of `OffsetCommitResponseTopic.partitions`. */
export interface OffsetCommitResponsePartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** The OffsetCommit request schema, versions 2-8. */
export const offsetCommitRequestSchema = defineMessage<OffsetCommitRequest>({
  name: 'OffsetCommitRequest',
  apiKey: 8,
  type: 'request',
  validVersions: '2-8',
  flexibleVersions: '8+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'generationIdOrMemberEpoch',
      type: 'int32',
      versions: '1+',
      default: -1,
      ignorable: true,
    },
    { name: 'memberId', type: 'string', versions: '1+', ignorable: true },
    {
      name: 'groupInstanceId',
      type: 'string',
      versions: '7+',
      nullableVersions: '7+',
      default: null,
    },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1, ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetCommitRequestTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetCommitRequestPartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            {
              name: 'committedLeaderEpoch',
              type: 'int32',
              versions: '6+',
              default: -1,
              ignorable: true,
            },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});

/** The OffsetCommit response schema, versions 2-8. */
export const offsetCommitResponseSchema = defineMessage<OffsetCommitResponse>({
  name: 'OffsetCommitResponse',
  apiKey: 8,
  type: 'response',
  validVersions: '2-8',
  flexibleVersions: '8+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetCommitResponseTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetCommitResponsePartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
