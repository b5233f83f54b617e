/**
 * CreatePartitions (API key 37): versions 0-3, flexible from v2.
 *
 * Transcribed from Apache Kafka's `CreatePartitionsRequest.json` and `CreatePartitionsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** CreatePartitions request, versions 0-3. */
export interface CreatePartitionsRequest {
  /** Each topic that we want to create new partitions inside. */
  readonly topics: readonly CreatePartitionsTopic[];
  /** The time in ms to wait for the partitions to be created. */
  readonly timeoutMs: number;
  /** If true, then validate the request, but don't actually increase the number of partitions. */
  readonly validateOnly: boolean;
}

/** An element of `CreatePartitionsRequest.topics`. */
export interface CreatePartitionsTopic {
  /** The topic name. */
  readonly name: string;
  /** The new partition count. */
  readonly count: number;
  /** The new partition assignments. */
  readonly assignments: readonly CreatePartitionsAssignment[] | null;
}

/** An element of `CreatePartitionsTopic.assignments`. */
export interface CreatePartitionsAssignment {
  /** The assigned broker IDs. */
  readonly brokerIds: readonly number[];
}

/** CreatePartitions response, versions 0-3. */
export interface CreatePartitionsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The partition creation results for each topic. */
  readonly results: readonly CreatePartitionsTopicResult[];
}

/** An element of `CreatePartitionsResponse.results`. */
export interface CreatePartitionsTopicResult {
  /** The topic name. */
  readonly name: string;
  /** The result error, or zero if there was no error. */
  readonly errorCode: number;
  /** The result message, or null if there was no error. */
  readonly errorMessage: string | null;
}

/** The CreatePartitions request schema, versions 0-3. */
export const createPartitionsRequestSchema = defineMessage<CreatePartitionsRequest>({
  name: 'CreatePartitionsRequest',
  apiKey: 37,
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: '[]CreatePartitionsTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'count', type: 'int32', versions: '0+' },
        {
          name: 'assignments',
          type: '[]CreatePartitionsAssignment',
          versions: '0+',
          nullableVersions: '0+',
          fields: [{ name: 'brokerIds', type: '[]int32', versions: '0+' }],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
});

/** The CreatePartitions response schema, versions 0-3. */
export const createPartitionsResponseSchema = defineMessage<CreatePartitionsResponse>({
  name: 'CreatePartitionsResponse',
  apiKey: 37,
  type: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]CreatePartitionsTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        {
          name: 'errorMessage',
          type: 'string',
          versions: '0+',
          nullableVersions: '0+',
          default: null,
        },
      ],
    },
  ],
});
