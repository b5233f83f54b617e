/**
 * LeaveGroup (API key 13): versions 0-4, flexible from v4.
 *
 * Transcribed from Apache Kafka's `LeaveGroupRequest.json` and `LeaveGroupResponse.json`
 * (Apache-2.0, see NOTICE); fields that exist only outside these versions are left out.
 */
import { defineMessage } from '../schema.js';

/** LeaveGroup request, versions 0-4. */
export interface LeaveGroupRequest {
  /** The ID of the group to leave. */
  readonly groupId: string;
  /** The member ID to remove from the group. (v0-2) */
  readonly memberId?: string;
  /** List of leaving member identities. (v3+) */
  readonly members?: readonly MemberIdentity[];
}

/** An element of `LeaveGroupRequest.members`. */
export interface MemberIdentity {
  /** The member ID to remove from the group. */
  readonly memberId: string;
  /** The group instance ID to remove from the group. */
  readonly groupInstanceId: string | null;
}

/** LeaveGroup response, versions 0-4. */
export interface LeaveGroupResponse {
  /**
   * The duration in milliseconds for which the request was throttled due to a quota violation, or
   * zero if the request did not violate any quota. (v1+)
   */
  readonly throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
  /** List of leaving member responses. (v3+) */
  readonly members?: readonly MemberResponse[];
}

/** An element of `LeaveGroupResponse.members`. */
export interface MemberResponse {
  /** The member ID to remove from the group. */
  readonly memberId: string;
  /** The group instance ID to remove from the group. */
  readonly groupInstanceId: string | null;
  /** The error code, or 0 if there was no error. */
  readonly errorCode: number;
}

/** The LeaveGroup request schema, versions 0-4. */
export const leaveGroupRequestSchema = defineMessage<LeaveGroupRequest>({
  name: 'LeaveGroupRequest',
  apiKey: 13,
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: '[]MemberIdentity',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        {
          name: 'groupInstanceId',
          type: 'string',
          versions: '3+',
          nullableVersions: '3+',
          default: null,
        },
      ],
    },
  ],
});

/** The LeaveGroup response schema, versions 0-4. */
export const leaveGroupResponseSchema = defineMessage<LeaveGroupResponse>({
  name: 'LeaveGroupResponse',
  apiKey: 13,
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: '[]MemberResponse',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
        { name: 'errorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
});
