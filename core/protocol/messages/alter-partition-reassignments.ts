/**
 * AlterPartitionReassignments (API key 45): version 0, flexible (KIP-455).
 *
 * Transcribed from Apache Kafka's `AlterPartitionReassignmentsRequest.json` and
 * `AlterPartitionReassignmentsResponse.json` (Apache-2.0, see NOTICE).
 */
import { defineMessage } from '../schema.js';

/** AlterPartitionReassignments request, version 0. */
export interface AlterPartitionReassignmentsRequest {
  readonly timeoutMs: number;
  readonly topics: readonly ReassignableTopic[];
}

/** An element of `AlterPartitionReassignmentsRequest.topics`. */
export interface ReassignableTopic {
  readonly name: string;
  readonly partitions: readonly ReassignablePartition[];
}

/** An element of `ReassignableTopic.partitions`. */
export interface ReassignablePartition {
  readonly partitionIndex: number;
  /** The replicas to place the partition on, or null to cancel its pending reassignment. */
  readonly replicas: readonly number[] | null;
}

/** AlterPartitionReassignments response, version 0. */
export interface AlterPartitionReassignmentsResponse {
  readonly throttleTimeMs: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly responses: readonly ReassignableTopicResponse[];
}

/** An element of `AlterPartitionReassignmentsResponse.responses`. */
export interface ReassignableTopicResponse {
  readonly name: string;
  readonly partitions: readonly ReassignablePartitionResponse[];
}

/** An element of `ReassignableTopicResponse.partitions`. */
export interface ReassignablePartitionResponse {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** The AlterPartitionReassignments request schema, version 0. */
export const alterPartitionReassignmentsRequestSchema =
  defineMessage<AlterPartitionReassignmentsRequest>({
    name: 'AlterPartitionReassignmentsRequest',
    apiKey: 45,
    type: 'request',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
      {
        name: 'topics',
        type: '[]ReassignableTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]ReassignablePartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              {
                name: 'replicas',
                type: '[]int32',
                versions: '0+',
                nullableVersions: '0+',
                default: null,
              },
            ],
          },
        ],
      },
    ],
  });

/** The AlterPartitionReassignments response schema, version 0. */
export const alterPartitionReassignmentsResponseSchema =
  defineMessage<AlterPartitionReassignmentsResponse>({
    name: 'AlterPartitionReassignmentsResponse',
    apiKey: 45,
    type: 'response',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      {
        name: 'responses',
        type: '[]ReassignableTopicResponse',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]ReassignablePartitionResponse',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  });
