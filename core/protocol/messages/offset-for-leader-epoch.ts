/**
 * OffsetForLeaderEpoch (API key 23): versions 0-4, flexible from v4. A follower (replica_id ≥ 0,
 * v3+) or a consumer (-1, KIP-320) asks, per partition, where the largest leader epoch ≤
 * `leaderEpoch` ends in the leader's log; the answer decides where a replica truncates
 * (KIP-101/279).
 *
 * Transcribed from Apache Kafka's `OffsetForLeaderEpochRequest.json` and
 * `OffsetForLeaderEpochResponse.json` (Apache-2.0, see NOTICE).
 */
import { defineMessage } from '../schema.js';

/** OffsetForLeaderEpoch request, versions 0-4. */
export interface OffsetForLeaderEpochRequest {
  /** The broker ID of the follower, or -1 for a normal consumer. (v3+) */
  readonly replicaId?: number;
  /** Each topic to get offsets for. */
  readonly topics: readonly OffsetForLeaderTopic[];
}

/** An element of `OffsetForLeaderEpochRequest.topics`. */
export interface OffsetForLeaderTopic {
  /** The topic name. */
  readonly topic: string;
  /** Each partition to get offsets for. */
  readonly partitions: readonly OffsetForLeaderPartition[];
}

/** An element of `OffsetForLeaderTopic.partitions`. */
export interface OffsetForLeaderPartition {
  /** The partition index. */
  readonly partition: number;
  /** The epoch the requester believes the leader has, or -1 not to check. (v2+) */
  readonly currentLeaderEpoch?: number;
  /** The epoch to look up an offset for. */
  readonly leaderEpoch: number;
}

/** OffsetForLeaderEpoch response, versions 0-4. */
export interface OffsetForLeaderEpochResponse {
  /** Throttle time in ms. (v2+) */
  readonly throttleTimeMs?: number;
  /** Each topic we fetched offsets for. */
  readonly topics: readonly OffsetForLeaderTopicResult[];
}

/** An element of `OffsetForLeaderEpochResponse.topics`. */
export interface OffsetForLeaderTopicResult {
  /** The topic name. */
  readonly topic: string;
  /** Each partition in the topic we fetched offsets for. */
  readonly partitions: readonly EpochEndOffsetResult[];
}

/** An element of `OffsetForLeaderTopicResult.partitions`. */
export interface EpochEndOffsetResult {
  /** The error code, 0 if there was no error. */
  readonly errorCode: number;
  /** The partition index. */
  readonly partition: number;
  /** The leader epoch found (≤ the one asked), or -1. (v1+) */
  readonly leaderEpoch?: number;
  /** The end offset of that epoch, or -1. */
  readonly endOffset: number;
}

/** The OffsetForLeaderEpoch request schema, versions 0-4. */
export const offsetForLeaderEpochRequestSchema = defineMessage<OffsetForLeaderEpochRequest>({
  name: 'OffsetForLeaderEpochRequest',
  apiKey: 23,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetForLeaderTopic',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetForLeaderPartition',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            {
              name: 'currentLeaderEpoch',
              type: 'int32',
              versions: '2+',
              default: -1,
              ignorable: true,
            },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
});

/** The OffsetForLeaderEpoch response schema, versions 0-4. */
export const offsetForLeaderEpochResponseSchema = defineMessage<OffsetForLeaderEpochResponse>({
  name: 'OffsetForLeaderEpochResponse',
  apiKey: 23,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics',
      type: '[]OffsetForLeaderTopicResult',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]EpochEndOffsetResult',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
            { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          ],
        },
      ],
    },
  ],
});
