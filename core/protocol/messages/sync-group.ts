/**
 * SyncGroup (API key 14): versions 0-4, flexible from v4.
 *
 * Transcribed from Apache Kafka's `SyncGroupRequest.json` and `SyncGroupResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** SyncGroup request, versions 0-4. */
export interface SyncGroupRequest {
  /** The unique group identifier. */
  readonly groupId: string;
  /** The generation of the group. */
  readonly generationId: number;
  /** The member ID assigned by the group. */
  readonly memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3+) */
  readonly groupInstanceId?: string | null;
  /** Each assignment. */
  readonly assignments: readonly SyncGroupRequestAssignment[];
}

/** An element of `SyncGroupRequest.assignments`. */
export interface SyncGroupRequestAssignment {
  /** The ID of the member to assign. */
  readonly memberId: string;
  /** The member assignment. */
  readonly assignment: Buffer;
}

/** SyncGroup response, versions 0-4. */
export interface SyncGroupResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** The member assignment. */
  readonly assignment: Buffer;
}

/** The SyncGroup request schema, versions 0-4. */
export const syncGroupRequestSchema = defineMessage<SyncGroupRequest>({
  name: 'SyncGroupRequest',
  apiKey: 14,
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
    {
      name: 'assignments',
      type: '[]SyncGroupRequestAssignment',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
});

/** The SyncGroup response schema, versions 0-4. */
export const syncGroupResponseSchema = defineMessage<SyncGroupResponse>({
  name: 'SyncGroupResponse',
  apiKey: 14,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
});
