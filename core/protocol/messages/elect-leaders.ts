/**
 * ElectLeaders (API key 43): versions 0-2, flexible from v2. v1 adds the election type
 * (KIP-460: 0 preferred, 1 unclean) and a top-level error code.
 *
 * Transcribed from Apache Kafka's `ElectLeadersRequest.json` and `ElectLeadersResponse.json`
 * (Apache-2.0, see NOTICE).
 */
import { defineMessage } from '../schema.js';

/** ElectLeaders request, versions 0-2. */
export interface ElectLeadersRequest {
  /** 0 elects the preferred replica; 1 the first live replica when no in-sync one is. (v1+) */
  readonly electionType?: number;
  /** The partitions to elect leaders for; null means every partition. */
  readonly topicPartitions: readonly ElectLeadersTopicPartitions[] | null;
  /** The time in ms to wait for the election to complete. */
  readonly timeoutMs: number;
}

/** An element of `ElectLeadersRequest.topicPartitions`. */
export interface ElectLeadersTopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** ElectLeaders response, versions 0-2. */
export interface ElectLeadersResponse {
  readonly throttleTimeMs: number;
  /** The top-level error code. (v1+) */
  readonly errorCode?: number;
  readonly replicaElectionResults: readonly ReplicaElectionResult[];
}

/** An element of `ElectLeadersResponse.replicaElectionResults`. */
export interface ReplicaElectionResult {
  readonly topic: string;
  readonly partitionResult: readonly ElectionPartitionResult[];
}

/** An element of `ReplicaElectionResult.partitionResult`. */
export interface ElectionPartitionResult {
  readonly partitionId: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** The ElectLeaders request schema, versions 0-2. */
export const electLeadersRequestSchema = defineMessage<ElectLeadersRequest>({
  name: 'ElectLeadersRequest',
  apiKey: 43,
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'electionType', type: 'int8', versions: '1+' },
    {
      name: 'topicPartitions',
      type: '[]ElectLeadersTopicPartitions',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
  ],
});

/** The ElectLeaders response schema, versions 0-2. */
export const electLeadersResponseSchema = defineMessage<ElectLeadersResponse>({
  name: 'ElectLeadersResponse',
  apiKey: 43,
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '1+', ignorable: false },
    {
      name: 'replicaElectionResults',
      type: '[]ReplicaElectionResult',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitionResult',
          type: '[]ElectionPartitionResult',
          versions: '0+',
          fields: [
            { name: 'partitionId', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});
