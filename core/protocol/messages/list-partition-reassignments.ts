/**
 * ListPartitionReassignments (API key 46): version 0, flexible (KIP-455).
 *
 * Transcribed from Apache Kafka's `ListPartitionReassignmentsRequest.json` and
 * `ListPartitionReassignmentsResponse.json` (Apache-2.0, see NOTICE).
 */
import { defineMessage } from '../schema.js';

/** ListPartitionReassignments request, version 0. */
export interface ListPartitionReassignmentsRequest {
  readonly timeoutMs: number;
  /** The partitions to list; null lists every ongoing reassignment. */
  readonly topics: readonly ListPartitionReassignmentsTopics[] | null;
}

/** An element of `ListPartitionReassignmentsRequest.topics`. */
export interface ListPartitionReassignmentsTopics {
  readonly name: string;
  readonly partitionIndexes: readonly number[];
}

/** ListPartitionReassignments response, version 0. */
export interface ListPartitionReassignmentsResponse {
  readonly throttleTimeMs: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly topics: readonly OngoingTopicReassignment[];
}

/** An element of `ListPartitionReassignmentsResponse.topics`. */
export interface OngoingTopicReassignment {
  readonly name: string;
  readonly partitions: readonly OngoingPartitionReassignment[];
}

/** An element of `OngoingTopicReassignment.partitions`. */
export interface OngoingPartitionReassignment {
  readonly partitionIndex: number;
  /** The current replica set: the target plus the replicas being removed. */
  readonly replicas: readonly number[];
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
}

/** The ListPartitionReassignments request schema, version 0. */
export const listPartitionReassignmentsRequestSchema =
  defineMessage<ListPartitionReassignmentsRequest>({
    name: 'ListPartitionReassignmentsRequest',
    apiKey: 46,
    type: 'request',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
      {
        name: 'topics',
        type: '[]ListPartitionReassignmentsTopics',
        versions: '0+',
        nullableVersions: '0+',
        default: null,
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
        ],
      },
    ],
  });

/** The ListPartitionReassignments response schema, version 0. */
export const listPartitionReassignmentsResponseSchema =
  defineMessage<ListPartitionReassignmentsResponse>({
    name: 'ListPartitionReassignmentsResponse',
    apiKey: 46,
    type: 'response',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      {
        name: 'topics',
        type: '[]OngoingTopicReassignment',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]OngoingPartitionReassignment',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'replicas', type: '[]int32', versions: '0+' },
              { name: 'addingReplicas', type: '[]int32', versions: '0+' },
              { name: 'removingReplicas', type: '[]int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  });
