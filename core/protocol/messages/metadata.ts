/**
 * Metadata (API key 3): versions 0-9, flexible from v9.
 *
 * Transcribed from Apache Kafka's `MetadataRequest.json` and `MetadataResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** Metadata request, versions 0-9. */
export interface MetadataRequest {
  /** The topics to fetch metadata for. */
  readonly topics: readonly MetadataRequestTopic[] | null;
  /**
   * If this is true, the broker may auto-create topics that we requested which do not already
   * exist, if it is configured to do so. (v4+)
   */
  readonly allowAutoTopicCreation?: boolean;
  /** Whether to include cluster authorized operations. (v8-10) */
  readonly includeClusterAuthorizedOperations?: boolean;
  /** Whether to include topic authorized operations. (v8+) */
  readonly includeTopicAuthorizedOperations?: boolean;
}

/** An element of `MetadataRequest.topics`. */
export interface MetadataRequestTopic {
  /** The topic name. */
  readonly name: string;
}

/** Metadata response, versions 0-9. */
export interface MetadataResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v3+)
   */
  readonly throttleTimeMs?: number;
  /** A list of brokers present in the cluster. */
  readonly brokers: readonly MetadataResponseBroker[];
  /** The cluster ID that responding broker belongs to. (v2+) */
  readonly clusterId?: string | null;
  /** The ID of the controller broker. (v1+) */
  readonly controllerId?: number;
  /** Each topic in the response. */
  readonly topics: readonly MetadataResponseTopic[];
  /** 32-bit bitfield to represent authorized operations for this cluster. (v8-10) */
  readonly clusterAuthorizedOperations?: number;
}

/** An element of `MetadataResponse.brokers`. */
export interface MetadataResponseBroker {
  /** The broker ID. */
  readonly nodeId: number;
  /** The broker hostname. */
  readonly host: string;
  /** The broker port. */
  readonly port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. (v1+) */
  readonly rack?: string | null;
}

/** An element of `MetadataResponse.topics`. */
export interface MetadataResponseTopic {
  /** The topic error, or 0 if there was no error. */
  readonly errorCode: number;
  /**
   * The topic name. Null for non-existing topics queried by ID. This is never null when ErrorCode
   * is zero. One of Name and TopicId is always populated.
   */
  readonly name: string;
  /** True if the topic is internal. (v1+) */
  readonly isInternal?: boolean;
  /** Each partition in the topic. */
  readonly partitions: readonly MetadataResponsePartition[];
  /** 32-bit bitfield to represent authorized operations for this topic. (v8+) */
  readonly topicAuthorizedOperations?: number;
}

/** An element of `MetadataResponseTopic.partitions`. */
export interface MetadataResponsePartition {
  /** The partition error, or 0 if there was no error. */
  readonly errorCode: number;
  /** The partition index. */
  readonly partitionIndex: number;
  /** The ID of the leader broker. */
  readonly leaderId: number;
  /** The leader epoch of this partition. (v7+) */
  readonly leaderEpoch?: number;
  /** The set of all nodes that host this partition. */
  readonly replicaNodes: readonly number[];
  /** The set of nodes that are in sync with the leader for this partition. */
  readonly isrNodes: readonly number[];
  /** The set of offline replicas of this partition. (v5+) */
  readonly offlineReplicas?: readonly number[];
}

/** The Metadata request schema, versions 0-9. */
export const metadataRequestSchema = defineMessage<MetadataRequest>({
  name: 'MetadataRequest',
  apiKey: 3,
  type: 'request',
  validVersions: '0-9',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'topics',
      type: '[]MetadataRequestTopic',
      versions: '0+',
      nullableVersions: '1+',
      fields: [{ name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' }],
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
});

/** The Metadata response schema, versions 0-9. */
export const metadataResponseSchema = defineMessage<MetadataResponse>({
  name: 'MetadataResponse',
  apiKey: 3,
  type: 'response',
  validVersions: '0-9',
  flexibleVersions: '9+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'brokers',
      type: '[]MetadataResponseBroker',
      versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        {
          name: 'rack',
          type: 'string',
          versions: '1+',
          nullableVersions: '1+',
          default: null,
          ignorable: true,
        },
      ],
    },
    {
      name: 'clusterId',
      type: 'string',
      versions: '2+',
      nullableVersions: '2+',
      default: null,
      ignorable: true,
    },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1, ignorable: true },
    {
      name: 'topics',
      type: '[]MetadataResponseTopic',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'isInternal', type: 'bool', versions: '1+', default: false, ignorable: true },
        {
          name: 'partitions',
          type: '[]MetadataResponsePartition',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
            { name: 'replicaNodes', type: '[]int32', versions: '0+' },
            { name: 'isrNodes', type: '[]int32', versions: '0+' },
            { name: 'offlineReplicas', type: '[]int32', versions: '5+', ignorable: true },
          ],
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
});
