/**
 * Heartbeat (API key 12): versions 0-4, flexible from v4.
 *
 * Transcribed from Apache Kafka's `HeartbeatRequest.json` and `HeartbeatResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** Heartbeat request, versions 0-4. */
export interface HeartbeatRequest {
  /** The group id. */
  readonly groupId: string;
  /** The generation of the group. */
  readonly generationId: number;
  /** The member ID. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3+) */
  readonly groupInstanceId?: string | null;
}

/** Heartbeat response, versions 0-4. */
export interface HeartbeatResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** The Heartbeat request schema, versions 0-4. */
export const heartbeatRequestSchema = defineMessage<HeartbeatRequest>({
  name: 'HeartbeatRequest',
  apiKey: 12,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'groupInstanceId',
      type: 'string',
      versions: '3+',
      nullableVersions: '3+',
      default: null,
    },
  ],
});

/** The Heartbeat response schema, versions 0-4. */
export const heartbeatResponseSchema = defineMessage<HeartbeatResponse>({
  name: 'HeartbeatResponse',
  apiKey: 12,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
});
