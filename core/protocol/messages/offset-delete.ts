/**
 * OffsetDelete (API key 47): version 0, never flexible.
 *
 * Transcribed from Apache Kafka's `OffsetDeleteRequest.json` and `OffsetDeleteResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** OffsetDelete request, version 0. */
export interface OffsetDeleteRequest {
  /** The unique group identifier. */
  readonly groupId: string;
  /** The topics to delete offsets for */
  readonly topics: readonly OffsetDeleteRequestTopic[];
}

/** An element of `OffsetDeleteRequest.topics`. */
export interface OffsetDeleteRequestTopic {
  /** The topic name. */
  readonly name: string;
  /** Each partition to delete offsets for. */
  readonly partitions: readonly OffsetDeleteRequestPartition[];
}

/** An element of `OffsetDeleteRequestTopic.partitions`. */
export interface OffsetDeleteRequestPartition {
  /** The partition index. */
  readonly partitionIndex: number;
}

/** OffsetDelete response, version 0. */
export interface OffsetDeleteResponse {
  /** The top-level error code, or 0 if there was no error. */
  readonly errorCode: number;
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The responses for each topic. */
  readonly topics: readonly OffsetDeleteResponseTopic[];
}

/** An element of `OffsetDeleteResponse.topics`. */
export interface OffsetDeleteResponseTopic {
  /** The topic name. */
  readonly name: string;
  /** The responses for each partition in the topic. */
  readonly partitions: readonly OffsetDeleteResponsePartition[];
}

/** An element of `OffsetDeleteResponseTopic.partitions`. */
export interface OffsetDeleteResponsePartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** The OffsetDelete request schema, version 0. */
export const offsetDeleteRequestSchema = defineMessage<OffsetDeleteRequest>({
  name: 'OffsetDeleteRequest',
  apiKey: 47,
  type: 'request',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: '[]OffsetDeleteRequestTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetDeleteRequestPartition',
          versions: '0+',
          fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }],
        },
      ],
    },
  ],
});

/** The OffsetDelete response schema, version 0. */
export const offsetDeleteResponseSchema = defineMessage<OffsetDeleteResponse>({
  name: 'OffsetDeleteResponse',
  apiKey: 47,
  type: 'response',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetDeleteResponseTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetDeleteResponsePartition',
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
