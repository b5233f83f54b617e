/**
 * CreateTopics (API key 19): versions 2-7, flexible from v5.
 *
 * Transcribed from Apache Kafka's `CreateTopicsRequest.json` and `CreateTopicsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** CreateTopics request, versions 2-7. */
export interface CreateTopicsRequest {
  /** The topics to create. */
  readonly topics: readonly CreatableTopic[];
  /** How long to wait in milliseconds before timing out the request. */
  readonly timeoutMs: number;
  /** If true, check that the topics can be created as specified, but don't create anything. */
  readonly validateOnly: boolean;
}

/** An element of `CreateTopicsRequest.topics`. */
export interface CreatableTopic {
  /** The topic name. */
  readonly name: string;
  /**
   * The number of partitions to create in the topic, or -1 if we are either specifying a manual
   * partition assignment or using the default partitions.
   */
  readonly numPartitions: number;
  /**
   * The number of replicas to create for each partition in the topic, or -1 if we are either
   * specifying a manual partition assignment or using the default replication factor.
   */
  readonly replicationFactor: number;
  /** The manual partition assignment, or the empty array if we are using automatic assignment. */
  readonly assignments: readonly CreatableReplicaAssignment[];
  /** The custom topic configurations to set. */
  readonly configs: readonly CreatableTopicConfig[];
}

/** An element of `CreatableTopic.assignments`. */
export interface CreatableReplicaAssignment {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The brokers to place the partition on. */
  readonly brokerIds: readonly number[];
}

/** An element of `CreatableTopic.configs`. */
export interface CreatableTopicConfig {
  /** The configuration name. */
  readonly name: string;
  /** The configuration value. */
  readonly value: string | null;
}

/** CreateTopics response, versions 2-7. */
export interface CreateTopicsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** Results for each topic we tried to create. */
  readonly topics: readonly CreatableTopicResult[];
}

/** An element of `CreateTopicsResponse.topics`. */
export interface CreatableTopicResult {
  /** The topic name. */
  readonly name: string;
  /** The unique topic ID (v7+) */
  readonly topicId?: string;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The error message, or null if there was no error. */
  readonly errorMessage: string | null;
  /**
   * Optional topic config error returned if configs are not returned in the response. (v5+, tagged
   * 0)
   */
  readonly topicConfigErrorCode?: number;
  /** Number of partitions of the topic. (v5+) */
  readonly numPartitions?: number;
  /** Replication factor of the topic. (v5+) */
  readonly replicationFactor?: number;
  /** Configuration of the topic. (v5+) */
  readonly configs?: readonly CreatableTopicConfigs[] | null;
}

/** An element of `CreatableTopicResult.configs`. */
export interface CreatableTopicConfigs {
  /** The configuration name. */
  readonly name: string;
  /** The configuration value. */
  readonly value: string | null;
  /** True if the configuration is read-only. */
  readonly readOnly: boolean;
  /** The configuration source. */
  readonly configSource: number;
  /** True if this configuration is sensitive. */
  readonly isSensitive: boolean;
}

/** The CreateTopics request schema, versions 2-7. */
export const createTopicsRequestSchema = defineMessage<CreateTopicsRequest>({
  name: 'CreateTopicsRequest',
  apiKey: 19,
  type: 'request',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'topics',
      type: '[]CreatableTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'assignments',
          type: '[]CreatableReplicaAssignment',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: '[]int32', versions: '0+' },
          ],
        },
        {
          name: 'configs',
          type: '[]CreatableTopicConfig',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
});

/** The CreateTopics response schema, versions 2-7. */
export const createTopicsResponseSchema = defineMessage<CreateTopicsResponse>({
  name: 'CreateTopicsResponse',
  apiKey: 19,
  type: 'response',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics',
      type: '[]CreatableTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '7+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        {
          name: 'errorMessage',
          type: 'string',
          versions: '1+',
          nullableVersions: '0+',
          ignorable: true,
        },
        {
          name: 'topicConfigErrorCode',
          type: 'int16',
          versions: '5+',
          tag: 0,
          taggedVersions: '5+',
          ignorable: true,
        },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1, ignorable: true },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1, ignorable: true },
        {
          name: 'configs',
          type: '[]CreatableTopicConfigs',
          versions: '5+',
          nullableVersions: '5+',
          ignorable: true,
          fields: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            { name: 'configSource', type: 'int8', versions: '5+', default: -1, ignorable: true },
            { name: 'isSensitive', type: 'bool', versions: '5+' },
          ],
        },
      ],
    },
  ],
});
