/**
 * OffsetFetch (API key 9): versions 1-8, flexible from v6.
 *
 * Transcribed from Apache Kafka's `OffsetFetchRequest.json` and `OffsetFetchResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** OffsetFetch request, versions 1-8. */
export interface OffsetFetchRequest {
  /** The group to fetch offsets for. (v0-7) */
  readonly groupId?: string;
  /**
   * Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. (v0-7)
   */
  readonly topics?: readonly OffsetFetchRequestTopic[] | null;
  /** Each group we would like to fetch offsets for (v8+) */
  readonly groups?: readonly OffsetFetchRequestGroup[];
  /**
   * Whether broker should hold on returning unstable offsets but set a retriable error code for
   * the partitions. (v7+)
   */
  readonly requireStable?: boolean;
}

/** An element of `OffsetFetchRequest.topics`. */
export interface OffsetFetchRequestTopic {
  /** The topic name. */
  readonly name: string;
  /** The partition indexes we would like to fetch offsets for. */
  readonly partitionIndexes: readonly number[];
}

/** An element of `OffsetFetchRequest.groups`. */
export interface OffsetFetchRequestGroup {
  /** The group ID. */
  readonly groupId: string;
  /** Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. */
  readonly topics: readonly OffsetFetchRequestTopics[] | null;
}

/** An element of `OffsetFetchRequestGroup.topics`. */
export interface OffsetFetchRequestTopics {
  /** The topic name. */
  readonly name: string;
  /** The partition indexes we would like to fetch offsets for. */
  readonly partitionIndexes: readonly number[];
}

/** OffsetFetch response, versions 1-8. */
export interface OffsetFetchResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v3+)
   */
  readonly throttleTimeMs?: number;
  /** The responses per topic. (v0-7) */
  readonly topics?: readonly OffsetFetchResponseTopic[];
  /** The top-level error code, or 0 if there was no error. (v2-7) */
  readonly errorCode?: number;
  /** The responses per group id. (v8+) */
  readonly groups?: readonly OffsetFetchResponseGroup[];
}

/** An element of `OffsetFetchResponse.topics`. */
export interface OffsetFetchResponseTopic {
  /** The topic name. */
  readonly name: string;
  /** The responses per partition */
  readonly partitions: readonly OffsetFetchResponsePartition[];
}

/** An element of `OffsetFetchResponseTopic.partitions`. */
export interface OffsetFetchResponsePartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The committed message offset. */
  readonly committedOffset: number;
  /** The leader epoch. (v5-7) */
  readonly committedLeaderEpoch?: number;
  /** The partition metadata. */
  readonly metadata: string | null;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** An element of `OffsetFetchResponse.groups`. */
export interface OffsetFetchResponseGroup {
  /** The group ID. */
  readonly groupId: string;
  /** The responses per topic. */
  readonly topics: readonly OffsetFetchResponseTopics[];
  /** The group-level error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** An element of `OffsetFetchResponseGroup.topics`. */
export interface OffsetFetchResponseTopics {
  /** The topic name. */
  readonly name: string;
  /** The responses per partition */
  readonly partitions: readonly OffsetFetchResponsePartitions[];
}

/** An element of `OffsetFetchResponseTopics.partitions`. */
export interface OffsetFetchResponsePartitions {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The committed message offset. */
  readonly committedOffset: number;
  /** The leader epoch. */
  readonly committedLeaderEpoch: number;
  /** The partition metadata. */
  readonly metadata: string | null;
  /** The partition-level error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** The OffsetFetch request schema, versions 1-8. */
export const offsetFetchRequestSchema = defineMessage<OffsetFetchRequest>({
  name: 'OffsetFetchRequest',
  apiKey: 9,
  type: 'request',
  validVersions: '1-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: '[]OffsetFetchRequestTopic',
      versions: '0-7',
      nullableVersions: '2-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    {
      name: 'groups',
      type: '[]OffsetFetchRequestGroup',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'topics',
          type: '[]OffsetFetchRequestTopics',
          versions: '8+',
          nullableVersions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
});

/** The OffsetFetch response schema, versions 1-8. */
export const offsetFetchResponseSchema = defineMessage<OffsetFetchResponse>({
  name: 'OffsetFetchResponse',
  apiKey: 9,
  type: 'response',
  validVersions: '1-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetFetchResponseTopic',
      versions: '0-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        {
          name: 'partitions',
          type: '[]OffsetFetchResponsePartition',
          versions: '0-7',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0-7' },
            { name: 'committedOffset', type: 'int64', versions: '0-7' },
            {
              name: 'committedLeaderEpoch',
              type: 'int32',
              versions: '5-7',
              default: -1,
              ignorable: true,
            },
            { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
            { name: 'errorCode', type: 'int16', versions: '0-7' },
          ],
        },
      ],
    },
    { name: 'errorCode', type: 'int16', versions: '2-7', default: 0, ignorable: true },
    {
      name: 'groups',
      type: '[]OffsetFetchResponseGroup',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'topics',
          type: '[]OffsetFetchResponseTopics',
          versions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            {
              name: 'partitions',
              type: '[]OffsetFetchResponsePartitions',
              versions: '8+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '8+' },
                { name: 'committedOffset', type: 'int64', versions: '8+' },
                {
                  name: 'committedLeaderEpoch',
                  type: 'int32',
                  versions: '8+',
                  default: -1,
                  ignorable: true,
                },
                { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                { name: 'errorCode', type: 'int16', versions: '8+' },
              ],
            },
          ],
        },
        { name: 'errorCode', type: 'int16', versions: '8+', default: 0 },
      ],
    },
  ],
});
