/**
 * Produce (API key 0): versions 0-7, never flexible in this range.
 *
 * v0-2 are declared in full but carry old message sets (magic 0/1), which fjord does not store:
 * the broker answers them with UNSUPPORTED_VERSION, as Kafka 4.0 does. They stay in the advertised
 * range because librdkafka 2.0.2 only compresses when Produce v0 is advertised
 * (kafka-protocol.md §0, 7b). Records are a zero-copy view of the request frame.
 *
 * Transcribed from Apache Kafka's `ProduceRequest.json` and `ProduceResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** Produce request, versions 0-7. */
export interface ProduceRequest {
  /** The transactional ID, or null if the producer is not transactional. (v3+) */
  readonly transactionalId?: string | null;
  /**
   * The number of acknowledgments the producer requires the leader to have received before
   * considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the
   * leader and -1 for the full ISR.
   */
  readonly acks: number;
  /** The timeout to await a response in milliseconds. */
  readonly timeoutMs: number;
  /** Each topic to produce to. */
  readonly topicData: readonly TopicProduceData[];
}

/** An element of `ProduceRequest.topicData`. */
export interface TopicProduceData {
  /** The topic name. */
  readonly name: string;
  /** Each partition to produce to. */
  readonly partitionData: readonly PartitionProduceData[];
}

/** An element of `TopicProduceData.partitionData`. */
export interface PartitionProduceData {
  /** The partition index. */
  readonly index: number;
  /** The record data to be produced. */
  readonly records: Buffer | null;
}

/** Produce response, versions 0-7. */
export interface ProduceResponse {
  /** Each produce response */
  readonly responses: readonly TopicProduceResponse[];
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
}

/** An element of `ProduceResponse.responses`. */
export interface TopicProduceResponse {
  /** The topic name */
  readonly name: string;
  /** Each partition that we produced to within the topic. */
  readonly partitionResponses: readonly PartitionProduceResponse[];
}

/** An element of `TopicProduceResponse.partitionResponses`. */
export interface PartitionProduceResponse {
  /** The partition index. */
  readonly index: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The base offset. */
  readonly baseOffset: number;
  /**
   * The timestamp returned by broker after appending the messages. If CreateTime is used for the
   * topic, the timestamp will be -1.  If LogAppendTime is used for the topic, the timestamp will
   * be the broker local time when the messages are appended. (v2+)
   */
  readonly logAppendTimeMs?: number;
  /** The log start offset. (v5+) */
  readonly logStartOffset?: number;
}

/** The Produce request schema, versions 0-7. */
export const produceRequestSchema = defineMessage<ProduceRequest>({
  name: 'ProduceRequest',
  apiKey: 0,
  type: 'request',
  validVersions: '0-7',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'transactionalId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: null,
    },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: '[]TopicProduceData',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: '[]PartitionProduceData',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});

/** The Produce response schema, versions 0-7. */
export const produceResponseSchema = defineMessage<ProduceResponse>({
  name: 'ProduceResponse',
  apiKey: 0,
  type: 'response',
  validVersions: '0-7',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses',
      type: '[]TopicProduceResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          type: '[]PartitionProduceResponse',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            {
              name: 'logAppendTimeMs',
              type: 'int64',
              versions: '2+',
              default: -1,
              ignorable: true,
            },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0, ignorable: true },
  ],
});
