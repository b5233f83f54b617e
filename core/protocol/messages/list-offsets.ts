/**
 * ListOffsets (API key 2): versions 1-5, never flexible in this range.
 *
 * Transcribed from Apache Kafka's `ListOffsetsRequest.json` and `ListOffsetsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** ListOffsets request, versions 1-5. */
export interface ListOffsetsRequest {
  /** The broker ID of the requester, or -1 if this request is being made by a normal consumer. */
  readonly replicaId: number;
  /**
   * This setting controls the visibility of transactional records. Using READ_UNCOMMITTED
   * (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1),
   * non-transactional and COMMITTED transactional records are visible. To be more concrete,
   * READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable
   * offset), and enables the inclusion of the list of aborted transactions in the result, which
   * allows consumers to discard ABORTED transactional records (v2+)
   */
  readonly isolationLevel?: number;
  /** Each topic in the request. */
  readonly topics: readonly ListOffsetsTopic[];
}

/** An element of `ListOffsetsRequest.topics`. */
export interface ListOffsetsTopic {
  /** The topic name. */
  readonly name: string;
  /** Each partition in the request. */
  readonly partitions: readonly ListOffsetsPartition[];
}

/** An element of `ListOffsetsTopic.partitions`. */
export interface ListOffsetsPartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The current leader epoch. (v4+) */
  readonly currentLeaderEpoch?: number;
  /** The current timestamp. */
  readonly timestamp: number;
}

/** ListOffsets response, versions 1-5. */
export interface ListOffsetsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v2+)
   */
  readonly throttleTimeMs?: number;
  /** Each topic in the response. */
  readonly topics: readonly ListOffsetsTopicResponse[];
}

/** An element of `ListOffsetsResponse.topics`. */
export interface ListOffsetsTopicResponse {
  /** The topic name */
  readonly name: string;
  /** Each partition in the response. */
  readonly partitions: readonly ListOffsetsPartitionResponse[];
}

/** An element of `ListOffsetsTopicResponse.partitions`. */
export interface ListOffsetsPartitionResponse {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The partition error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The timestamp associated with the returned offset. */
  readonly timestamp: number;
  /** The returned offset. */
  readonly offset: number;
  /** (v4+) */
  readonly leaderEpoch?: number;
}

/** The ListOffsets request schema, versions 1-5. */
export const listOffsetsRequestSchema = defineMessage<ListOffsetsRequest>({
  name: 'ListOffsetsRequest',
  apiKey: 2,
  type: 'request',
  validVersions: '1-5',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'topics',
      type: '[]ListOffsetsTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ListOffsetsPartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            {
              name: 'currentLeaderEpoch',
              type: 'int32',
              versions: '4+',
              default: -1,
              ignorable: true,
            },
            { name: 'timestamp', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
  ],
});

/** The ListOffsets response schema, versions 1-5. */
export const listOffsetsResponseSchema = defineMessage<ListOffsetsResponse>({
  name: 'ListOffsetsResponse',
  apiKey: 2,
  type: 'response',
  validVersions: '1-5',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics',
      type: '[]ListOffsetsTopicResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ListOffsetsPartitionResponse',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'offset', type: 'int64', versions: '1+', default: -1 },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
});
