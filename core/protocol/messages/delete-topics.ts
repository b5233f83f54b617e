/**
 * DeleteTopics (API key 20): versions 1-6, flexible from v4.
 *
 * Transcribed from Apache Kafka's `DeleteTopicsRequest.json` and `DeleteTopicsResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** DeleteTopics request, versions 1-6. */
export interface DeleteTopicsRequest {
  /** The name or topic ID of the topic (v6+) */
  readonly topics?: readonly DeleteTopicState[];
  /** The names of the topics to delete (v0-5) */
  readonly topicNames?: readonly string[];
  /** The length of time in milliseconds to wait for the deletions to complete. */
  readonly timeoutMs: number;
}

/** An element of `DeleteTopicsRequest.topics`. */
export interface DeleteTopicState {
  /** The topic name */
  readonly name: string | null;
  /** The unique topic ID */
  readonly topicId: string;
}

/** DeleteTopics response, versions 1-6. */
export interface DeleteTopicsResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota.
   */
  readonly throttleTimeMs: number;
  /** The results for each topic we tried to delete. */
  readonly responses: readonly DeletableTopicResult[];
}

/** An element of `DeleteTopicsResponse.responses`. */
export interface DeletableTopicResult {
  /** The topic name */
  readonly name: string | null;
  /** the unique topic ID (v6+) */
  readonly topicId?: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  readonly errorCode: number;
  /** The error message, or null if there was no error. (v5+) */
  readonly errorMessage?: string | null;
}

/** The DeleteTopics request schema, versions 1-6. */
export const deleteTopicsRequestSchema = defineMessage<DeleteTopicsRequest>({
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  type: 'request',
  validVersions: '1-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics',
      type: '[]DeleteTopicState',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
});

/** The DeleteTopics response schema, versions 1-6. */
export const deleteTopicsResponseSchema = defineMessage<DeleteTopicsResponse>({
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  type: 'response',
  validVersions: '1-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'responses',
      type: '[]DeletableTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        {
          name: 'errorMessage',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: null,
          ignorable: true,
        },
      ],
    },
  ],
});
