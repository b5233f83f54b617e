/**
 * DeleteRecords (API key 21): versions 0-2, flexible from v2.
 *
 * Transcribed from Apache Kafka's `DeleteRecordsRequest.json` and `DeleteRecordsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DeleteRecords request, versions 0-2. */
export interface DeleteRecordsRequest {
  /** Each topic that we want to delete records from. */
  readonly topics: readonly DeleteRecordsTopic[];
  /** How long to wait for the deletion to complete, in milliseconds. */
  readonly timeoutMs: number;
}

/** An element of `DeleteRecordsRequest.topics`. */
export interface DeleteRecordsTopic {
  /** The topic name. */
  readonly name: string;
  /** Each partition that we want to delete records from. */
  readonly partitions: readonly DeleteRecordsPartition[];
}

/** An element of `DeleteRecordsTopic.partitions`. */
export interface DeleteRecordsPartition {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The deletion offset. */
  readonly offset: number;
}

/** DeleteRecords response, versions 0-2. */
export interface DeleteRecordsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** Each topic that we wanted to delete records from. */
  readonly topics: readonly DeleteRecordsTopicResult[];
}

/** An element of `DeleteRecordsResponse.topics`. */
export interface DeleteRecordsTopicResult {
  /** The topic name. */
  readonly name: string;
  /** Each partition that we wanted to delete records from. */
  readonly partitions: readonly DeleteRecordsPartitionResult[];
}

/** An element of `DeleteRecordsTopicResult.partitions`. */
export interface DeleteRecordsPartitionResult {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The partition low water mark. */
  readonly lowWatermark: number;
  /** The deletion error code, or 0 if the deletion succeeded. */
  readonly errorCode: number;
}

/** The DeleteRecords request schema, versions 0-2. */
export const deleteRecordsRequestSchema = defineMessage<DeleteRecordsRequest>({
  name: 'DeleteRecordsRequest',
  apiKey: 21,
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: '[]DeleteRecordsTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]DeleteRecordsPartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'offset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
});

/** The DeleteRecords response schema, versions 0-2. */
export const deleteRecordsResponseSchema = defineMessage<DeleteRecordsResponse>({
  name: 'DeleteRecordsResponse',
  apiKey: 21,
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]DeleteRecordsTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]DeleteRecordsPartitionResult',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'lowWatermark', type: 'int64', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
