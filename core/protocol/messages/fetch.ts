/**
 * Fetch (API key 1): versions 4-12, flexible from v12.
 *
 * Response records may be given as a list of stored batches ({@link RecordData}); with
 * `encodeResponseChunks` they reach the socket without being copied.
 *
 * Transcribed from Apache Kafka's `FetchRequest.json` and `FetchResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage, type RecordData } from '../schema.js';

/** Fetch request, versions 4-12. */
export interface FetchRequest {
  /**
   * The clusterId if known. This is used to validate metadata fetches prior to broker
   * registration. (v12+, tagged 0)
   */
  readonly clusterId?: string | null;
  /** The broker ID of the follower, of -1 if this request is from a consumer. */
  readonly replicaId: number;
  /** The maximum time in milliseconds to wait for the response. */
  readonly maxWaitMs: number;
  /** The minimum bytes to accumulate in the response. */
  readonly minBytes: number;
  /** The maximum bytes to fetch.  See KIP-74 for cases where this limit may not be honored. */
  readonly maxBytes: number;
  /**
   * This setting controls the visibility of transactional records. Using READ_UNCOMMITTED
   * (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1),
   * non-transactional and COMMITTED transactional records are visible. To be more concrete,
   * READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable
   * offset), and enables the inclusion of the list of aborted transactions in the result, which
   * allows consumers to discard ABORTED transactional records
   */
  readonly isolationLevel: number;
  /** The fetch session ID. (v7+) */
  readonly sessionId?: number;
  /** The fetch session epoch, which is used for ordering requests in a session. (v7+) */
  readonly sessionEpoch?: number;
  /** The topics to fetch. */
  readonly topics: readonly FetchTopic[];
  /** In an incremental fetch request, the partitions to remove. (v7+) */
  readonly forgottenTopicsData?: readonly ForgottenTopic[];
  /** Rack ID of the consumer making this request (v11+) */
  readonly rackId?: string;
}

/** An element of `FetchRequest.topics`. */
export interface FetchTopic {
  /** The name of the topic to fetch. */
  readonly topic: string;
  /** The partitions to fetch. */
  readonly partitions: readonly FetchPartition[];
}

/** An element of `FetchTopic.partitions`. */
export interface FetchPartition {
  /** The partition index. */
  readonly partition: number;
  /** The current leader epoch of the partition. (v9+) */
  readonly currentLeaderEpoch?: number;
  /** The message offset. */
  readonly fetchOffset: number;
  /** The epoch of the last fetched record or -1 if there is none (v12+) */
  readonly lastFetchedEpoch?: number;
  /**
   * The earliest available offset of the follower replica.  The field is only used when the
   * request is sent by the follower. (v5+)
   */
  readonly logStartOffset?: number;
  /**
   * The maximum bytes to fetch from this partition.  See KIP-74 for cases where this limit may not
   * be honored.
   */
  readonly partitionMaxBytes: number;
}

/** An element of `FetchRequest.forgottenTopicsData`. */
export interface ForgottenTopic {
  /** The topic name. */
  readonly topic: string;
  /** The partitions indexes to forget. */
  readonly partitions: readonly number[];
}

/** Fetch response, versions 4-12. */
export interface FetchResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The top level response error code. (v7+) */
  readonly errorCode?: number;
  /** The fetch session ID, or 0 if this is not part of a fetch session. (v7+) */
  readonly sessionId?: number;
  /** The response topics. */
  readonly responses: readonly FetchableTopicResponse[];
}

/** An element of `FetchResponse.responses`. */
export interface FetchableTopicResponse {
  /** The topic name. */
  readonly topic: string;
  /** The topic partitions. */
  readonly partitions: readonly PartitionData[];
}

/** An element of `FetchableTopicResponse.partitions`. */
export interface PartitionData {
  /** The partition index. */
  readonly partitionIndex: number;
  /** The error code, or 0 if there was no fetch error. */
  readonly errorCode: number;
  /** The current high water mark. */
  readonly highWatermark: number;
  /**
   * The last stable offset (or LSO) of the partition. This is the last offset such that the state
   * of all transactional records prior to this offset have been decided (ABORTED or COMMITTED)
   */
  readonly lastStableOffset: number;
  /** The current log start offset. (v5+) */
  readonly logStartOffset?: number;
  /**
   * In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the
   * request, this field indicates the largest epoch and its end offset such that subsequent
   * records are known to diverge (v12+, tagged 0)
   */
  readonly divergingEpoch?: EpochEndOffset;
  /** (v12+, tagged 1) */
  readonly currentLeader?: LeaderIdAndEpoch;
  /**
   * In the case of fetching an offset less than the LogStartOffset, this is the end offset and
   * epoch that should be used in the FetchSnapshot request. (v12+, tagged 2)
   */
  readonly snapshotId?: SnapshotId;
  /** The aborted transactions. */
  readonly abortedTransactions: readonly AbortedTransaction[] | null;
  /** The preferred read replica for the consumer to use on its next fetch request (v11+) */
  readonly preferredReadReplica?: number;
  /** The record data. */
  readonly records: RecordData | null;
}

/** The struct in `PartitionData.divergingEpoch`. */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: number;
}

/** The struct in `PartitionData.currentLeader`. */
export interface LeaderIdAndEpoch {
  /** The ID of the current leader or -1 if the leader is unknown. */
  readonly leaderId: number;
  /** The latest known leader epoch */
  readonly leaderEpoch: number;
}

/** The struct in `PartitionData.snapshotId`. */
export interface SnapshotId {
  readonly endOffset: number;
  readonly epoch: number;
}

/** An element of `PartitionData.abortedTransactions`. */
export interface AbortedTransaction {
  /** The producer id associated with the aborted transaction. */
  readonly producerId: number;
  /** The first offset in the aborted transaction. */
  readonly firstOffset: number;
}

/** The Fetch request schema, versions 4-12. */
export const fetchRequestSchema = defineMessage<FetchRequest>({
  name: 'FetchRequest',
  apiKey: 1,
  type: 'request',
  validVersions: '4-12',
  flexibleVersions: '12+',
  fields: [
    {
      name: 'clusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      tag: 0,
      taggedVersions: '12+',
      default: null,
      ignorable: true,
    },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 2147483647, ignorable: true },
    { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0, ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0, ignorable: true },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
    {
      name: 'topics',
      type: '[]FetchTopic',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
        {
          name: 'partitions',
          type: '[]FetchPartition',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            {
              name: 'currentLeaderEpoch',
              type: 'int32',
              versions: '9+',
              default: -1,
              ignorable: true,
            },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'forgottenTopicsData',
      type: '[]ForgottenTopic',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12', ignorable: true },
        { name: 'partitions', type: '[]int32', versions: '7+' },
      ],
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '', ignorable: true },
  ],
});

/** The Fetch response schema, versions 4-12. */
export const fetchResponseSchema = defineMessage<FetchResponse>({
  name: 'FetchResponse',
  apiKey: 1,
  type: 'response',
  validVersions: '4-12',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '7+', ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    {
      name: 'responses',
      type: '[]FetchableTopicResponse',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
        {
          name: 'partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            {
              name: 'lastStableOffset',
              type: 'int64',
              versions: '4+',
              default: -1,
              ignorable: true,
            },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            {
              name: 'divergingEpoch',
              type: 'EpochEndOffset',
              versions: '12+',
              tag: 0,
              taggedVersions: '12+',
              fields: [
                { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'currentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '12+',
              tag: 1,
              taggedVersions: '12+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'snapshotId',
              type: 'SnapshotId',
              versions: '12+',
              tag: 2,
              taggedVersions: '12+',
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
                { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
              ],
            },
            {
              name: 'abortedTransactions',
              type: '[]AbortedTransaction',
              versions: '4+',
              nullableVersions: '4+',
              ignorable: true,
              fields: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' },
              ],
            },
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});
